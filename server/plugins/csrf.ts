import fp from 'fastify-plugin';
import csrfProtection from '@fastify/csrf-protection';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { hashToken } from '../shared/tokens.ts';
import './types.ts';

type Options = { secret: string; secureCookies: boolean };

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Binding tokens to the session stops a token from one session working in another
// (cookie tossing); anonymous forms (login, signing links) share one fixed binding.
const sessionBinding = (request: FastifyRequest) => (request.sessionToken ? hashToken(request.sessionToken) : 'anonymous');

/**
 * Every form carries a CSRF token (`_csrf`); every unsafe request must present a valid one.
 * The check runs as preHandler so that urlencoded and multipart bodies are already parsed.
 */
const csrfPlugin: FastifyPluginAsync<Options> = async (app, { secret, secureCookies }) => {
  await app.register(csrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: secureCookies ? '__Host-mz_csrf' : 'mz_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies, signed: true },
    getUserInfo: sessionBinding,
    csrfOpts: { hmacKey: secret },
  });

  app.addHook('onRequest', async (request, reply) => {
    // One token per response: on a first visit each generateCsrf call would start a new
    // secret cookie, and every form but the last on the page would carry a stale token.
    let token: string | undefined;
    reply.locals.csrf = () => (token ??= reply.generateCsrf({ userInfo: sessionBinding(request) }));
  });

  app.addHook('preHandler', (request, reply, done) => {
    if (!UNSAFE_METHODS.has(request.method) || request.routeOptions.config.csrf === false) return done();
    app.csrfProtection(request, reply, done);
  });
};

export default fp(csrfPlugin, { name: 'csrf', dependencies: ['@fastify/cookie', 'view'] });
