import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import { formView } from '../shared/form-view.ts';
import { createGate, GateFullError } from '../jobs/job-gate.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { uploadedFile } from '../shared/uploaded-file.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { findDocument, normaliseCode } from './letter-documents.service.ts';
import { presentVerification } from './letters.presenters.ts';
import { publiclyNamedSignatories } from '../signatories/signatories.service.ts';
import { isLetterFinal } from '../appeals/appeal-lifecycle.ts';

const MAX_VERIFY_BYTES = 10 * 1024 * 1024;
// An upload is hashed as it arrives (only its first KB is kept). At most two are read at a time,
// eighteen more wait with their bodies unread (the sockets hold them); beyond that a clear 503
// with Retry-After. Twenty 10 MB uploads at once are all compared, one pair after another.
const VERIFY_UPLOADS = { concurrency: 2, maxWaiting: 18 };
const VERIFY_RETRY_AFTER_SECONDS = 30;
const verifyRateLimit = { max: 20, timeWindow: '10 minutes' };
// Looking codes up: enough for a person with a stack of letters, too few to try codes out.
const verifyPageRateLimit = { max: 60, timeWindow: '10 minutes', bucket: 'verify-page' };
const codeParams = { code: 'code' } as const;

/**
 * Public verification pages: /v (enter a code), /v/:code (what it is) and the upload check.
 * `sealTimestamps`: the seal carries a timestamp (SEAL_TSA_URL), which the page then mentions.
 */
export const verifyRoutes: FastifyPluginAsync<{ db: Db; sealTimestamps?: boolean }> = async (app, { db, sealTimestamps = false }) => {
  app.get('/v', { config: { rateLimit: verifyPageRateLimit } }, async (request, reply) => {
    const raw = String((request.query as { code?: string }).code ?? '').trim();
    if (raw) {
      const code = normaliseCode(raw);
      if (code) return reply.redirect(`/v/${code}`, 303);
      return reply.code(404).viewAsync('letters/verify-unknown', { title: t('verify.unknownTitle'), code: raw.slice(0, 40) });
    }
    return reply.viewAsync('letters/verify-lookup', { title: t('verify.title'), form: formView({}) });
  });

  const showPage = async (reply: FastifyReply, code: string, extra: { result?: 'match' | 'mismatch'; error?: MessageKey; status?: number }) => {
    const found = findDocument({ db, code });
    if (!found) return reply.code(404).viewAsync('letters/verify-unknown', { title: t('verify.unknownTitle'), code: code.slice(0, 40) });
    const form = formView({}, extra.error ? { file: extra.error } : {});
    return reply.code(extra.status ?? 200).viewAsync('letters/verify-show', {
      title: t('verify.titleCode', { code: found.document.code }),
      document: presentVerification(found, publiclyNamedSignatories({ db, appealId: found.document.appealId })),
      result: extra.result,
      // The record exists once the letter is final (signingRecordForDocument's rule, on the appeal's state read with the document).
      signingRecordUrl: isLetterFinal(found.appeal) ? `/v/${found.document.code}/zeichnungsnachweis.pdf` : '',
      sealTimestamps,
      form,
    });
  };

  const uploads = createGate(VERIFY_UPLOADS);
  // Waits for a slot before the body is read; the slot is given back when the answer is done
  // or the connection is gone.
  const waitForUploadSlot = async (request: FastifyRequest, reply: FastifyReply) => {
    let release: () => void;
    try {
      release = await uploads.acquire();
    } catch (error) {
      if (!(error instanceof GateFullError)) throw error;
      reply.header('retry-after', String(VERIFY_RETRY_AFTER_SECONDS)).header('connection', 'close');
      const html = await showPage(reply, String((request.params as { code?: unknown }).code ?? ''), { error: 'verify.busy', status: 503 });
      return reply.send(html);
    }
    if (reply.raw.writableFinished || request.raw.destroyed) release();
    else reply.raw.once('close', release);
  };

  app.get('/v/:code', { schema: paramsSchema(codeParams), config: { rateLimit: verifyPageRateLimit } }, async (request, reply) => showPage(reply, paramsOf(request, codeParams).code, {}));

  app.post('/v/:code', { schema: paramsSchema(codeParams), config: { uploadMaxBytes: MAX_VERIFY_BYTES, uploadDigestOnly: true, rateLimit: verifyRateLimit }, onRequest: waitForUploadSlot }, async (request, reply) => {
    const { code } = paramsOf(request, codeParams);
    const found = findDocument({ db, code });
    if (!found) return showPage(reply, code, {});
    const file = uploadedFile(request.body, 'file');
    if (!file) return showPage(reply, code, { error: 'verify.noFile', status: 422 });
    if (file.tooLarge) return showPage(reply, code, { error: 'verify.tooLarge', status: 422 });
    if (Buffer.from(file.bytes.subarray(0, 5)).toString('latin1') !== '%PDF-') return showPage(reply, code, { error: 'verify.notPdf', status: 422 });
    // The file was hashed while it arrived (uploadDigestOnly): it is never held in memory whole.
    return showPage(reply, code, { result: file.sha256 === found.document.sha256 ? 'match' : 'mismatch' });
  });
};
