import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { sendPdf } from '../shared/pdf-reply.ts';
import { paramsOf, paramsSchema } from '../shared/route-params.ts';
import { t } from '../i18n/index.ts';
import type { SealSettings } from '../letter-pdf/seal.ts';
import { issueSigningRecord, signingRecordForDocument } from './signing-record.service.ts';

type Options = { db: Db; clock: Clock; fileStore: FileStore; baseUrl: string; seal: SealSettings | undefined };

const codeParams = { code: 'code' } as const;
// The record is rendered once and then cached, but a visitor must not be able to keep a worker busy.
const recordRateLimit = { max: 30, timeWindow: '10 minutes', bucket: 'signing-record' };

/** The "Zeichnungsnachweis" from the /v/<code> page of any document of a final appeal. */
export const signingRecordPublicRoutes: FastifyPluginAsync<Options> = async (app, deps) => {
  app.get('/v/:code/zeichnungsnachweis.pdf', { schema: paramsSchema(codeParams), config: { rateLimit: recordRateLimit } }, async (request, reply) => {
    const { code } = paramsOf(request, codeParams);
    const record = await signingRecordForDocument({ ...deps, code });
    if (!record) return reply.code(404).viewAsync('letters/verify-unknown', { title: t('verify.unknownTitle'), code: code.slice(0, 40) });
    return sendPdf(reply, record, (request.query as { download?: string }).download === '1');
  });
};

/** The "Zeichnungsnachweis" from the letters page (organisers of the appeal). */
export const signingRecordRoutes: FastifyPluginAsync<Options> = async (app, deps) => {
  app.get('/appeals/:slug/letters/zeichnungsnachweis.pdf', { config: { appealRole: 'viewer' }, schema: paramsSchema({ slug: 'slug' }) }, async (request, reply) => {
    const record = await issueSigningRecord({ ...deps, appeal: request.appeal });
    return sendPdf(reply, record, (request.query as { download?: string }).download === '1');
  });
};
