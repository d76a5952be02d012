import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { zipSync } from 'fflate';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { AppError } from '../shared/app-error.ts';
import { formView } from '../shared/form-view.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { uploadedFile } from '../shared/uploaded-file.ts';
import { buildRecipients } from './letter-model.ts';
import { sendPdf } from '../shared/pdf-reply.ts';
import { currentTextHash } from '../signing/versions.ts';
import { combinePrintFile, findDocument, issueLetters, letterFileName, normaliseCode, verifyBytes } from './letter-pdf.service.ts';
import type { IssuedLetter, LetterSelection } from './letter-pdf.service.ts';
import { presentRecipientOptions, presentVerification } from './letter-pdf.presenters.ts';

type Options = { db: Db; clock: Clock; fileStore: FileStore; baseUrl: string };

export const MAX_VERIFY_BYTES = 10 * 1024 * 1024;
const verifyRateLimit = { max: 20, timeWindow: '10 minutes' };

/** Organiser pages: PDFs of an appeal (preview, download, ZIP, print file). */
export const letterPdfRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, fileStore, baseUrl }) => {
  const issue = (appeal: Parameters<typeof issueLetters>[0]['appeal'], selection: LetterSelection) =>
    issueLetters({ db, fileStore, clock, baseUrl, appeal, selection });
  const viewer = { config: { appealRole: 'viewer' as const } };

  app.get('/appeals/:slug/letters', viewer, async (request, reply) => {
    const appeal = request.appeal;
    const { personal } = buildRecipients({ db, appeal });
    let warnings: string[] = [];
    let emptyBody = false;
    if (appeal.body.trim()) {
      const result = await issue(appeal, { master: true });
      warnings = result.warnings;
      // Address warnings of every letter (the address part is cheap to lay out).
      if (personal.length > 0) warnings = [...new Set([...warnings, ...(await issue(appeal, { personal: 'all' })).personal.flatMap((letter) => letter.warnings)])];
    } else emptyBody = true;
    return reply.viewAsync('letters/index', {
      title: t('letterPdf.title'),
      appeal: { slug: appeal.slug, title: appeal.title, draft: appeal.state === 'draft' || appeal.state === 'signing' },
      recipients: presentRecipientOptions(personal),
      personalCount: personal.length,
      withoutEmailCount: personal.filter((recipient) => !recipient.email.trim()).length,
      warnings,
      emptyBody,
      form: formView({}),
    });
  });

  app.get('/appeals/:slug/letters/master.pdf', viewer, async (request, reply) => {
    const result = await issue(request.appeal, { master: true });
    return sendPdf(reply, result.master!, (request.query as { download?: string }).download === '1');
  });

  app.get('/appeals/:slug/letters/preview', viewer, async (request, reply) => {
    const value = String((request.query as { recipient?: string }).recipient ?? '');
    const match = /^([al])(\d{1,10})$/.exec(value);
    if (!match) throw new AppError(404, 'letterPdf.unknownAddressee');
    const selection: LetterSelection['personal'] = match[1] === 'a' ? { addresseeId: Number(match[2]) } : { listId: Number(match[2]) };
    const result = await issue(request.appeal, { personal: selection });
    return sendPdf(reply, result.personal[0]!, false);
  });

  app.get('/appeals/:slug/letters/letters.zip', viewer, async (request, reply) => {
    const result = await issue(request.appeal, { master: true, personal: 'all' });
    const files: Record<string, [Uint8Array, { level: 0 }]> = {};
    const add = (letter: IssuedLetter) => {
      let name = letter.fileName;
      for (let n = 2; files[name]; n += 1) name = letter.fileName.replace(/\.pdf$/, `-${n}.pdf`);
      files[name] = [letter.bytes, { level: 0 }];
    };
    if (result.master) add(result.master);
    result.personal.forEach(add);
    const zip = zipSync(files, { mtime: new Date('2000-01-01T00:00:00Z') });
    const name = letterFileName({ letterDate: result.master!.fileName.slice(0, 10), slug: request.appeal.slug }, { kind: 'master', label: '' }).replace('_gesamtfassung.pdf', '_briefe.zip');
    return reply.header('content-type', 'application/zip').header('content-disposition', `attachment; filename="${name}"`).send(Buffer.from(zip));
  });

  app.get('/appeals/:slug/letters/print.pdf', viewer, async (request, reply) => {
    const all = (request.query as { all?: string }).all === '1';
    const result = await issue(request.appeal, { personal: all ? 'all' : 'withoutEmail' });
    if (result.personal.length === 0) throw new AppError(404, 'letterPdf.noneWithoutEmail');
    const print = await combinePrintFile({ db, clock, appeal: request.appeal, letters: result.personal, textVersionHash: currentTextHash({ db, appeal: request.appeal }) });
    const fileName = result.personal[0]!.fileName.replace(/_[^_]+\.pdf$/, all ? '_druck-alle.pdf' : '_druck-ohne-email.pdf');
    return sendPdf(reply, { bytes: print.bytes, fileName }, true);
  });
};

/** Public verification pages: /v (enter a code), /v/:code (what it is) and the upload check. */
export const verifyRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get('/v', async (request, reply) => {
    const raw = String((request.query as { code?: string }).code ?? '').trim();
    if (raw) {
      const code = normaliseCode(raw);
      if (code) return reply.redirect(`/v/${code}`, 303);
      return reply.code(404).viewAsync('verify/unknown', { title: t('verify.unknownTitle'), code: raw.slice(0, 40) });
    }
    return reply.viewAsync('verify/lookup', { title: t('verify.title'), form: formView({}) });
  });

  const showPage = async (reply: FastifyReply, code: string, extra: { result?: 'match' | 'mismatch'; error?: MessageKey; status?: number }) => {
    const found = findDocument({ db, code });
    if (!found) return reply.code(404).viewAsync('verify/unknown', { title: t('verify.unknownTitle'), code: code.slice(0, 40) });
    const form = formView({}, extra.error ? { file: extra.error } : {});
    return reply.code(extra.status ?? 200).viewAsync('verify/show', {
      title: t('verify.titleCode', { code: found.document.code }),
      document: presentVerification(found),
      result: extra.result,
      form,
    });
  };

  app.get('/v/:code', async (request, reply) => showPage(reply, (request.params as { code: string }).code, {}));

  app.post('/v/:code', { config: { uploadMaxBytes: MAX_VERIFY_BYTES, rateLimit: verifyRateLimit } }, async (request, reply) => {
    const code = (request.params as { code: string }).code;
    const found = findDocument({ db, code });
    if (!found) return showPage(reply, code, {});
    const file = uploadedFile(request.body, 'file');
    if (!file) return showPage(reply, code, { error: 'verify.noFile', status: 422 });
    if (file.tooLarge) return showPage(reply, code, { error: 'verify.tooLarge', status: 422 });
    if (Buffer.from(file.bytes.subarray(0, 5)).toString('latin1') !== '%PDF-') return showPage(reply, code, { error: 'verify.notPdf', status: 422 });
    return showPage(reply, code, { result: verifyBytes(found.document, file.bytes) ? 'match' : 'mismatch' });
  });
};
