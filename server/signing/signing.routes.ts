import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { truncateIp } from '../audit/audit.service.ts';
import { t } from '../i18n/index.ts';
import { uploadedFile } from '../shared/uploaded-file.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { formView } from '../shared/form-view.ts';
import type { FormView } from '../shared/form-view.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { MAX_SIGNATURE_BYTES } from '../signatories/logos.ts';
import { presentLinkProblem, presentAppealSummary, presentSigningPage } from './signing.presenters.ts';
import {
  checkLink,
  decline,
  loadSigningPage,
  readDeclineForm,
  readSignatureForm,
  recordView,
  sign,
  storeSignatureImage,
  withdraw,
} from './signing-representative.service.ts';
import type { LinkCheck } from './signing-representative.service.ts';

type Options = { db: Db; clock: Clock; config: Config; fileStore: FileStore };

/** Personal links are guessable only by brute force; this keeps brute force slow. */
export const linkRateLimit = { max: 60, timeWindow: '1 minute' };

const tokenParams = { token: 'token' } as const;
const tokenSchema = paramsSchema(tokenParams);

function renderProblem(reply: FastifyReply, check: Extract<LinkCheck, { ok: false }>) {
  const page = presentLinkProblem(check);
  return reply.code(page.status).viewAsync('signing/problem', page.view);
}

/** The representative's pages under /s/<token> and /w/<token>: no account, the link is the key. */
const signingRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, config, fileStore }) => {
  app.addHook('onSend', async (_request, reply) => {
    // Personal pages: never cached, never passed on as referrer.
    reply.header('cache-control', 'no-store');
  });

  const route = (extra: Record<string, unknown> = {}) => ({ schema: tokenSchema, config: { rateLimit: linkRateLimit, ...extra } });
  const token = (request: FastifyRequest) => paramsOf(request, tokenParams).token;
  const ip = (request: FastifyRequest) => truncateIp(request.ip);

  const renderPage = (reply: FastifyReply, check: Extract<LinkCheck, { ok: true }>, form?: FormView, status = 200, declineForm = formView({})) => {
    const page = presentSigningPage(loadSigningPage({ db, check }));
    // Re-confirming starts from the earlier answer: its consents and its signature.
    const values = { representativeName: page.signatory.name, representativeFunction: page.signatory.function, ...page.earlierAnswer };
    return reply.code(status).viewAsync('signing/page', {
      title: t('signing.page.title', { title: page.appeal.title }),
      token: token(reply.request),
      ...page,
      form: form ?? formView(values),
      declineForm,
      maxImageMb: MAX_SIGNATURE_BYTES / 1024 / 1024,
    });
  };

  app.get('/s/:token', route(), async (request, reply) => {
    const check = checkLink({ db, clock, token: token(request), purpose: 'sign' });
    if (!check.ok) return renderProblem(reply, check);
    recordView({ db, clock, context: check.context, ip: ip(request) });
    return renderPage(reply, check);
  });

  app.post('/s/:token/sign', route({ uploadMaxBytes: MAX_SIGNATURE_BYTES }), async (request, reply) => {
    const before = checkLink({ db, clock, token: token(request), purpose: 'sign' });
    if (!before.ok) return renderProblem(reply, before);
    const form = readSignatureForm(request.body);
    if (!form.ok) return renderPage(reply, before, formView({ ...form.values, drawnSignature: '' }, form.errors), 422);
    const { signatory } = before.context;
    const previous = form.reusePrevious ? { kind: signatory.signatureKind, file: signatory.signatureFile } : undefined;
    const image = await storeSignatureImage({ fileStore, kind: form.value.kind, drawn: form.drawn, upload: uploadedFile(request.body, 'signatureImage'), previous });
    if (!image.ok) return renderPage(reply, before, formView(form.values, image.errors), 422);
    const signed = sign({ db, clock, config, fileStore, token: token(request), input: { ...form.value, kind: image.kind }, signatureFile: image.file, ip: ip(request) });
    if (!signed.ok) return renderProblem(reply, signed);
    return reply.redirect(`/s/${token(request)}#bestaetigung`, 303);
  });

  app.post('/s/:token/decline', route(), async (request, reply) => {
    const form = readDeclineForm(request.body);
    if (!form.ok) {
      const check = checkLink({ db, clock, token: token(request), purpose: 'sign' });
      if (!check.ok) return renderProblem(reply, check);
      return renderPage(reply, check, undefined, 422, formView(form.values, form.errors));
    }
    const declined = decline({ db, clock, token: token(request), ...form.value, ip: ip(request) });
    if (!declined.ok) return renderProblem(reply, declined);
    return reply.redirect(`/s/${token(request)}#bestaetigung`, 303);
  });

  app.get('/w/:token', route(), async (request, reply) => {
    const check = checkLink({ db, clock, token: token(request), purpose: 'withdraw' });
    if (!check.ok) return renderProblem(reply, check);
    return reply.viewAsync('signing/withdraw', {
      title: t('signing.withdraw.title'),
      appeal: presentAppealSummary(check.context.appeal),
      organisationName: check.context.organisation.name,
      withdrawn: check.context.signatory.status === 'withdrawn',
      token: token(request),
    });
  });

  app.post('/w/:token', route(), async (request, reply) => {
    const withdrawn = withdraw({ db, clock, token: token(request), ip: ip(request) });
    if (!withdrawn.ok) return renderProblem(reply, withdrawn);
    return reply.redirect(`/w/${token(request)}`, 303);
  });

  /** Signature images are shown only on the signing page of their own signatory. */
  app.get('/s/:token/signature.png', route(), async (request, reply) => {
    const check = checkLink({ db, clock, token: token(request), purpose: 'sign' });
    const file = check.ok ? check.context.signatory.signatureFile : null;
    const bytes = file ? fileStore.read('signatures', file) : undefined;
    if (!bytes) return reply.callNotFound();
    return reply.type('image/png').send(bytes);
  });
};

export default signingRoutes;
