import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { MailboxConfig } from '../config.ts';
import type { Db } from '../db/client.ts';
import { presentMailboxStatus } from '../mailbox/mailbox.presenters.ts';
import { getMailboxStatus } from '../mailbox/mailbox.service.ts';
import { t } from '../i18n/index.ts';
import { adminEvent, listAdminEvents } from '../organisers/account-events.ts';
import { findOrganiserByEmail, findOrganiserById, setOrganiserDisabled } from '../organisers/organisers.service.ts';
import { disableSecondFactor } from '../organisers/two-factor.service.ts';
import { notFound } from '../shared/app-error.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { readForm } from '../shared/form.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { presentAdminOverview } from './admin.presenters.ts';
import { isAdmin, loadAdminOverview } from './admin.service.ts';
import { inviteToTeam, listPendingInvitations, revokeInvitation } from './team-invitations.service.ts';

type Options = { db: Db; clock: Clock; secret: string; mailbox?: MailboxConfig | undefined };

const organiserParams = { organiserId: 'id' } as const;
const invitationParams = { invitationId: 'id' } as const;

/** The operator's page /admin: organisers (invite, disable, re-enable, reset 2FA), appeals, mail health. */
const adminRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, secret, mailbox }) => {
  // For everybody else the page does not exist.
  app.addHook('preHandler', async (request) => {
    if (!isAdmin(request.organiser)) throw notFound();
  });
  const events = (request: FastifyRequest) => ({ db, clock, log: request.log });

  const render = (request: FastifyRequest, reply: FastifyReply, form: FormView = formView({}), status = 200) =>
    reply.code(status).viewAsync('appeals/admin', {
      title: t('admin.title'),
      ...presentAdminOverview({
        overview: loadAdminOverview({ db, viewer: request.organiser! }),
        invitations: listPendingInvitations({ db, clock, appeal: null }),
        events: listAdminEvents({ db }),
      }),
      mailbox: presentMailboxStatus(getMailboxStatus({ db, mailbox })),
      showMailboxServer: true,
      form,
    });

  app.get('/admin', async (request, reply) => render(request, reply));

  app.post('/admin/invitations', async (request, reply) => {
    const form = readForm(request.body);
    const email = form.email('email', { required: true });
    const result = form.result({ email });
    if (!result.ok) return render(request, reply, formView(result.values, result.errors), 422);
    if (findOrganiserByEmail({ db, email })) return render(request, reply, formView(result.values, { email: 'admin.invite.exists' }), 422);
    inviteToTeam({ db, clock, secret, appeal: null, email, role: 'viewer', invitedBy: request.organiser! });
    adminEvent(events(request), { action: 'invited', actorId: request.organiser!.id, target: { email }, ip: request.ip });
    return reply.flash('admin.invite.sent', { email }).redirect('/admin', 303);
  });

  app.post('/admin/invitations/:invitationId/delete', { schema: paramsSchema(invitationParams) }, async (request, reply) => {
    const { invitationId } = paramsOf(request, invitationParams);
    if (!revokeInvitation({ db, clock, appeal: null, invitationId })) throw notFound();
    adminEvent(events(request), { action: 'invitation_revoked', actorId: request.organiser!.id, target: { email: '' }, ip: request.ip });
    return reply.flash('invitations.revoked').redirect('/admin', 303);
  });

  for (const [path, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post(`/admin/organisers/:organiserId/${path}`, { schema: paramsSchema(organiserParams) }, async (request, reply) => {
      const { organiserId } = paramsOf(request, organiserParams);
      const organiser = setOrganiserDisabled({ db, clock, organiserId, actorId: request.organiser!.id, disabled });
      if (!organiser) throw notFound();
      adminEvent(events(request), { action: disabled ? 'disabled' : 'enabled', actorId: request.organiser!.id, target: organiser, ip: request.ip });
      return reply.flash(disabled ? 'admin.organiser.disabled' : 'admin.organiser.enabled', { name: organiser.name }).redirect('/admin', 303);
    });
  }

  app.post('/admin/organisers/:organiserId/reset-2fa', { schema: paramsSchema(organiserParams) }, async (request, reply) => {
    const { organiserId } = paramsOf(request, organiserParams);
    const organiser = findOrganiserById({ db, id: organiserId });
    if (!organiser || organiser.totpSecret === null) throw notFound();
    disableSecondFactor({ db, organiserId });
    adminEvent(events(request), { action: 'second_factor_reset', actorId: request.organiser!.id, target: organiser, ip: request.ip });
    return reply.flash('admin.organiser.secondFactorReset', { name: organiser.name }).redirect('/admin', 303);
  });
};

export default adminRoutes;
