import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { checkWithdrawLink, confirmSupporter, countSignAttempt, formStamp, MAX_COMMENT_LENGTH, readCitizenForm, signAsCitizen, withdrawSupporter } from './citizen-sign.service.ts';
import type { LinkResult } from './citizen-sign.service.ts';
import { findPublicAppeal, isOpenForSupport } from './public-page.service.ts';
import { presentLinkPage, presentSignForm } from './supporter-links.presenters.ts';

type Options = { db: Db; clock: Clock; config: Config };

const slugParams = { slug: 'slug' } as const;
const tokenParams = { token: 'token' } as const;

/**
 * Citizens sign on `/a/<slug>/sign` (a page of its own: it carries the visitor's CSRF token,
 * so it is never cached, unlike the public page), confirm with `/c/<token>` and withdraw with
 * `/u/<token>`. The links are keys to a person's signature: never cached, rate-limited.
 */
export const citizenSignRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, config }) => {
  const limits = config.supportLimits;
  // Signing and confirming count their limits in their own transaction (citizen-sign.service.ts).
  const counted = { rateLimit: false as const };
  const linkLimit = { max: limits.linksPerMinute, timeWindow: '1 minute', bucket: 'supporter-link' };
  const retentionDays = (config as { supporterEmailRetentionDays?: number }).supporterEmailRetentionDays;

  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  const renderForm = (reply: FastifyReply, appeal: Appeal, form: FormView, status = 200) =>
    reply.code(status).viewAsync('supporters/citizen-sign', {
      title: t('citizen.form.title', { title: appeal.title }),
      ...presentSignForm(appeal, { open: isOpenForSupport(appeal, clock()), retentionDays, maxComment: MAX_COMMENT_LENGTH }),
      form,
      startedAt: formStamp(config.sessionSecret, clock()),
    });

  const publicAppeal = (request: FastifyRequest) => findPublicAppeal({ db, slug: paramsOf(request, slugParams).slug });

  app.get('/a/:slug/sign', { schema: paramsSchema(slugParams) }, async (request, reply) => {
    const appeal = publicAppeal(request);
    if (!appeal) return reply.callNotFound();
    // Consents start unticked: a consent is given, never presumed.
    return renderForm(reply, appeal, formView({}));
  });

  app.post('/a/:slug/sign', { schema: paramsSchema(slugParams), config: counted }, async (request, reply) => {
    const appeal = publicAppeal(request);
    if (!appeal) return reply.callNotFound();
    const form = readCitizenForm({ body: request.body, secret: config.sessionSecret, now: clock(), minFillSeconds: limits.minFillSeconds });
    const closed = !isOpenForSupport(appeal, clock());
    // A filled trap field is answered like a signature: nothing stored, nothing sent.
    if (closed || !form.ok || form.honeypot) await countSignAttempt({ db, clock, config, ip: request.ip });
    if (closed) return renderForm(reply, appeal, formView({}), 409);
    if (!form.ok) return renderForm(reply, appeal, formView(form.values, form.errors, form.params), 422);
    if (!form.honeypot) {
      const signed = await signAsCitizen({ db, clock, config, appeal, input: form.value, ip: request.ip });
      if (!signed.ok) return renderForm(reply, appeal, formView(form.values), 409);
    }
    return reply.redirect(`/a/${appeal.slug}/sign/check-mail`, 303);
  });

  app.get('/a/:slug/sign/check-mail', { schema: paramsSchema(slugParams) }, async (request, reply) => {
    const appeal = publicAppeal(request);
    if (!appeal) return reply.callNotFound();
    return reply.viewAsync('supporters/citizen-check-mail', { title: t('citizen.checkMail.title'), appeal: { title: appeal.title, slug: appeal.slug, coalitionName: appeal.coalitionName } });
  });

  const renderLink = (reply: FastifyReply, result: LinkResult) => {
    const page = presentLinkPage(result);
    return reply.code(page.status).viewAsync('supporters/citizen-link', page.view);
  };

  app.get('/c/:token', { schema: paramsSchema(tokenParams), config: counted }, async (request, reply) =>
    renderLink(reply, await confirmSupporter({ db, clock, config, token: paramsOf(request, tokenParams).token, ip: request.ip })),
  );

  app.get('/u/:token', { schema: paramsSchema(tokenParams), config: { rateLimit: linkLimit } }, async (request, reply) => {
    const token = paramsOf(request, tokenParams).token;
    const found = checkWithdrawLink({ db, token });
    if (!found) return renderLink(reply, { ok: false, problem: 'unknown' });
    return reply.viewAsync('supporters/citizen-withdraw', {
      title: t('citizen.withdraw.title'),
      appeal: { title: found.appeal.title, slug: found.appeal.slug, coalitionName: found.appeal.coalitionName },
      withdrawn: found.supporter.state === 'withdrawn',
      token,
    });
  });

  app.post('/u/:token', { schema: paramsSchema(tokenParams), config: { rateLimit: linkLimit } }, async (request, reply) => {
    const token = paramsOf(request, tokenParams).token;
    const withdrawn = withdrawSupporter({ db, clock, token });
    if (!withdrawn) return renderLink(reply, { ok: false, problem: 'unknown' });
    return reply.redirect(`/u/${token}`, 303);
  });
};
