import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import { organiserActor } from '../organisers/organiser-actor.ts';
import type { Clock } from '../shared/clock.ts';
import { formValues } from '../shared/form.ts';
import { formView } from '../shared/form-view.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { t } from '../i18n/index.ts';
import {
  addMember,
  changeMemberRole,
  createAppeal,
  deleteAppeal,
  listAppeals,
  listMembers,
  readAppealForm,
  readMemberForm,
  removeMember,
  updateAppeal,
} from './appeals.service.ts';
import type { AppealInput, TextChangeImpactHook, TextChangedHook } from './appeals.service.ts';
import {
  kindOptions,
  presentAppealHeader,
  presentAppealListItem,
  presentLetterPreview,
  roleLabel,
  roleOptions,
  appealFormValues,
  publicFromChoices,
} from './appeals.presenters.ts';
import { getAppealOverview } from './appeal-overview.ts';
import { mayEditText } from './appeal-lifecycle.ts';
import type { OverviewSections } from './appeal-overview.ts';
import { appealParams, appealRouteSchema } from './appeal-access.ts';
import { roles } from './appeals.table.ts';
import type { Role } from './appeals.table.ts';
import { securityEvent } from '../shared/privacy-log.ts';
import { inviteToTeam, listPendingInvitations } from './team-invitations.service.ts';
import { presentInvitations } from './team-invitations.presenters.ts';
import { teamInvitationRoutes } from './team-invitations.routes.ts';

type Options = {
  db: Db;
  clock: Clock;
  /** Given by the composition root: what a saved text change sets off above appeals/ (signing). */
  onTextChanged: TextChangedHook;
  /** Given by the composition root: who would have to confirm again if a text were saved now. */
  textChangeImpact: TextChangeImpactHook;
  /** Given by the composition root: the overview's sections of signatories and addressees. */
  overviewSections: OverviewSections;
  /** The app's secret: seals invitation links in queued mails. */
  secret: string;
};

const memberParams = { ...appealParams, organiserId: 'id' } as const;
const memberRoute = { schema: paramsSchema(memberParams), config: { appealRole: 'owner' as const } };

const newAppealDefaults: Partial<AppealInput> = { kind: 'aufruf', closing: 'Mit freundlichen Grüßen', letterNamesRecipients: true };

const appealsRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, onTextChanged, textChangeImpact, overviewSections, secret }) => {
  await app.register(teamInvitationRoutes, { db, clock });

  app.get('/appeals', async (request, reply) => {
    const appeals = listAppeals({ db, organiserId: request.organiser!.id }).map(presentAppealListItem);
    return reply.viewAsync('appeals/index', { title: t('appeals.title'), appeals });
  });

  app.get('/appeals/new', async (_request, reply) => {
    const form = formView(formValues(newAppealDefaults));
    return reply.viewAsync('appeals/new', { title: t('appeals.new.title'), form, kinds: kindOptions(form.values.kind ?? ''), publicFromChoices: publicFromChoices(form.values.publicFrom ?? '') });
  });

  app.post('/appeals', async (request, reply) => {
    const result = readAppealForm(request.body);
    if (!result.ok) {
      const form = formView(result.values, result.errors, result.params);
      return reply.code(422).viewAsync('appeals/new', { title: t('appeals.new.title'), form, kinds: kindOptions(form.values.kind ?? ''), publicFromChoices: publicFromChoices(form.values.publicFrom ?? '') });
    }
    const appeal = createAppeal({ db, clock, organiserId: request.organiser!.id, input: result.value });
    return reply.flash('appeals.created').redirect(`/appeals/${appeal.slug}`, 303);
  });

  app.get('/appeals/:slug', { schema: appealRouteSchema, config: { appealRole: 'viewer' } }, async (request, reply) => {
    const overview = getAppealOverview({ db, appeal: request.appeal, sections: overviewSections });
    return reply.viewAsync('appeals/show', {
      title: request.appeal.title,
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'overview'),
      ...overview,
    });
  });

  app.get('/appeals/:slug/edit', { schema: appealRouteSchema, config: { appealRole: 'viewer' } }, async (request, reply) => {
    const appeal = request.appeal;
    const form = formView(appealFormValues(appeal));
    return reply.viewAsync('appeals/edit', {
      title: t('appeals.edit.title', { title: appeal.title }),
      appeal: presentAppealHeader(appeal, request.appealRole, 'text'),
      form,
      kinds: kindOptions(appeal.kind),
      publicFromChoices: publicFromChoices(form.values.publicFrom ?? ''),
      preview: presentLetterPreview(appeal),
    });
  });

  // "Vorschau" re-renders the page with the typed text and saves nothing; "Speichern" saves.
  app.post('/appeals/:slug', { schema: appealRouteSchema, config: { appealRole: 'editor' } }, async (request, reply) => {
    const appeal = request.appeal;
    const result = readAppealForm(request.body);
    // Locked meanwhile (finalised in another tab): the page says why and shows what was typed.
    if (!mayEditText(appeal)) {
      return reply.code(409).viewAsync('appeals/edit', {
        title: t('appeals.edit.title', { title: appeal.title }),
        appeal: presentAppealHeader(appeal, request.appealRole, 'text'),
        form: formView(result.values),
        preview: presentLetterPreview(appeal),
        notSaved: true,
      });
    }
    const previewOnly = (request.body as Record<string, unknown>).action === 'preview';
    if (!result.ok || previewOnly) {
      const form = formView(result.values, result.ok ? {} : result.errors, result.ok ? {} : result.params);
      return reply.code(result.ok ? 200 : 422).viewAsync('appeals/edit', {
        title: t('appeals.edit.title', { title: appeal.title }),
        appeal: presentAppealHeader(appeal, request.appealRole, 'text'),
        form,
        kinds: kindOptions(form.values.kind ?? appeal.kind),
        publicFromChoices: publicFromChoices(form.values.publicFrom ?? ''),
        preview: presentLetterPreview(result.ok ? result.value : appeal),
        previewIsUnsaved: result.ok,
      });
    }
    // A change that voids signatures is saved only after the page said so and was confirmed.
    const impact = (request.body as Record<string, unknown>).confirmTextChange === 'yes' ? undefined : textChangeImpact({ appeal, input: result.value });
    if (impact) {
      return reply.viewAsync('appeals/confirm-text-change', {
        title: t('appeals.textChange.title'),
        appeal: presentAppealHeader(appeal, request.appealRole, 'text'),
        impact,
        fields: Object.entries(result.values).filter(([name]) => name !== '_csrf' && name !== 'action' && name !== 'confirmTextChange'),
      });
    }
    updateAppeal({ db, clock, appeal, input: result.value, actor: organiserActor(request.organiser!), onTextChanged });
    return reply.flash('appeals.saved').redirect(`/appeals/${appeal.slug}/edit#vorschau`, 303);
  });

  app.get('/appeals/:slug/delete', { schema: appealRouteSchema, config: { appealRole: 'owner' } }, async (request, reply) => {
    return reply.viewAsync('appeals/delete', {
      title: t('appeals.delete.title'),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'overview'),
    });
  });

  app.post('/appeals/:slug/delete', { schema: appealRouteSchema, config: { appealRole: 'owner' } }, async (request, reply) => {
    deleteAppeal({ db, appeal: request.appeal });
    return reply.flash('appeals.deleted', { title: request.appeal.title }).redirect('/appeals', 303);
  });

  const renderMembers = (request: FastifyRequest, form = formView({ role: 'editor' })) => {
    const members = listMembers({ db, appeal: request.appeal }).map((member) => ({
      ...member,
      roleLabel: roleLabel(member.role),
      roles: roleOptions(member.role),
      isSelf: member.organiserId === request.organiser!.id,
    }));
    return {
      title: t('members.title'),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'members'),
      members,
      form,
      roles: roleOptions(form.values.role ?? 'editor'),
      invitations: request.appealRole === 'owner' ? presentInvitations(listPendingInvitations({ db, clock, appeal: request.appeal })) : [],
    };
  };

  app.get('/appeals/:slug/members', { schema: appealRouteSchema, config: { appealRole: 'viewer' } }, async (request, reply) => {
    return reply.viewAsync('appeals/members', renderMembers(request));
  });

  app.post('/appeals/:slug/members', { schema: appealRouteSchema, config: { appealRole: 'owner' } }, async (request, reply) => {
    const result = readMemberForm(request.body);
    if (!result.ok) return reply.code(422).viewAsync('appeals/members', renderMembers(request, formView(result.values, result.errors)));
    const added = addMember({ db, clock, appeal: request.appeal, input: result.value, addedBy: request.organiser!.name });
    if (!added.ok && added.reason === 'no_account') {
      // No account yet: an invitation by mail (a second one to the same address replaces the first).
      inviteToTeam({ db, clock, secret, appeal: request.appeal, email: result.value.email, role: result.value.role, invitedBy: request.organiser! });
      securityEvent(request.log, { event: 'invitation.sent', actorId: request.organiser!.id, appealId: request.appeal.id, account: result.value.email, role: result.value.role, ip: request.ip });
      return reply.flash('invitations.sent', { email: result.value.email }).redirect(`/appeals/${request.appeal.slug}/members`, 303);
    }
    if (!added.ok) {
      const form = formView({ email: result.value.email, role: result.value.role }, { email: 'members.alreadyMember' });
      return reply.code(422).viewAsync('appeals/members', renderMembers(request, form));
    }
    return reply.flash('members.added', { name: added.name }).redirect(`/appeals/${request.appeal.slug}/members`, 303);
  });

  app.post('/appeals/:slug/members/:organiserId/role', memberRoute, async (request, reply) => {
    const { organiserId } = paramsOf(request, memberParams);
    const role = (request.body as Record<string, unknown>).role;
    if (typeof role === 'string' && (roles as readonly string[]).includes(role)) {
      changeMemberRole({ db, appeal: request.appeal, organiserId, role: role as Role });
      securityEvent(request.log, { event: 'role.changed', organiserId, actorId: request.organiser!.id, appealId: request.appeal.id, role, ip: request.ip });
    }
    return reply.flash('members.roleChanged').redirect(`/appeals/${request.appeal.slug}/members`, 303);
  });

  app.post('/appeals/:slug/members/:organiserId/delete', memberRoute, async (request, reply) => {
    const { organiserId } = paramsOf(request, memberParams);
    removeMember({ db, appeal: request.appeal, organiserId });
    return reply.flash('members.removed').redirect(`/appeals/${request.appeal.slug}/members`, 303);
  });
};

export default appealsRoutes;
