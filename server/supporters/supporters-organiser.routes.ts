import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import { appealParams, appealRouteSchema } from '../appeals/appeal-access.ts';
import { presentAppealHeader } from '../appeals/appeals.presenters.ts';
import { hasRole } from '../appeals/appeal-roles.ts';
import { isPublicPageVisible } from '../appeals/appeal-lifecycle.ts';
import { t } from '../i18n/index.ts';
import { organiserActor } from '../organisers/organiser-actor.ts';
import { conflict } from '../shared/app-error.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDate } from '../shared/dates.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { exportFileName, supportersCsvStream, supportersXlsxStream, tooManyForXlsx, XLSX_MAX_ROWS } from './supporters.export.ts';
import { backToList, presentSupporterRow, presentSupportersPage } from './supporters-organiser.presenters.ts';
import {
  approveOrganisation,
  findSupporter,
  loadSupportersPage,
  moderateComment,
  readCommentDecision,
  readRejectForm,
  recordSupportersExport,
  rejectOrganisation,
  signaturesPerDay,
} from './supporters-organiser.service.ts';

type Options = { db: Db; clock: Clock };

const supporterParams = { ...appealParams, id: 'id' } as const;
const supporterRoute = { schema: paramsSchema(supporterParams), config: { appealRole: 'editor' as const } };
const editorRoute = { schema: appealRouteSchema, config: { appealRole: 'editor' as const } };

/** The organiser's supporter pages: list, approve or reject, moderate comments, export. */
const supportersOrganiserRoutes: FastifyPluginAsync<Options> = async (app, { db, clock }) => {
  const supporterId = (request: FastifyRequest) => paramsOf(request, supporterParams).id;
  const action = (request: FastifyRequest) => ({ db, clock, appeal: request.appeal, supporterId: supporterId(request), actor: organiserActor(request.organiser!) });

  app.get('/appeals/:slug/supporters', { schema: appealRouteSchema, config: { appealRole: 'viewer' } }, async (request, reply) => {
    const { appeal } = request;
    const page = loadSupportersPage({ db, appeal, query: request.query });
    return reply.viewAsync('supporters/organiser-index', {
      title: t('supporters.title'),
      appeal: presentAppealHeader(appeal, request.appealRole, 'supporters'),
      supporters: presentSupportersPage({ slug: appeal.slug, page, days: signaturesPerDay({ db, clock, appealId: appeal.id }), canEdit: hasRole(request.appealRole, 'editor'), joinOpen: isPublicPageVisible(appeal) }),
    });
  });

  app.post('/appeals/:slug/supporters/:id/approve', supporterRoute, async (request, reply) => {
    const approved = approveOrganisation(action(request));
    return reply.flash('supporters.approved', { organisation: approved.organisationName }).redirect(backToList(request.appeal.slug, request.body), 303);
  });

  const renderReject = (request: FastifyRequest, reply: FastifyReply, form: FormView) => {
    const supporter = findSupporter({ db, appeal: request.appeal, supporterId: supporterId(request) });
    return reply.code(422).viewAsync('supporters/organiser-reject', {
      title: t('supporters.reject.title', { organisation: supporter.organisationName }),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'supporters'),
      supporter: presentSupporterRow(supporter, true),
      back: backToList(request.appeal.slug, request.body),
      form,
    });
  };

  app.post('/appeals/:slug/supporters/:id/reject', supporterRoute, async (request, reply) => {
    const form = readRejectForm(request.body);
    if (!form.ok) return renderReject(request, reply, formView(form.values, form.errors));
    const rejected = rejectOrganisation({ ...action(request), reason: form.value.reason });
    return reply.flash('supporters.rejected', { organisation: rejected.organisationName }).redirect(backToList(request.appeal.slug, request.body), 303);
  });

  app.post('/appeals/:slug/supporters/:id/comment', supporterRoute, async (request, reply) => {
    const state = moderateComment({ db, appeal: request.appeal, supporterId: supporterId(request), decision: readCommentDecision(request.body) });
    return reply.flash('supporters.commentSaved', { state: t(`supporters.commentState.${state}`) }).redirect(backToList(request.appeal.slug, request.body), 303);
  });

  // Exports carry personal data: editors only, each one in the appeal's trail.
  app.get('/appeals/:slug/supporters.csv', editorRoute, async (request, reply) => {
    const { appeal } = request;
    recordSupportersExport({ db, clock, appeal, actor: organiserActor(request.organiser!), format: 'csv' });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${exportFileName(appeal.slug, isoDate(clock()), 'csv')}"`)
      .send(supportersCsvStream({ db, appealId: appeal.id }));
  });

  app.get('/appeals/:slug/supporters.xlsx', editorRoute, async (request, reply) => {
    const { appeal } = request;
    if (tooManyForXlsx({ db, appealId: appeal.id })) throw conflict('supporters.export.tooMany', { max: XLSX_MAX_ROWS });
    recordSupportersExport({ db, clock, appeal, actor: organiserActor(request.organiser!), format: 'xlsx' });
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${exportFileName(appeal.slug, isoDate(clock()), 'xlsx')}"`)
      .send(supportersXlsxStream({ db, appealId: appeal.id }));
  });
};

export default supportersOrganiserRoutes;
