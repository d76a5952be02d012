import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import { readForm } from '../shared/form.ts';
import { t } from '../i18n/index.ts';
import { RateLimitedError } from '../shared/app-error.ts';
import { accountEvent } from './account-events.ts';
import accountRoutes from './account.routes.ts';
import {
  attemptLogin,
  createOrganiser,
  hasOrganisers,
  readOrganiserForm,
} from './organisers.service.ts';
import { MIN_PASSWORD_LENGTH } from './passwords.ts';
import { hasSecondFactor, startLoginChallenge } from './two-factor.service.ts';
import { loginChallengeCookie } from './two-factor.routes.ts';
import twoFactorRoutes from './two-factor.routes.ts';
import accountLinksRoutes from './account-links.routes.ts';

type Options = { db: Db; clock: Clock; secret: string; secureCookies: boolean; requireSecondFactor: boolean };

// Setup and password change: ten per quarter hour and network. Login counts only failures
// (per account and per network, see attemptLogin).
const passwordFormRateLimit = { max: 10, timeWindow: '15 minutes' };

/** Only local paths, so that a crafted `next` cannot send the organiser elsewhere. */
const safeNext = (value: unknown) => (typeof value === 'string' && /^\/(?!\/)[\w\-./?=&#%]*$/.test(value) ? value : '/appeals');

/** Setup (first account), login (the second step in two-factor.routes.ts), logout; the account pages and the mailed links are registered from here. */
const organisersRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, secret, secureCookies, requireSecondFactor }) => {
  const challengeCookie = loginChallengeCookie(secureCookies);
  await app.register(twoFactorRoutes, { db, clock, secret, secureCookies, requireSecondFactor });
  await app.register(accountLinksRoutes, { db, clock, secret });
  await app.register(accountRoutes, { db, clock, secret, passwordFormRateLimit });

  app.get('/', async (request, reply) => {
    if (request.organiser) return reply.redirect('/appeals', 303);
    return reply.redirect(hasOrganisers({ db }) ? '/login' : '/setup', 303);
  });

  app.get('/setup', async (_request, reply) => {
    if (hasOrganisers({ db })) return reply.redirect('/login', 303);
    return reply.viewAsync('organisers/setup', { title: t('setup.title'), form: formView({}), minLength: MIN_PASSWORD_LENGTH });
  });

  app.post('/setup', { config: { rateLimit: passwordFormRateLimit } }, async (request, reply) => {
    if (hasOrganisers({ db })) return reply.redirect('/login', 303);
    const result = readOrganiserForm(request.body);
    if (!result.ok) {
      return reply
        .code(422)
        .viewAsync('organisers/setup', { title: t('setup.title'), form: formView(result.values, result.errors), minLength: MIN_PASSWORD_LENGTH });
    }
    // The first account is the operator's (the admin page, inviting organisers).
    const created = await createOrganiser({ db, clock, input: result.value, isAdmin: true });
    if (!created.ok) return reply.redirect('/login', 303);
    accountEvent({ db, clock, log: request.log }, { event: 'organiser.created', organiserId: created.organiser.id, ip: request.ip });
    reply.logIn(created.organiser.id);
    return reply.flash('setup.done').redirect('/appeals', 303);
  });

  app.get('/login', async (request, reply) => {
    if (request.organiser) return reply.redirect('/appeals', 303);
    const next = safeNext((request.query as Record<string, unknown>).next);
    const query = request.query as Record<string, unknown>;
    const expired = query.expired === '1';
    // kept=1: the typed values wait server-side (plugins/form-drafts.ts); the URL carries none.
    return reply.viewAsync('organisers/login', { title: t('login.title'), form: formView({ next }), expired, kept: expired && query.kept === '1' });
  });

  app.post('/login', { config: { rateLimit: false } }, async (request, reply) => {
    const form = readForm(request.body);
    const email = form.line('email', { max: 254 }).slice(0, 254);
    const password = form.text('password', { max: 200 }).slice(0, 200);
    const next = safeNext(form.line('next', { max: 500 }));
    const attempt = await attemptLogin({ db, clock, secret, email, password, ip: request.ip });
    if (attempt.status === 'locked') {
      accountEvent({ db, clock, log: request.log }, { event: 'login.locked', account: email, ip: request.ip, refused: true });
      throw new RateLimitedError(attempt.retryAfterSeconds, 'guard.loginLocked.text');
    }
    if (attempt.status === 'failed') {
      accountEvent({ db, clock, log: request.log }, { event: 'login.failed', account: email, ip: request.ip });
      if (attempt.lockedNow) accountEvent({ db, clock, log: request.log }, { event: 'login.locked', account: email, ip: request.ip });
      return reply
        .code(422)
        .viewAsync('organisers/login', { title: t('login.title'), form: formView({ email, next }, { email: 'login.failed' }) });
    }
    if (attempt.status === 'disabled') {
      accountEvent({ db, clock, log: request.log }, { event: 'login.disabled', account: email, ip: request.ip, refused: true });
      return reply
        .code(422)
        .viewAsync('organisers/login', { title: t('login.title'), form: formView({ email, next }, { email: 'accounts.login.disabled' }) });
    }
    if (hasSecondFactor(attempt.organiser)) {
      // The password was right; the session starts only after the code (organisers/two-factor.routes.ts).
      const token = startLoginChallenge({ db, clock, organiserId: attempt.organiser.id, next });
      reply.setCookie(challengeCookie.name, token, challengeCookie.options);
      accountEvent({ db, clock, log: request.log }, { event: 'login.password_ok', organiserId: attempt.organiser.id, ip: request.ip });
      return reply.redirect('/login/code', 303);
    }
    accountEvent({ db, clock, log: request.log }, { event: 'login.succeeded', organiserId: attempt.organiser.id, ip: request.ip });
    reply.logIn(attempt.organiser.id);
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (request, reply) => {
    if (request.organiser) accountEvent({ db, clock, log: request.log }, { event: 'logout', organiserId: request.organiser.id, ip: request.ip });
    reply.logOut();
    return reply.flash('logout.done').redirect('/login', 303);
  });
};

export default organisersRoutes;
