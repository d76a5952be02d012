import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { presentAppealHeader } from '../appeals/appeals.presenters.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { createLetterIssuerCache } from '../letters/letters.service.ts';
import { describeFailure } from '../letters/letter-jobs.ts';
import { createBackgroundJobs } from '../jobs/background-jobs.ts';
import { isoDate } from '../shared/dates.ts';
import type { MailRenderer } from '../mail/mail.types.ts';
import { mayStartSending } from '../appeals/appeal-lifecycle.ts';
import { notFound } from '../shared/app-error.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import type { Clock } from '../shared/clock.ts';
import { organiserActor } from '../organisers/organiser-actor.ts';
import { isLogState, presentConfirmation, presentProgress } from './dispatch.presenters.ts';
import {
  dispatchProgress,
  dispatchStatus,
  markDeliveryDelivered,
  planDispatch,
  postPrintFile,
  resendDelivery,
  sampleMail,
  sendTestMail,
  startDispatch,
} from './dispatch.service.ts';
import type { DispatchPlan, SampleMail } from './dispatch.service.ts';

type Options = { db: Db; clock: Clock; config: Config; render: MailRenderer };

const appealParams = { slug: 'slug' } as const;
const deliveryParams = { slug: 'slug', id: 'id' } as const;

/** Seconds between refreshes of the progress page while letters are going out (no script). */
const REFRESH_SECONDS = 3;

/** How long the confirmation page waits for the sample render before it shows that it is being made. */
const SAMPLE_GRACE_MS = 1500;
const SAMPLE_REFRESH_SECONDS = 1;

/** The HTML part of the sample is shown in a sandboxed frame: no script, no requests. */
const mailHtmlPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

/** Sending a final appeal: confirmation with sample and test send, "Jetzt versenden", progress and log. */
const dispatchRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, config, render }) => {
  const cache = createLetterIssuerCache();
  // The sample letter is rendered in the background (worker pool), once per appeal version, day and first addressee.
  const jobs = createBackgroundJobs();
  const back = (request: FastifyRequest) => `/appeals/${request.appeal.slug}/dispatch`;
  const actor = (request: FastifyRequest) => ({ organiserId: request.organiser!.id, name: organiserActor(request.organiser!) });
  const sampleJob = (request: FastifyRequest, plan = planDispatch({ db, appeal: request.appeal })) => {
    const appeal = request.appeal;
    const key = `sample:${appeal.id}:${appeal.updatedAt.getTime()}:${isoDate(clock())}:${JSON.stringify(plan.email[0]?.recipient ?? null)}`;
    const job = jobs.ensure(key, () => sampleMail({ db, clock, config, cache, render, appeal, plan }));
    if (job.status.state === 'failed') jobs.forget(key);
    return job;
  };
  /** The sample for a download or a decision: waits for the background render (the event loop stays free). */
  const sample = (request: FastifyRequest, plan?: DispatchPlan) => sampleJob(request, plan).promise;
  /** The sample for the page: shown when ready within a moment, else the page says it is being made and refreshes itself. */
  const pageSample = async (request: FastifyRequest, plan: DispatchPlan): Promise<{ sample?: SampleMail; pending: boolean; error: string }> => {
    const job = sampleJob(request, plan);
    const result = await Promise.race([job.promise.then((value) => ({ value }), (error: unknown) => ({ error })), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), SAMPLE_GRACE_MS).unref())]);
    if (!result) return { pending: true, error: '' };
    if ('error' in result) return { pending: false, error: describeFailure(result.error) };
    return { ...(result.value ? { sample: result.value } : {}), pending: false, error: '' };
  };

  const page = async (request: FastifyRequest, extra: { error?: MessageKey; status?: number } = {}) => {
    const appeal = request.appeal;
    const header = presentAppealHeader(appeal, request.appealRole, 'dispatch');
    // The log a page at a time (100 rows), all or in one state: ?state=failed&page=2.
    const query = request.query as { state?: unknown; page?: unknown };
    const found = dispatchProgress({ db, clock, appeal, ...(isLogState(query.state) ? { state: query.state } : {}), page: Number(query.page) || 1 });
    if (found) {
      const progress = presentProgress({ ...found, base: back(request) });
      return {
        view: 'dispatch/progress',
        data: { title: t('dispatch.progress.title'), appeal: header, progress, error: extra.error ? t(extra.error) : '', refreshSeconds: progress.running ? REFRESH_SECONDS : 0 },
      };
    }
    const sendable = mayStartSending(appeal);
    const plan = planDispatch({ db, appeal });
    const sampled = sendable ? await pageSample(request, plan) : { pending: false, error: '' };
    return {
      view: 'dispatch/confirm',
      data: {
        title: t('dispatch.confirm.title'),
        appeal: header,
        sendable,
        notFinal: sendable ? '' : t('dispatch.error.notFinalState', { state: t(`appeal.state.${appeal.state}` as MessageKey) }),
        confirm: presentConfirmation({ plan, sample: sampled.sample, config }),
        samplePending: sampled.pending,
        refreshSeconds: sampled.pending ? SAMPLE_REFRESH_SECONDS : 0,
        organiserEmail: request.organiser!.email,
        error: extra.error ? t(extra.error) : sampled.error,
      },
    };
  };

  app.get('/appeals/:slug/dispatch', { schema: paramsSchema(appealParams), config: { appealRole: 'viewer' } }, async (request, reply) => {
    const { view, data } = await page(request);
    return reply.viewAsync(view, data);
  });

  app.get('/appeals/:slug/dispatch/sample.pdf', { schema: paramsSchema(appealParams), config: { appealRole: 'viewer' } }, async (request, reply) => {
    const sampled = await sample(request);
    if (!sampled) throw notFound('dispatch.error.noSample');
    const bytes = sampled.letter.bytes;
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `inline; filename="${sampled.message.attachments![0]!.filename}"`)
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });

  app.get('/appeals/:slug/dispatch/sample.html', { schema: paramsSchema(appealParams), config: { appealRole: 'viewer' } }, async (request, reply) => {
    const sampled = await sample(request);
    if (!sampled) throw notFound('dispatch.error.noSample');
    return reply.type('text/html; charset=utf-8').header('content-security-policy', mailHtmlPolicy).send(sampled.message.html);
  });

  app.get('/appeals/:slug/dispatch/sample.eml', { schema: paramsSchema(appealParams), config: { appealRole: 'viewer' } }, async (request, reply) => {
    const sampled = await sample(request);
    if (!sampled) throw notFound('dispatch.error.noSample');
    return reply.type('message/rfc822').header('content-disposition', `attachment; filename="${request.appeal.slug}-beispiel.eml"`).send(sampled.raw);
  });

  app.post('/appeals/:slug/dispatch/test', { schema: paramsSchema(appealParams), config: { appealRole: 'editor' } }, async (request, reply) => {
    const organiser = request.organiser!;
    const result = sendTestMail({ db, clock, appeal: request.appeal, plan: planDispatch({ db, appeal: request.appeal }), to: organiser.email, toName: organiser.name });
    if (!result.ok) {
      const { view, data } = await page(request, { error: result.error });
      return reply.code(422).viewAsync(view, data);
    }
    return reply.flash('dispatch.testQueued', { email: organiser.email }).redirect(back(request), 303);
  });

  app.post('/appeals/:slug/dispatch', { schema: paramsSchema(appealParams), config: { appealRole: 'editor' } }, async (request, reply) => {
    if (dispatchStatus({ db, clock, appeal: request.appeal })) return reply.flash('dispatch.alreadyRunning').redirect(back(request), 303);
    if (mayStartSending(request.appeal)) {
      // Refuse before anything is queued when a letter would be too large for the recipients' mail servers.
      const sampled = await sample(request);
      if (sampled?.tooLarge) {
        const { view, data } = await page(request, { error: 'dispatch.error.tooLarge' });
        return reply.code(422).viewAsync(view, data);
      }
    }
    const result = startDispatch({ db, clock, appeal: request.appeal, actor: actor(request) });
    if (!result.ok) {
      if (result.dispatch) return reply.flash('dispatch.alreadyRunning').redirect(back(request), 303);
      const { view, data } = await page(request, { error: result.error });
      return reply.code(422).viewAsync(view, data);
    }
    return reply.flash('dispatch.started', { count: result.email }).redirect(back(request), 303);
  });

  app.post('/appeals/:slug/dispatch/deliveries/:id/resend', { schema: paramsSchema(deliveryParams), config: { appealRole: 'editor' } }, async (request, reply) => {
    const ok = resendDelivery({ db, clock, appeal: request.appeal, deliveryId: paramsOf(request, deliveryParams).id, actor: actor(request) });
    return reply.flash(ok ? 'dispatch.resent' : 'dispatch.nothingChanged').redirect(back(request), 303);
  });

  app.post('/appeals/:slug/dispatch/deliveries/:id/delivered', { schema: paramsSchema(deliveryParams), config: { appealRole: 'editor' } }, async (request, reply) => {
    const ok = markDeliveryDelivered({ db, clock, appeal: request.appeal, deliveryId: paramsOf(request, deliveryParams).id, actor: actor(request) });
    return reply.flash(ok ? 'dispatch.markedDelivered' : 'dispatch.nothingChanged').redirect(back(request), 303);
  });

  app.get('/appeals/:slug/dispatch/post.pdf', { schema: paramsSchema(appealParams), config: { appealRole: 'viewer' } }, async (request, reply) => {
    const file = await postPrintFile({ db, clock, config, appeal: request.appeal });
    if (!file) throw notFound('dispatch.error.noPostLetters');
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .send(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength));
  });
};

export default dispatchRoutes;
