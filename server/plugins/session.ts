import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import { endSession, resolveSession, startSession } from '../organisers/organisers.service.ts';
import { mayUseWithoutSecondFactor, SECOND_FACTOR_SETUP_PATH } from '../organisers/two-factor.service.ts';
import './types.ts';

type Options = { db: Db; clock: Clock; secureCookies: boolean; /** REQUIRE_2FA */ requireSecondFactor?: boolean };

declare module 'fastify' {
  interface FastifyReply {
    /** Starts a fresh session for the organiser (new token on every login). */
    logIn(organiserId: number): void;
    logOut(): void;
  }
  interface FastifyRequest {
    /** The request carried a session cookie that no longer resolves (expired or ended). */
    sessionExpired: boolean;
  }
}

/**
 * Server-side sessions: a random token in an httpOnly, SameSite=Lax cookie (Secure and
 * `__Host-` prefixed under https); the database keeps only its hash, so logout and password
 * changes end a session for good.
 */
const sessionPlugin: FastifyPluginAsync<Options> = async (app, { db, clock, secureCookies, requireSecondFactor = false }) => {
  const cookieName = secureCookies ? '__Host-mz_session' : 'mz_session';
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secureCookies };

  app.decorateRequest('organiser', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('sessionExpired', false);

  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[cookieName];
    if (!token) return;
    const organiser = resolveSession({ db, clock, token });
    if (organiser) {
      request.organiser = organiser;
      request.sessionToken = token;
      // REQUIRE_2FA: an account without a second factor sets one up before anything else.
      if (requireSecondFactor && !organiser.totpSecret && !mayUseWithoutSecondFactor(request.url)) {
        return reply.redirect(SECOND_FACTOR_SETUP_PATH, 303);
      }
    } else {
      request.sessionExpired = true;
      reply.clearCookie(cookieName, cookieOptions);
    }
  });

  app.decorateReply('logIn', function (organiserId: number) {
    if (this.request.sessionToken) endSession({ db, token: this.request.sessionToken });
    const token = startSession({ db, clock, organiserId });
    this.setCookie(cookieName, token, { ...cookieOptions, maxAge: 7 * 24 * 60 * 60 });
    this.request.sessionToken = token;
  });

  app.decorateReply('logOut', function () {
    if (this.request.sessionToken) endSession({ db, token: this.request.sessionToken });
    this.request.organiser = null;
    this.request.sessionToken = null;
    this.clearCookie(cookieName, cookieOptions);
  });
};

export default fp(sessionPlugin, { name: 'session', dependencies: ['@fastify/cookie'] });
