import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import { RateLimitedError } from '../shared/app-error.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { readForm } from '../shared/form.ts';
import { accountEvent } from './account-events.ts';
import { verifyPassword } from './passwords.ts';
import {
  beginTotpSetup,
  checkSecondFactor,
  confirmTotpSetup,
  disableSecondFactor,
  endLoginChallenge,
  findLoginChallenge,
  hasSecondFactor,
  newRecoveryCodes,
  pendingTotpSetup,
  unusedRecoveryCodes,
} from './two-factor.service.ts';
import type { TotpSetup } from './two-factor.service.ts';

type Options = { db: Db; clock: Clock; secret: string; secureCookies: boolean; requireSecondFactor: boolean };

/** The pending login between password and code: httpOnly, ten minutes. */
export const loginChallengeCookie = (secureCookies: boolean) => ({
  name: secureCookies ? '__Host-mz_login' : 'mz_login',
  options: { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secureCookies, maxAge: 10 * 60 },
});

const codeRateLimit = { max: 30, timeWindow: '15 minutes' };
const readCode = (body: unknown) => readForm(body).line('code', { max: 60 }).slice(0, 60);
const readPassword = (body: unknown, field: string) => readForm(body).text(field, { max: 200 }).slice(0, 200);

/** The second step of a login, and setting up or switching off two-factor sign-in on the account page. */
const twoFactorRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, secret, secureCookies, requireSecondFactor }) => {
  const cookie = loginChallengeCookie(secureCookies);
  const challengeOf = (request: FastifyRequest) => {
    const token = request.cookies[cookie.name];
    const found = token ? findLoginChallenge({ db, clock, token }) : undefined;
    return found && token ? { ...found, token } : undefined;
  };
  const renderCode = (reply: FastifyReply, form: FormView, status = 200) =>
    reply.code(status).viewAsync('organisers/login-code', { title: t('accounts.code.title'), form });

  app.get('/login/code', async (request, reply) => {
    if (!challengeOf(request)) return reply.redirect('/login', 303);
    return renderCode(reply, formView({}));
  });

  app.post('/login/code', { config: { rateLimit: codeRateLimit } }, async (request, reply) => {
    const challenge = challengeOf(request);
    if (!challenge) return reply.flash('accounts.code.expired').redirect('/login', 303);
    const code = readCode(request.body);
    const organiserId = challenge.organiser.id;
    if (code === '') return renderCode(reply, formView({}, { code: 'accounts.code.missing' }), 422);
    const check = checkSecondFactor({ db, clock, secret, organiser: challenge.organiser, code });
    if (check.status === 'locked') {
      accountEvent({ db, clock, log: request.log }, { event: 'login.second_factor_locked', organiserId, ip: request.ip, refused: true });
      throw new RateLimitedError(check.retryAfterSeconds, 'guard.loginLocked.text');
    }
    if (check.status === 'wrong') {
      accountEvent({ db, clock, log: request.log }, { event: 'login.second_factor_failed', organiserId, ip: request.ip });
      return renderCode(reply, formView({}, { code: 'accounts.code.wrong' }), 422);
    }
    endLoginChallenge({ db, token: challenge.token });
    reply.clearCookie(cookie.name, { path: '/', secure: secureCookies });
    accountEvent({ db, clock, log: request.log }, { event: 'login.succeeded', organiserId, ip: request.ip, secondFactor: check.used });
    reply.logIn(organiserId);
    if (check.used === 'recovery') reply.flash('accounts.code.recoveryUsed', { count: unusedRecoveryCodes({ db, organiser: challenge.organiser }) });
    return reply.redirect(challenge.next, 303);
  });

  const renderPage = (request: FastifyRequest, reply: FastifyReply, extra: { setup?: TotpSetup | null; codes?: string[]; form?: FormView } = {}, status = 200) => {
    const organiser = request.organiser!;
    return reply.code(status).viewAsync('organisers/two-factor', {
      title: t('accounts.twoFactor.title'),
      enabled: hasSecondFactor(organiser),
      required: requireSecondFactor,
      remaining: unusedRecoveryCodes({ db, organiser }),
      setup: extra.setup ?? null,
      codes: extra.codes ?? null,
      form: extra.form ?? formView({}),
    });
  };

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/account/') && !request.organiser) return reply.redirect('/login?next=/account/two-factor', 303);
  });
  // Recovery codes and the secret are on these pages: never cached.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.get('/account/two-factor', async (request, reply) => renderPage(request, reply));

  app.post('/account/two-factor/setup', async (request, reply) => {
    const organiser = request.organiser!;
    if (hasSecondFactor(organiser)) return reply.redirect('/account/two-factor', 303);
    return renderPage(request, reply, { setup: await beginTotpSetup({ db, secret, organiser }) });
  });

  app.post('/account/two-factor/confirm', { config: { rateLimit: codeRateLimit } }, async (request, reply) => {
    const organiser = request.organiser!;
    const result = confirmTotpSetup({ db, clock, secret, organiser, code: readCode(request.body) });
    if (!result.ok) {
      const setup = await pendingTotpSetup({ secret, organiser });
      if (!setup) return reply.redirect('/account/two-factor', 303);
      return renderPage(request, reply, { setup, form: formView({}, { code: 'accounts.code.wrong' }) }, 422);
    }
    accountEvent({ db, clock, log: request.log }, { event: 'two_factor.enabled', organiserId: organiser.id, ip: request.ip });
    request.organiser = { ...organiser, totpSecret: organiser.totpPendingSecret, totpPendingSecret: null };
    return renderPage(request, reply, { codes: result.recoveryCodes });
  });

  app.post('/account/two-factor/recovery-codes', { config: { rateLimit: codeRateLimit } }, async (request, reply) => {
    const organiser = request.organiser!;
    if (!hasSecondFactor(organiser)) return reply.redirect('/account/two-factor', 303);
    if (!(await verifyPassword(organiser.passwordHash, readPassword(request.body, 'passwordCodes')))) {
      return renderPage(request, reply, { form: formView({}, { passwordCodes: 'account.wrongPassword' }) }, 422);
    }
    accountEvent({ db, clock, log: request.log }, { event: 'two_factor.recovery_codes', organiserId: organiser.id, ip: request.ip });
    return renderPage(request, reply, { codes: newRecoveryCodes({ db, organiser }) });
  });

  app.post('/account/two-factor/disable', { config: { rateLimit: codeRateLimit } }, async (request, reply) => {
    const organiser = request.organiser!;
    if (requireSecondFactor) return reply.flash('accounts.twoFactor.requiredNoOff').redirect('/account/two-factor', 303);
    if (!(await verifyPassword(organiser.passwordHash, readPassword(request.body, 'passwordOff')))) {
      return renderPage(request, reply, { form: formView({}, { passwordOff: 'account.wrongPassword' }) }, 422);
    }
    disableSecondFactor({ db, organiserId: organiser.id });
    accountEvent({ db, clock, log: request.log }, { event: 'two_factor.disabled', organiserId: organiser.id, ip: request.ip });
    return reply.flash('accounts.twoFactor.disabled').redirect('/account/two-factor', 303);
  });
};

export default twoFactorRoutes;
