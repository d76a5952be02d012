import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { kindLabel } from '../appeals/appeals.presenters.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { Clock } from '../shared/clock.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { truncateIp } from '../shared/privacy-log.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { uploadedFile } from '../shared/uploaded-file.ts';
import { MAX_REPLY_FILES_BYTES } from './reply-files.ts';
import type { ReplyFileStore } from './reply-files.ts';
import { checkReplyFiles, checkReplyLink, readReplyForm, submitLinkReply } from './replies.service.ts';
import type { ReplyLinkCheck } from './replies.service.ts';

type Options = { db: Db; clock: Clock; config: Config; store: ReplyFileStore };

/** Opening the link: enough for an office, too few to try tokens out. */
const linkRateLimit = { max: 60, timeWindow: '1 minute', bucket: 'reply-link' };
/** Sending a reply: a handful per quarter hour and network is plenty for an office; a bot is stopped. */
const submitRateLimit = { max: 10, timeWindow: '15 minutes' };

const tokenParams = { token: 'token' } as const;
const route = (config: Record<string, unknown>) => ({ schema: paramsSchema(tokenParams), config });

/** The addressee's reply page /r/<token>: no account, the link is the key. */
export const replyLinkRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, store }) => {
  app.addHook('onSend', async (_request, reply) => {
    // A personal page: never cached, never passed on as referrer.
    reply.header('cache-control', 'no-store');
  });
  const token = (request: FastifyRequest) => paramsOf(request, tokenParams).token;

  const problem = (reply: FastifyReply, check: Extract<ReplyLinkCheck, { ok: false }>) =>
    reply.code(check.problem === 'unknown' ? 404 : 410).viewAsync('replies/problem', {
      title: t(`replies.problem.${check.problem}.title` as MessageKey),
      heading: t(`replies.problem.${check.problem}.title` as MessageKey),
      text: t(`replies.problem.${check.problem}.text` as MessageKey),
      appeal: check.appeal ?? null,
    });

  const page = (reply: FastifyReply, check: Extract<ReplyLinkCheck, { ok: true }>, form: FormView, status = 200) =>
    reply.code(status).viewAsync('replies/reply-form', {
      title: t('replies.page.title', { title: check.appeal.title }),
      token: token(reply.request),
      intro: t('replies.page.intro', { coalition: check.appeal.coalitionName, kind: kindLabel(check.appeal.kind), title: check.appeal.title, label: check.delivery.label }),
      purpose: t('replies.page.purpose', { coalition: check.appeal.coalitionName }),
      form,
    });

  app.get('/r/:token', route({ rateLimit: linkRateLimit }), async (request, reply) => {
    const check = checkReplyLink({ db, clock, token: token(request) });
    if (!check.ok) return problem(reply, check);
    return page(reply, check, formView({}));
  });

  app.post('/r/:token', route({ rateLimit: submitRateLimit, uploadMaxBytes: MAX_REPLY_FILES_BYTES }), async (request, reply) => {
    const check = checkReplyLink({ db, clock, token: token(request) });
    if (!check.ok) return problem(reply, check);
    const form = readReplyForm(request.body);
    const files = await checkReplyFiles([uploadedFile(request.body, 'file1'), uploadedFile(request.body, 'file2')]);
    if (!form.ok || !files.ok) {
      const errors = { ...(form.ok ? {} : form.errors), ...(files.ok ? {} : { file1: files.error }) };
      return page(reply, check, formView(form.values, errors, form.ok ? {} : form.params), 422);
    }
    submitLinkReply({ db, clock, store, check, input: form.value, files: files.files, ip: truncateIp(request.ip) });
    return reply.redirect(`/r/${token(request)}/sent`, 303);
  });

  app.get('/r/:token/sent', route({ rateLimit: linkRateLimit }), async (request, reply) => {
    const check = checkReplyLink({ db, clock, token: token(request) });
    if (!check.ok) return problem(reply, check);
    return reply.viewAsync('replies/reply-sent', { title: t('replies.sent.title'), text: t('replies.sent.text', { coalition: check.appeal.coalitionName }), token: token(request) });
  });
};
