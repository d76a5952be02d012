import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/client.ts';
import { paramsOf } from '../shared/route-params.ts';
import { getList } from './addressees.service.ts';
import type { ListAccess } from './addressees.service.ts';
import type { AddresseeList } from './addressees.table.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least access an organiser needs to the list named by `:listId`. Required on `/lists/:listId…` routes. */
    listAccess?: ListAccess;
  }
  interface FastifyRequest {
    /** The list of a `/lists/:listId…` route, loaded after the access check. */
    list: AddresseeList;
    listAccess: ListAccess;
  }
}

/**
 * Loads the list of every `/lists/:listId…` route and checks the organiser's access to it
 * (see getList: no access → 404, too little → 403). A `/lists/:listId` route without
 * `config.listAccess` fails at start-up, so no route can forget the check.
 */
const listAccessPlugin: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.decorateRequest('list', null as unknown as AddresseeList);
  app.decorateRequest('listAccess', null as unknown as ListAccess);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/lists/:listId') && !route.config?.listAccess) {
      throw new Error(`Route ${route.method} ${route.url} must declare config.listAccess`);
    }
  });

  // Runs after the params schema, so listId is a valid id here.
  app.addHook('preHandler', async (request) => {
    const need = request.routeOptions.config.listAccess;
    if (!need || !request.organiser) return;
    const { listId } = paramsOf(request, { listId: 'id' });
    const { list, access } = getList({ db, organiserId: request.organiser.id, listId, need });
    request.list = list;
    request.listAccess = access;
  });
};

export default fp(listAccessPlugin, { name: 'list-access' });
