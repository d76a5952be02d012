import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { mayChangeAddressees } from '../appeals/appeal-lifecycle.ts';
import { presentAppealHeader } from '../appeals/appeals.presenters.ts';
import { addListToAppeal, appealAddresseeLists, listAccessibleLists, removeListFromAppeal } from './addressees.service.ts';

type Options = { db: Db };

const appealParams = { slug: 'slug' } as const;
const chosenListParams = { slug: 'slug', listId: 'id' } as const;

/** Which addressee lists an appeal goes to, and whether a list gets one collective letter. */
const appealAddresseesRoutes: FastifyPluginAsync<Options> = async (app, { db }) => {
  app.get('/appeals/:slug/addressees', { schema: paramsSchema(appealParams), config: { appealRole: 'viewer' } }, async (request, reply) => {
    const chosen = appealAddresseeLists({ db, appeal: request.appeal });
    const chosenIds = new Set(chosen.map((entry) => entry.list.id));
    const available = listAccessibleLists({ db, organiserId: request.organiser!.id })
      // Only the owner of a list attaches it (lists reached through another appeal cannot be passed on).
      .filter(({ list, access }) => access === 'owner' && !chosenIds.has(list.id))
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
      editable: request.appealRole !== 'viewer' && mayChangeAddressees(request.appeal),
    });
  });

  app.post('/appeals/:slug/addressees', { schema: paramsSchema(appealParams), config: { appealRole: 'editor' } }, async (request, reply) => {
    // No body schema: it would run before the appeal access check and answer 422 where a
    // non-member must get 404. An id that names no list of the organiser's is a 404 of getList.
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

  app.post('/appeals/:slug/addressees/:listId', { schema: paramsSchema(chosenListParams), config: { appealRole: 'editor' } }, async (request, reply) => {
    addListToAppeal({
      db,
      organiserId: request.organiser!.id,
      appeal: request.appeal,
      listId: paramsOf(request, chosenListParams).listId,
      collective: (request.body as Record<string, unknown>).collective === 'on',
    });
    return reply.flash('appealAddressees.saved').redirect(`/appeals/${request.appeal.slug}/addressees`, 303);
  });

  app.post('/appeals/:slug/addressees/:listId/delete', { schema: paramsSchema(chosenListParams), config: { appealRole: 'editor' } }, async (request, reply) => {
    removeListFromAppeal({ db, appeal: request.appeal, listId: paramsOf(request, chosenListParams).listId });
    return reply.flash('appealAddressees.removed').redirect(`/appeals/${request.appeal.slug}/addressees`, 303);
  });
};

export default appealAddresseesRoutes;
