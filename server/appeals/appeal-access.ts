import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/client.ts';
import { forbidden, notFound } from '../shared/app-error.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { findAppealForOrganiser } from './appeals.service.ts';
import { hasRole } from './appeal-roles.ts';
import type { Appeal, Role } from './appeals.table.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role an organiser needs on the appeal named by `:slug`. Required on such routes. */
    appealRole?: Role;
  }
  interface FastifyRequest {
    /** The appeal of a `:slug` route, loaded after the role check. */
    appeal: Appeal;
    appealRole: Role;
  }
}

/** The params of every route under /appeals/:slug (further params are added to this spec). */
export const appealParams = { slug: 'slug' } as const;
/** The schema of a route under /appeals/:slug without further params. */
export const appealRouteSchema = paramsSchema(appealParams);

/**
 * Loads the appeal of every `/appeals/:slug…` route and checks the organiser's role on it:
 * no role → 404 (the appeal does not exist for them), too small a role → 403. A route with
 * `:slug` but without `config.appealRole` fails at start-up, so no route can forget the check.
 */
const appealAccessPlugin: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.decorateRequest('appeal', null as unknown as Appeal);
  app.decorateRequest('appealRole', null as unknown as Role);

  app.addHook('onRoute', (route) => {
    if (route.url.includes(':slug') && !route.config?.appealRole) {
      throw new Error(`Route ${route.method} ${route.url} must declare config.appealRole`);
    }
  });

  app.addHook('preHandler', async (request) => {
    const needed = request.routeOptions.config.appealRole;
    if (!needed || !request.organiser) return;
    const { slug } = paramsOf(request, appealParams);
    const found = findAppealForOrganiser({ db, slug, organiserId: request.organiser.id });
    if (!found) throw notFound();
    if (!hasRole(found.role, needed)) throw forbidden();
    request.appeal = found.appeal;
    request.appealRole = found.role;
  });
};

export default fp(appealAccessPlugin, { name: 'appeal-access' });
