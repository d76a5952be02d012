import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { presentAppealHeader } from '../appeals/appeals.presenters.ts';
import { appealParams, appealRouteSchema } from '../appeals/appeal-access.ts';
import { organiserActor } from '../organisers/organiser-actor.ts';
import { t } from '../i18n/index.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { presentSigningDashboard } from './signing.presenters.ts';
import { findSignatory } from '../signatories/signatories.service.ts';
import { isOpenForSigning } from '../appeals/appeal-lifecycle.ts';
import {
  finalise,
  loadSigningDashboard,
  missingAnswers,
  openForSigning,
  readFinaliseForm,
  readOpenForm,
  remindNow,
  reopen,
  resendInvitation,
  revokeLinks,
} from './signing-organiser.service.ts';

type Options = { db: Db; clock: Clock; config: Config };

const signatoryParams = { ...appealParams, id: 'id' } as const;
const signatoryRoute = { schema: paramsSchema(signatoryParams), config: { appealRole: 'editor' as const } };

/** The organiser's side of co-signing: open, follow, remind, finalise, reopen. */
const signingDashboardRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, config }) => {
  // What every organiser action gets: the services, the appeal and who acts.
  const action = (request: FastifyRequest) => ({ db, clock, config, appeal: request.appeal, actor: organiserActor(request.organiser!) });
  const signatoryId = (request: FastifyRequest) => paramsOf(request, signatoryParams).id;
  const back = (request: FastifyRequest) => `/appeals/${request.appeal.slug}/signing`;

  const renderDashboard = (request: FastifyRequest, openForm = formView({})) => ({
    title: t('signing.dashboard.title'),
    appeal: presentAppealHeader(request.appeal, request.appealRole, 'signing'),
    dashboard: presentSigningDashboard({ ...loadSigningDashboard({ db, appeal: request.appeal }), now: clock() }),
    form: openForm,
  });

  app.get('/appeals/:slug/signing', { schema: appealRouteSchema, config: { appealRole: 'viewer' } }, async (request, reply) => {
    return reply.viewAsync('signing/dashboard', renderDashboard(request));
  });

  app.post('/appeals/:slug/signing/open', { schema: appealRouteSchema, config: { appealRole: 'editor' } }, async (request, reply) => {
    const checked = readOpenForm(request.body);
    if (!checked.ok) return reply.code(422).viewAsync('signing/dashboard', renderDashboard(request, formView(checked.values, checked.errors)));
    const opened = openForSigning({ ...action(request), deadline: checked.value.deadline });
    if (!opened.ok) return reply.code(422).viewAsync('signing/dashboard', renderDashboard(request, formView(checked.values, { deadline: opened.error })));
    return reply.flash('signing.opened', { count: opened.invited }).redirect(back(request), 303);
  });

  // An organisation added while signing runs: invited once the organiser confirms here.
  app.get('/appeals/:slug/signing/:id/invite', signatoryRoute, async (request, reply) => {
    const entry = findSignatory({ db, appeal: request.appeal, signatoryId: signatoryId(request) });
    if (!isOpenForSigning(request.appeal) || entry.signatory.status !== 'not_invited') return reply.redirect(back(request), 303);
    return reply.viewAsync('signing/invite-new', {
      title: t('signing.inviteNew.title'),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'signing'),
      question: t('signing.inviteNew.question', { organisation: entry.organisation.name, person: entry.signatory.representativeName }),
      action: `/appeals/${request.appeal.slug}/signing/${entry.signatory.id}/resend`,
    });
  });

  app.post('/appeals/:slug/signing/:id/resend', signatoryRoute, async (request, reply) => {
    resendInvitation({ ...action(request), signatoryId: signatoryId(request) });
    return reply.flash('signing.resent').redirect(back(request), 303);
  });

  app.post('/appeals/:slug/signing/:id/remind', signatoryRoute, async (request, reply) => {
    remindNow({ ...action(request), signatoryId: signatoryId(request) });
    return reply.flash('signing.reminded').redirect(back(request), 303);
  });

  app.post('/appeals/:slug/signing/:id/revoke', signatoryRoute, async (request, reply) => {
    revokeLinks({ ...action(request), signatoryId: signatoryId(request) });
    return reply.flash('signing.revoked').redirect(back(request), 303);
  });

  app.get('/appeals/:slug/finalise', { schema: appealRouteSchema, config: { appealRole: 'editor' } }, async (request, reply) => {
    return reply.viewAsync('signing/finalise', {
      title: t('signing.finalise.title'),
      appeal: presentAppealHeader(request.appeal, request.appealRole, 'signing'),
      missing: missingAnswers({ db, appeal: request.appeal }).map((entry) => entry.organisation.name),
    });
  });

  app.post('/appeals/:slug/finalise', { schema: appealRouteSchema, config: { appealRole: 'editor' } }, async (request, reply) => {
    const result = finalise({ ...action(request), ...readFinaliseForm(request.body) });
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

  app.post('/appeals/:slug/reopen', { schema: appealRouteSchema, config: { appealRole: 'owner' } }, async (request, reply) => {
    reopen(action(request));
    return reply.flash('signing.reopened').redirect(back(request), 303);
  });
};

export default signingDashboardRoutes;
