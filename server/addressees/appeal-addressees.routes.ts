import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import { presentAppealHeader } from '../appeals/appeals.presenters.ts';
import { addListToAppeal, appealAddresseeLists, listAccessibleLists, removeListFromAppeal } from './addressees.service.ts';

type Options = { db: Db };

const listIdOf = (request: FastifyRequest) => Number((request.params as { listId: string }).listId);

/** Which addressee lists an appeal goes to, and whether a list gets one collective letter. */
const appealAddresseesRoutes: FastifyPluginAsync<Options> = async (app, { db }) => {
  app.get('/appeals/:slug/addressees', { config: { appealRole: 'viewer' } }, async (request, reply) => {
    const chosen = appealAddresseeLists({ db, appeal: request.appeal });
    const chosenIds = new Set(chosen.map((entry) => entry.list.id));
    const available = listAccessibleLists({ db, organiserId: request.organiser!.id })
      .filter(({ list }) => !chosenIds.has(list.id))
      .map(({ list, entryCount }) => ({ id: list.id, name: list.name, entryCount }));
    return reply.viewAsync('appeals/addressees', {
      title: t('appealAddressees.title'),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'addressees'),
      chosen: chosen.map(({ list, collective, entryCount }) => ({
        id: list.id,
        name: list.name,
        entryCount,
        collective,
        groupAddressLine: list.groupAddressLine,
        letterCount: collective ? 1 : entryCount,
      })),
      letterCount: chosen.reduce((sum, entry) => sum + (entry.collective ? 1 : entry.entryCount), 0),
      available,
      editable: request.appealRole !== 'viewer' && request.appeal.state !== 'sent',
    });
  });

  app.post('/appeals/:slug/addressees', { config: { appealRole: 'editor' } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const list = addListToAppeal({
      db,
      organiserId: request.organiser!.id,
      appeal: request.appeal,
      listId: Number(body.listId),
      collective: body.collective === 'on',
    });
    return reply.flash('appealAddressees.added', { name: list.name }).redirect(`/appeals/${request.appeal.slug}/addressees`, 303);
  });

  app.post('/appeals/:slug/addressees/:listId', { config: { appealRole: 'editor' } }, async (request, reply) => {
    addListToAppeal({
      db,
      organiserId: request.organiser!.id,
      appeal: request.appeal,
      listId: listIdOf(request),
      collective: (request.body as Record<string, unknown>).collective === 'on',
    });
    return reply.flash('appealAddressees.saved').redirect(`/appeals/${request.appeal.slug}/addressees`, 303);
  });

  app.post('/appeals/:slug/addressees/:listId/delete', { config: { appealRole: 'editor' } }, async (request, reply) => {
    removeListFromAppeal({ db, appeal: request.appeal, listId: listIdOf(request) });
    return reply.flash('appealAddressees.removed').redirect(`/appeals/${request.appeal.slug}/addressees`, 303);
  });
};

export default appealAddresseesRoutes;
