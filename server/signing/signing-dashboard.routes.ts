import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { presentAppealHeader } from '../appeals/appeals.presenters.ts';
import { t } from '../i18n/index.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import { readForm } from '../shared/form.ts';
import { presentSigningDashboard } from './signing-dashboard.ts';
import { finalise, missingAnswers, openForSigning, organiserActor, remindNow, reopen, resendInvitation, revokeLinks } from './signing.service.ts';

type Options = { db: Db; clock: Clock; config: Config };

/** The organiser's side of co-signing: open, follow, remind, finalise, reopen. */
const signingDashboardRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, config }) => {
  const deps = { db, clock, config };
  const actor = (request: FastifyRequest) => organiserActor(request.organiser!);
  const signatoryId = (request: FastifyRequest) => Number((request.params as { id: string }).id);
  const back = (request: FastifyRequest) => `/appeals/${request.appeal.slug}/signing`;

  const renderDashboard = (request: FastifyRequest, openForm = formView({})) => ({
    title: t('signing.dashboard.title'),
    appeal: presentAppealHeader(request.appeal, request.appealRole, 'signing'),
    dashboard: presentSigningDashboard({ db, clock }, request.appeal),
    form: openForm,
  });

  app.get('/appeals/:slug/signing', { config: { appealRole: 'viewer' } }, async (request, reply) => {
    return reply.viewAsync('signing/dashboard', renderDashboard(request));
  });

  app.post('/appeals/:slug/signing/open', { config: { appealRole: 'editor' } }, async (request, reply) => {
    const form = readForm(request.body);
    const deadline = form.date('deadline');
    const checked = form.result({ deadline });
    if (!checked.ok) return reply.code(422).viewAsync('signing/dashboard', renderDashboard(request, formView(checked.values, checked.errors)));
    const opened = openForSigning(deps, { appeal: request.appeal, actor: actor(request), deadline });
    if (!opened.ok) return reply.code(422).viewAsync('signing/dashboard', renderDashboard(request, formView(checked.values, { deadline: opened.error })));
    return reply.flash('signing.opened', { count: opened.invited }).redirect(back(request), 303);
  });

  app.post('/appeals/:slug/signing/:id/resend', { config: { appealRole: 'editor' } }, async (request, reply) => {
    resendInvitation(deps, { appeal: request.appeal, signatoryId: signatoryId(request), actor: actor(request) });
    return reply.flash('signing.resent').redirect(back(request), 303);
  });

  app.post('/appeals/:slug/signing/:id/remind', { config: { appealRole: 'editor' } }, async (request, reply) => {
    remindNow(deps, { appeal: request.appeal, signatoryId: signatoryId(request), actor: actor(request) });
    return reply.flash('signing.reminded').redirect(back(request), 303);
  });

  app.post('/appeals/:slug/signing/:id/revoke', { config: { appealRole: 'editor' } }, async (request, reply) => {
    revokeLinks(deps, { appeal: request.appeal, signatoryId: signatoryId(request), actor: actor(request) });
    return reply.flash('signing.revoked').redirect(back(request), 303);
  });

  app.get('/appeals/:slug/finalise', { config: { appealRole: 'editor' } }, async (request, reply) => {
    return reply.viewAsync('signing/finalise', {
      title: t('signing.finalise.title'),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'signing'),
      missing: missingAnswers({ db, appeal: request.appeal }).map((entry) => entry.organisation.name),
    });
  });

  app.post('/appeals/:slug/finalise', { config: { appealRole: 'editor' } }, async (request, reply) => {
    const goAhead = readForm(request.body).checkbox('goAheadWithoutMissing');
    const result = finalise(deps, { appeal: request.appeal, actor: actor(request), goAheadWithoutMissing: goAhead });
    if (!result.ok) {
      return reply.code(422).viewAsync('signing/finalise', {
        title: t('signing.finalise.title'),
        appeal: presentAppealHeader(request.appeal, request.appealRole, 'signing'),
        missing: missingAnswers({ db, appeal: request.appeal }).map((entry) => entry.organisation.name),
        error: t(result.error),
      });
    }
    return reply.flash('signing.finalised').redirect(back(request), 303);
  });

  app.post('/appeals/:slug/reopen', { config: { appealRole: 'owner' } }, async (request, reply) => {
    reopen(deps, { appeal: request.appeal, actor: actor(request) });
    return reply.flash('signing.reopened').redirect(back(request), 303);
  });
};

export default signingDashboardRoutes;
