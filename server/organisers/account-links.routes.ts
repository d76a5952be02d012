import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import { accountEvent } from './account-events.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import {
  checkAccountLink,
  confirmEmailChange,
  readForgotPasswordForm,
  readNewPasswordForm,
  requestPasswordReset,
  resetPasswordWithLink,
} from './account-links.service.ts';
import type { LinkCheck } from './account-links.service.ts';
import { MIN_PASSWORD_LENGTH } from './passwords.ts';

type Options = { db: Db; clock: Clock; secret: string };

/** "Passwort vergessen?": per client network; each account gets at most three mails an hour (service). */
const forgotRateLimit = { max: 10, timeWindow: '15 minutes' };
/** Links are guessable only by brute force; this keeps brute force slow. */
const linkRateLimit = { max: 30, timeWindow: '10 minutes' };

const tokenParams = { token: 'token' } as const;
const tokenRoute = (rateLimit?: typeof linkRateLimit) => ({ schema: paramsSchema(tokenParams), ...(rateLimit ? { config: { rateLimit } } : {}) });

const problemKeys: Record<Extract<LinkCheck, { ok: false }>['problem'], { status: number; text: MessageKey }> = {
  unknown: { status: 404, text: 'accounts.link.unknown' },
  used: { status: 410, text: 'accounts.link.used' },
  expired: { status: 410, text: 'accounts.link.expired' },
};

function renderProblem(reply: FastifyReply, problem: Extract<LinkCheck, { ok: false }>['problem'], again: { href: string; label: MessageKey }) {
  const { status, text } = problemKeys[problem];
  return reply.code(status).viewAsync('organisers/link-problem', { title: t('accounts.link.title'), text: t(text), again: { href: again.href, label: t(again.label) } });
}

/** Password reset by mail and the confirmation of a new e-mail address: no login needed, the link is the key. */
const accountLinksRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, secret }) => {
  const renderForgot = (reply: FastifyReply, form = formView({}), status = 200) =>
    reply.code(status).viewAsync('organisers/forgot-password', { title: t('accounts.forgot.title'), form });

  app.get('/forgot-password', async (_request, reply) => renderForgot(reply));

  app.post('/forgot-password', { config: { rateLimit: forgotRateLimit } }, async (request, reply) => {
    const result = readForgotPasswordForm(request.body);
    if (!result.ok) return renderForgot(reply, formView(result.values, result.errors), 422);
    const queued = requestPasswordReset({ db, clock, secret, email: result.value.email });
    accountEvent({ db, clock, log: request.log }, { event: 'password.reset_requested', account: result.value.email, ip: request.ip, queued });
    // The same answer whether or not the address has an account.
    return reply.viewAsync('organisers/forgot-password-sent', { title: t('accounts.forgot.title'), email: result.value.email });
  });

  const resetAgain = { href: '/forgot-password', label: 'accounts.link.resetAgain' } as const;
  const renderReset = (reply: FastifyReply, form = formView({}), status = 200) =>
    reply.code(status).viewAsync('organisers/reset-password', { title: t('accounts.reset.title'), form, minLength: MIN_PASSWORD_LENGTH });

  app.get('/reset/:token', tokenRoute(linkRateLimit), async (request, reply) => {
    const check = checkAccountLink({ db, clock, token: paramsOf(request, tokenParams).token, purpose: 'password-reset' });
    if (!check.ok) return renderProblem(reply, check.problem, resetAgain);
    return renderReset(reply);
  });

  app.post('/reset/:token', tokenRoute(linkRateLimit), async (request, reply) => {
    const check = checkAccountLink({ db, clock, token: paramsOf(request, tokenParams).token, purpose: 'password-reset' });
    if (!check.ok) return renderProblem(reply, check.problem, resetAgain);
    const result = readNewPasswordForm(request.body, check.organiser);
    if (!result.ok) return renderReset(reply, formView(result.values, result.errors), 422);
    if (!(await resetPasswordWithLink({ db, clock, link: check.link, organiser: check.organiser, password: result.value.password }))) {
      return renderProblem(reply, 'used', resetAgain);
    }
    accountEvent({ db, clock, log: request.log }, { event: 'password.reset', organiserId: check.organiser.id, ip: request.ip });
    // Every session of the account has ended, this browser's included.
    reply.logOut();
    return reply.flash('accounts.reset.done').redirect('/login', 303);
  });

  const emailAgain = { href: '/account', label: 'accounts.link.toAccount' } as const;

  app.get('/email/:token', tokenRoute(linkRateLimit), async (request, reply) => {
    const check = checkAccountLink({ db, clock, token: paramsOf(request, tokenParams).token, purpose: 'email-change' });
    if (!check.ok) return renderProblem(reply, check.problem, emailAgain);
    return reply.viewAsync('organisers/confirm-email', { title: t('accounts.email.confirmTitle'), email: check.link.newEmail });
  });

  app.post('/email/:token', tokenRoute(linkRateLimit), async (request, reply) => {
    const check = checkAccountLink({ db, clock, token: paramsOf(request, tokenParams).token, purpose: 'email-change' });
    if (!check.ok) return renderProblem(reply, check.problem, emailAgain);
    const changed = confirmEmailChange({ db, clock, link: check.link, organiser: check.organiser });
    if (!changed.ok) {
      if (changed.problem === 'used') return renderProblem(reply, 'used', emailAgain);
      return reply.code(409).viewAsync('organisers/link-problem', { title: t('accounts.link.title'), text: t('accounts.email.taken'), again: { href: emailAgain.href, label: t(emailAgain.label) } });
    }
    accountEvent({ db, clock, log: request.log }, { event: 'email.changed', organiserId: check.organiser.id, ip: request.ip });
    return reply.flash('accounts.email.changed', { email: changed.email }).redirect(request.organiser ? '/account' : '/login', 303);
  });
};

export default accountLinksRoutes;
