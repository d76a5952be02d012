import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Db } from '../db/client.ts';
import { formView } from '../shared/form-view.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { uploadedFile } from '../shared/uploaded-file.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { findDocument, normaliseCode, verifyBytes } from './letter-documents.service.ts';
import { presentVerification } from './letters.presenters.ts';
import { publiclyNamedSignatories } from '../signatories/signatories.service.ts';

const MAX_VERIFY_BYTES = 10 * 1024 * 1024;
const verifyRateLimit = { max: 20, timeWindow: '10 minutes' };
// Looking codes up: enough for a person with a stack of letters, too few to try codes out.
const verifyPageRateLimit = { max: 60, timeWindow: '10 minutes', bucket: 'verify-page' };
const codeParams = { code: 'code' } as const;

/** Public verification pages: /v (enter a code), /v/:code (what it is) and the upload check. */
export const verifyRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
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
      form,
    });
  };

  app.get('/v/:code', { schema: paramsSchema(codeParams), config: { rateLimit: verifyPageRateLimit } }, async (request, reply) => showPage(reply, paramsOf(request, codeParams).code, {}));

  app.post('/v/:code', { schema: paramsSchema(codeParams), config: { uploadMaxBytes: MAX_VERIFY_BYTES, rateLimit: verifyRateLimit } }, async (request, reply) => {
    const { code } = paramsOf(request, codeParams);
    const found = findDocument({ db, code });
    if (!found) return showPage(reply, code, {});
    const file = uploadedFile(request.body, 'file');
    if (!file) return showPage(reply, code, { error: 'verify.noFile', status: 422 });
    if (file.tooLarge) return showPage(reply, code, { error: 'verify.tooLarge', status: 422 });
    if (Buffer.from(file.bytes.subarray(0, 5)).toString('latin1') !== '%PDF-') return showPage(reply, code, { error: 'verify.notPdf', status: 422 });
    return showPage(reply, code, { result: verifyBytes({ document: found.document, bytes: file.bytes }) ? 'match' : 'mismatch' });
  });
};
