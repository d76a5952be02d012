import { securityEvent } from '../shared/privacy-log.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import type { ReplyFileStore } from '../replies/reply-files.ts';
import { formView } from '../shared/form-view.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { notFound } from '../shared/app-error.ts';
import { t } from '../i18n/index.ts';
import { presentAppealHeader } from '../appeals/appeals.presenters.ts';
import { appealParams, appealRouteSchema } from '../appeals/appeal-access.ts';
import { deleteAddressee, deleteRepresentative, deleteSupporter } from './person-deletion.ts';
import { exportAddressee, exportOrganiser, exportRepresentative, exportSupporter } from './person-export.ts';
import type { PersonExport } from './person-export.ts';
import { deleteOwnAccount, findPeopleOfAppeal, organiserDeletionObstacles, readDeletionConfirmation } from './privacy.service.ts';
import { exportFileName, presentPersonData } from './privacy.presenters.ts';

type Options = { db: Db; clock: Clock; fileStore: FileStore; mailDir: string; replyFiles: ReplyFileStore };

const personParams = { ...appealParams, id: 'id' } as const;
const personSchema = paramsSchema(personParams);
const owner = { appealRole: 'owner' as const };
const kinds = ['signatories', 'addressees', 'supporters'] as const;
type Kind = (typeof kinds)[number];

const sendJson = (reply: FastifyReply, exported: PersonExport, name: string) =>
  reply
    .type('application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="${exportFileName(exported, name)}"`)
    .send(`${JSON.stringify(exported, null, 2)}\n`);

/**
 * A person's data: the owner of an appeal for its representatives and addressees (only this
 * appeal's rows), every organiser for their own account.
 */
const privacyRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, fileStore, mailDir, replyFiles }) => {
  const deps = { db, clock, fileStore, mailDir, replyFiles };

  app.get('/appeals/:slug/privacy', { schema: appealRouteSchema, config: owner }, async (request, reply) => {
    const query = String((request.query as { q?: unknown }).q ?? '');
    return reply.viewAsync('privacy/appeal', {
      title: t('privacy.appeal.title'),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'members'),
      ...findPeopleOfAppeal({ db, appealId: request.appeal.id, query }),
    });
  });

  const exportOf = (request: FastifyRequest, kind: Kind) => {
    const { id } = paramsOf(request, personParams);
    const exported =
      kind === 'signatories'
        ? exportRepresentative({ db, fileStore, clock, appeal: request.appeal, signatoryId: id })
        : kind === 'addressees'
          ? exportAddressee({ db, clock, appeal: request.appeal, addresseeId: id })
          : exportSupporter({ db, clock, appeal: request.appeal, supporterId: id });
    if (!exported) throw notFound();
    return { id, exported };
  };

  for (const kind of kinds) {
    const renderPerson = (request: FastifyRequest, reply: FastifyReply, form = formView({}), status = 200) => {
      const { id, exported } = exportOf(request, kind);
      return reply.code(status).viewAsync('privacy/person', {
        title: t('privacy.person.title'),
        appeal: presentAppealHeader(request.appeal, request.appealRole, 'members'),
        person: presentPersonData(exported),
        base: `/appeals/${request.appeal.slug}/privacy/${kind}/${id}`,
        back: `/appeals/${request.appeal.slug}/privacy`,
        form,
      });
    };

    app.get(`/appeals/:slug/privacy/${kind}/:id`, { schema: personSchema, config: owner }, async (request, reply) => renderPerson(request, reply));

    app.get(`/appeals/:slug/privacy/${kind}/:id/export.json`, { schema: personSchema, config: owner }, async (request, reply) => {
      const { exported } = exportOf(request, kind);
      securityEvent(request.log, { event: 'data.exported', actorId: request.organiser!.id, appealId: request.appeal.id, kind, ip: request.ip });
      return sendJson(reply, exported, { signatories: 'vertretung', addressees: 'empfaenger', supporters: 'unterstuetzung' }[kind]);
    });

    app.post(`/appeals/:slug/privacy/${kind}/:id/delete`, { schema: personSchema, config: owner }, async (request, reply) => {
      const confirmed = readDeletionConfirmation(request.body);
      if (!confirmed.ok) return renderPerson(request, reply, formView(confirmed.values, confirmed.errors), 422);
      const { id } = paramsOf(request, personParams);
      const report =
        kind === 'signatories'
          ? deleteRepresentative({ ...deps, appeal: request.appeal, signatoryId: id })
          : kind === 'addressees'
            ? deleteAddressee({ ...deps, appeal: request.appeal, addresseeId: id })
            : deleteSupporter({ ...deps, appeal: request.appeal, supporterId: id });
      if (!report) throw notFound();
      securityEvent(request.log, { event: 'data.deleted', actorId: request.organiser!.id, appealId: request.appeal.id, kind, ip: request.ip });
      return reply.flash('privacy.deleted').redirect(`/appeals/${request.appeal.slug}/privacy`, 303);
    });
  }

  const renderAccount = (request: FastifyRequest, reply: FastifyReply, form = formView({}), obstacles: string[] = [], status = 200) => {
    const organiser = request.organiser!;
    const exported = exportOrganiser({ db, clock, organiserId: organiser.id });
    if (!exported) throw notFound();
    return reply.code(status).viewAsync('privacy/account', {
      title: t('privacy.account.title'),
      person: presentPersonData(exported),
      obstacles: obstacles.length > 0 ? obstacles : organiserDeletionObstacles({ db, organiserId: organiser.id }),
      form,
    });
  };

  app.get('/account/privacy', async (request, reply) => renderAccount(request, reply));

  app.get('/account/privacy/export.json', async (request, reply) => {
    const exported = exportOrganiser({ db, clock, organiserId: request.organiser!.id });
    if (!exported) throw notFound();
    securityEvent(request.log, { event: 'data.exported', organiserId: request.organiser!.id, ip: request.ip });
    return sendJson(reply, exported, 'konto');
  });

  app.post('/account/delete', async (request, reply) => {
    const result = await deleteOwnAccount({ ...deps, organiser: request.organiser!, body: request.body });
    if (!result.ok) return renderAccount(request, reply, formView(result.values, result.errors), result.obstacles, 422);
    securityEvent(request.log, { event: 'data.deleted', organiserId: request.organiser!.id, ip: request.ip });
    reply.logOut();
    return reply.flash('privacy.account.deleted').redirect('/login', 303);
  });
};

export default privacyRoutes;
