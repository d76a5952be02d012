import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { MIN_PASSWORD_LENGTH } from '../organisers/passwords.ts';
import { notFound } from '../shared/app-error.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { securityEvent } from '../shared/privacy-log.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { appealParams } from './appeal-access.ts';
import { roleLabel } from './appeals.presenters.ts';
import { acceptInvitation, checkInvitation, inviterName, readInvitationForm, revokeInvitation } from './team-invitations.service.ts';
import type { InvitationCheck } from './team-invitations.service.ts';

type Options = { db: Db; clock: Clock };

const invitationParams = { ...appealParams, invitationId: 'id' } as const;

/** "Einladung zurückziehen" on the Team page (organiser area, owners). */
export const teamInvitationRoutes: FastifyPluginAsync<Options> = async (app, { db, clock }) => {
  app.post('/appeals/:slug/invitations/:invitationId/delete', { schema: paramsSchema(invitationParams), config: { appealRole: 'owner' } }, async (request, reply) => {
    const { invitationId } = paramsOf(request, invitationParams);
    if (!revokeInvitation({ db, clock, appeal: request.appeal, invitationId })) throw notFound();
    securityEvent(request.log, { event: 'invitation.revoked', actorId: request.organiser!.id, appealId: request.appeal.id, ip: request.ip });
    return reply.flash('invitations.revoked').redirect(`/appeals/${request.appeal.slug}/members`, 303);
  });
};

const tokenParams = { token: 'token' } as const;
/** Links are guessable only by brute force; this keeps brute force slow. */
const tokenRoute = { schema: paramsSchema(tokenParams), config: { rateLimit: { max: 30, timeWindow: '10 minutes' } } };

const problems: Record<Extract<InvitationCheck, { ok: false }>['problem'], { status: number; text: MessageKey }> = {
  unknown: { status: 404, text: 'invitations.problem.unknown' },
  used: { status: 410, text: 'invitations.problem.used' },
  revoked: { status: 410, text: 'invitations.problem.revoked' },
  expired: { status: 410, text: 'invitations.problem.expired' },
};

/** The invitation link /invite/<token>: no login, the link is the key. */
export const invitationAcceptRoutes: FastifyPluginAsync<Options> = async (app, { db, clock }) => {
  const renderProblem = (reply: FastifyReply, problem: keyof typeof problems) =>
    reply.code(problems[problem].status).viewAsync('organisers/link-problem', { title: t('accounts.link.title'), text: t(problems[problem].text), again: null });
  const renderForm = (reply: FastifyReply, check: Extract<InvitationCheck, { ok: true }>, form: FormView, status = 200) =>
    reply.code(status).viewAsync('appeals/invitation', {
      title: t('invitations.page.title'),
      appeal: check.appeal ? { title: check.appeal.title, coalitionName: check.appeal.coalitionName } : null,
      invitedBy: inviterName({ db, invitation: check.invitation }),
      roleLabel: roleLabel(check.invitation.role),
      email: check.invitation.email,
      form,
      minLength: MIN_PASSWORD_LENGTH,
    });

  app.get('/invite/:token', tokenRoute, async (request, reply) => {
    const check = checkInvitation({ db, clock, token: paramsOf(request, tokenParams).token });
    if (!check.ok) return renderProblem(reply, check.problem);
    return renderForm(reply, check, formView({}));
  });

  app.post('/invite/:token', tokenRoute, async (request, reply) => {
    const check = checkInvitation({ db, clock, token: paramsOf(request, tokenParams).token });
    if (!check.ok) return renderProblem(reply, check.problem);
    const form = readInvitationForm(request.body, check.invitation);
    if (!form.ok) return renderForm(reply, check, formView(form.values, form.errors), 422);
    const accepted = await acceptInvitation({ db, clock, invitation: check.invitation, appeal: check.appeal, input: form.value });
    if (!accepted.ok) return renderProblem(reply, accepted.problem);
    const appeal = check.appeal;
    securityEvent(request.log, { event: 'invitation.accepted', organiserId: accepted.organiser.id, appealId: appeal?.id, ip: request.ip });
    const target = appeal ? `/appeals/${appeal.slug}` : '/appeals';
    if (!accepted.newAccount) {
      // The address got an account meanwhile: the role is added; its owner logs in as usual.
      if (!appeal) return reply.redirect('/login', 303);
      return reply.flash('invitations.addedToAccount', { title: appeal.title }).redirect(`/login?next=${target}`, 303);
    }
    securityEvent(request.log, { event: 'organiser.created', organiserId: accepted.organiser.id, ip: request.ip });
    reply.logIn(accepted.organiser.id);
    return (appeal ? reply.flash('invitations.welcome', { title: appeal.title }) : reply.flash('setup.done')).redirect(target, 303);
  });
};
