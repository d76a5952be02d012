import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/client.ts';
import { hitRateLimitTogether, windowMs } from '../db/rate-limits.ts';
import type { Clock } from '../shared/clock.ts';
import { RateLimitedError } from '../shared/app-error.ts';
import { clientNetwork } from '../shared/privacy-log.ts';
import './types.ts';

/** A route's limit: `config: { rateLimit: { max, timeWindow } }`; `bucket` shares one count between routes. */
export type RouteRateLimit = { max: number; timeWindow: string | number; bucket?: string };

/**
 * The limit for a form anyone may send (no account). Every unsafe request without a logged-in
 * organiser gets it unless its route names its own; a new public form may also name it.
 */
export const publicFormRateLimit: RouteRateLimit = { max: 30, timeWindow: '10 minutes' };

type Options = { db: Db; clock: Clock; secret: string };

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Rate limits counted in the database (table `rate_limits`, fixed windows), so that a restart
 * does not reset them. Runs in onRequest, after the session is known and before any body is
 * read; over the limit, the German 429 page with `Retry-After` answers.
 */
const rateLimitPlugin: FastifyPluginAsync<Options> = async (app, { db, clock, secret }) => {
  app.addHook('onRequest', async (request) => {
    const routeUrl = request.routeOptions.url;
    if (routeUrl === undefined) return;
    const configured = request.routeOptions.config.rateLimit;
    if (configured === false) return;
    const limit = configured ?? (UNSAFE_METHODS.has(request.method) && !request.organiser ? publicFormRateLimit : undefined);
    if (!limit) return;
    const bucket = limit.bucket ?? `${request.method} ${routeUrl}`;
    const state = await hitRateLimitTogether({ db, now: clock(), secret }, ['route', bucket, clientNetwork(request.ip)], {
      max: limit.max,
      windowMs: windowMs(limit.timeWindow),
    });
    if (state.limited) throw new RateLimitedError(state.retryAfterSeconds);
  });
};

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['session'] });
