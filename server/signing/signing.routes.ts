import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { truncateIp } from '../audit/audit.service.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { uploadedFile } from '../shared/uploaded-file.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { readForm } from '../shared/form.ts';
import { MAX_SIGNATURE_BYTES, presentAppealSummary, presentSigningPage, readSignatureForm, storeSignatureImage } from './signing-page.ts';
import { checkLink, decline, recordView, sign, withdraw } from './signing.service.ts';
import type { LinkCheck, LinkProblem } from './signing.service.ts';

type Options = { db: Db; clock: Clock; config: Config; fileStore: FileStore };

// Personal links are guessable only by brute force; this keeps brute force slow.
const linkRateLimit = { max: 60, timeWindow: '1 minute' };

const problemPages: Record<LinkProblem, { status: number; title: MessageKey; text: MessageKey }> = {
  unknown: { status: 404, title: 'signing.link.unknown.title', text: 'signing.link.unknown.text' },
  expired: { status: 410, title: 'signing.link.expired.title', text: 'signing.link.expired.text' },
  revoked: { status: 410, title: 'signing.link.revoked.title', text: 'signing.link.revoked.text' },
  closed: { status: 409, title: 'signing.link.closed.title', text: 'signing.link.closed.text' },
};

function renderProblem(reply: FastifyReply, check: Extract<LinkCheck, { ok: false }>) {
  const page = problemPages[check.problem];
  return reply
    .code(page.status)
    .viewAsync('signing/problem', {
      title: t(page.title),
      heading: t(page.title),
      text: t(page.text),
      appeal: check.context ? presentAppealSummary(check.context.appeal) : null,
    });
}

/** The representative's pages under /s/<token> and /w/<token>: no account, the link is the key. */
const signingRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, config, fileStore }) => {
  app.addHook('onSend', async (_request, reply) => {
    // Personal pages: never cached, never passed on as referrer.
    reply.header('cache-control', 'no-store');
  });

  const token = (request: FastifyRequest) => (request.params as { token: string }).token;
  const ip = (request: FastifyRequest) => truncateIp(request.ip);

  const renderPage = (reply: FastifyReply, check: Extract<LinkCheck, { ok: true }>, form?: FormView, status = 200) => {
    const page = presentSigningPage({ db }, check.context, check.version);
    const values = { representativeName: page.signatory.name, representativeFunction: page.signatory.function, signatureKind: 'typed' };
    return reply.code(status).viewAsync('signing/page', {
      title: t('signing.page.title', { title: page.appeal.title }),
      token: (reply.request.params as { token: string }).token,
      ...page,
      form: form ?? formView(values),
      declineForm: formView({}),
      maxImageMb: MAX_SIGNATURE_BYTES / 1024 / 1024,
    });
  };

  app.get('/s/:token', { config: { rateLimit: linkRateLimit } }, async (request, reply) => {
    const check = checkLink({ db, clock }, token(request), 'sign');
    if (!check.ok) return renderProblem(reply, check);
    recordView({ db, clock }, check.context, ip(request));
    return renderPage(reply, check);
  });

  app.post('/s/:token/sign', { config: { rateLimit: linkRateLimit, uploadMaxBytes: MAX_SIGNATURE_BYTES } }, async (request, reply) => {
    const before = checkLink({ db, clock }, token(request), 'sign');
    if (!before.ok) return renderProblem(reply, before);
    const form = readSignatureForm(request.body);
    if (!form.ok) return renderPage(reply, before, formView({ ...form.values, drawnSignature: '' }, form.errors), 422);
    const image = await storeSignatureImage(fileStore, form.value.kind, { drawn: form.drawn, upload: uploadedFile(request.body, 'signatureImage') });
    if (!image.ok) return renderPage(reply, before, formView(form.values, image.errors), 422);
    const signed = sign({ db, clock, config, fileStore }, { token: token(request), input: form.value, signatureFile: image.file, ip: ip(request) });
    if (!signed.ok) return renderProblem(reply, signed);
    return reply.redirect(`/s/${token(request)}#bestaetigung`, 303);
  });

  app.post('/s/:token/decline', { config: { rateLimit: linkRateLimit } }, async (request, reply) => {
    const reason = readForm(request.body).text('reason', { max: 2000 });
    const declined = decline({ db, clock, config }, { token: token(request), reason, ip: ip(request) });
    if (!declined.ok) return renderProblem(reply, declined);
    return reply.redirect(`/s/${token(request)}#bestaetigung`, 303);
  });

  app.get('/w/:token', { config: { rateLimit: linkRateLimit } }, async (request, reply) => {
    const check = checkLink({ db, clock }, token(request), 'withdraw');
    if (!check.ok) return renderProblem(reply, check);
    return reply.viewAsync('signing/withdraw', {
      title: t('signing.withdraw.title'),
      appeal: presentAppealSummary(check.context.appeal),
      organisationName: check.context.organisation.name,
      withdrawn: check.context.signatory.status === 'withdrawn',
      token: token(request),
    });
  });

  app.post('/w/:token', { config: { rateLimit: linkRateLimit } }, async (request, reply) => {
    const withdrawn = withdraw({ db, clock }, { token: token(request), ip: ip(request) });
    if (!withdrawn.ok) return renderProblem(reply, withdrawn);
    return reply.redirect(`/w/${token(request)}`, 303);
  });

  /** Signature images are shown only on the signing page of their own signatory. */
  app.get('/s/:token/signature.png', { config: { rateLimit: linkRateLimit } }, async (request, reply) => {
    const check = checkLink({ db, clock }, token(request), 'sign');
    const file = check.ok ? check.context.signatory.signatureFile : null;
    const bytes = file ? fileStore.read('signatures', file) : undefined;
    if (!bytes) return reply.callNotFound();
    return reply.type('image/png').send(bytes);
  });
};

export default signingRoutes;
