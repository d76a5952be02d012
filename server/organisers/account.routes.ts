import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import { notFound } from '../shared/app-error.ts';
import type { Clock } from '../shared/clock.ts';
import { formatDateTime } from '../shared/dates.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { accountEvent, listAccountEvents } from './account-events.ts';
import { readEmailChangeForm, requestEmailChange } from './account-links.service.ts';
import { changeName, changeNotifyMode, changePassword, endOtherSessions, endOwnSession, listSessions, readChangePasswordForm, readNameForm } from './organisers.service.ts';
import { MIN_PASSWORD_LENGTH } from './passwords.ts';
import { hasSecondFactor } from './two-factor.service.ts';

type Options = { db: Db; clock: Clock; secret: string; passwordFormRateLimit: { max: number; timeWindow: string } };

const sessionParams = { sessionId: 'token' } as const;

/** The organiser's own account page: name, e-mail address, password, sessions and security events. */
const accountRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, secret, passwordFormRateLimit }) => {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.organiser || !request.sessionToken) return reply.redirect('/login?next=/account', 303);
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  const log = (request: FastifyRequest) => ({ db, clock, log: request.log });

  const render = (request: FastifyRequest, reply: FastifyReply, form: FormView = formView({ name: request.organiser!.name }), status = 200) => {
    const organiser = request.organiser!;
    return reply.code(status).viewAsync('organisers/account', {
      title: t('account.title'),
      form,
      minLength: MIN_PASSWORD_LENGTH,
      twoFactor: hasSecondFactor(organiser),
      notifyMode: organiser.notifyMode,
      sessions: listSessions({ db, organiser, currentToken: request.sessionToken! }).map((session) => ({
        ...session,
        createdAt: formatDateTime(session.createdAt),
        lastSeenAt: formatDateTime(session.lastSeenAt),
      })),
      events: listAccountEvents({ db, organiserId: organiser.id }),
    });
  };

  app.get('/account', async (request, reply) => render(request, reply));

  app.post('/account/name', async (request, reply) => {
    const result = readNameForm(request.body);
    if (!result.ok) return render(request, reply, formView(result.values, result.errors), 422);
    changeName({ db, organiser: request.organiser!, name: result.value.name });
    return reply.flash('accounts.name.changed').redirect('/account', 303);
  });

  app.post('/account/notifications', async (request, reply) => {
    changeNotifyMode({ db, clock, organiser: request.organiser!, mode: (request.body as Record<string, unknown> | undefined)?.notifyMode });
    return reply.flash('account.notify.saved').redirect('/account#benachrichtigungen', 303);
  });

  app.post('/account/email', { config: { rateLimit: passwordFormRateLimit } }, async (request, reply) => {
    const organiser = request.organiser!;
    const result = readEmailChangeForm(request.body);
    if (!result.ok) return render(request, reply, formView({ name: organiser.name, ...result.values }, result.errors), 422);
    const requested = await requestEmailChange({ db, clock, secret, organiser, input: result.value });
    if (!requested.ok) {
      return render(request, reply, formView({ name: organiser.name, newEmail: result.value.email }, { [requested.field]: requested.problem }), 422);
    }
    accountEvent(log(request), { event: 'email.change_requested', organiserId: organiser.id, ip: request.ip });
    return reply.flash('accounts.email.sent', { email: result.value.email }).redirect('/account', 303);
  });

  app.post('/account/password', { config: { rateLimit: passwordFormRateLimit } }, async (request, reply) => {
    const organiser = request.organiser!;
    const result = readChangePasswordForm(request.body, organiser);
    if (!result.ok) return render(request, reply, formView({ name: organiser.name, ...result.values }, result.errors), 422);
    const changed = await changePassword({ db, organiser, sessionToken: request.sessionToken!, input: result.value });
    if (!changed.ok) {
      accountEvent(log(request), { event: 'password.changed', organiserId: organiser.id, ip: request.ip, refused: true });
      return render(request, reply, formView({ name: organiser.name }, { current: 'account.wrongPassword' }), 422);
    }
    accountEvent(log(request), { event: 'password.changed', organiserId: organiser.id, ip: request.ip });
    return reply.flash('account.passwordChanged').redirect('/account', 303);
  });

  app.post('/account/sessions/:sessionId/delete', { schema: paramsSchema(sessionParams) }, async (request, reply) => {
    const { sessionId } = paramsOf(request, sessionParams);
    if (!endOwnSession({ db, organiser: request.organiser!, key: sessionId })) throw notFound();
    accountEvent(log(request), { event: 'session.ended', organiserId: request.organiser!.id, ip: request.ip });
    return reply.flash('accounts.sessions.ended').redirect(request.sessionToken ? '/account' : '/login', 303);
  });

  app.post('/account/sessions/end-others', async (request, reply) => {
    endOtherSessions({ db, organiser: request.organiser!, currentToken: request.sessionToken! });
    accountEvent(log(request), { event: 'session.ended', organiserId: request.organiser!.id, ip: request.ip, others: true });
    return reply.flash('accounts.sessions.othersEnded').redirect('/account', 303);
  });
};

export default accountRoutes;
