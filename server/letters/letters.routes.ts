import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { AppError } from '../shared/app-error.ts';
import { formView } from '../shared/form-view.ts';
import { sendPdf } from '../shared/pdf-reply.ts';
import { paramsSchema } from '../shared/route-params.ts';
import { t } from '../i18n/index.ts';
import { isDraftLetter } from '../appeals/appeal-lifecycle.ts';
import { issueLetters, letterOverview, lettersZip, printFile } from './letters.service.ts';
import { presentLetterPage, selectionOfKey } from './letters.presenters.ts';

type Options = { db: Db; clock: Clock; fileStore: FileStore; baseUrl: string };

/** Organiser pages: PDFs of an appeal (preview, download, ZIP, print file). */
export const lettersRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, fileStore, baseUrl }) => {
  const viewer = { config: { appealRole: 'viewer' as const }, schema: paramsSchema({ slug: 'slug' }) };
  const deps = { db, fileStore, clock, baseUrl };

  app.get('/appeals/:slug/letters', viewer, async (request, reply) => {
    const appeal = request.appeal;
    const overview = await letterOverview({ ...deps, appeal });
    return reply.viewAsync('letters/index', {
      title: t('letterPdf.title'),
      ...presentLetterPage({ appeal: { slug: appeal.slug, title: appeal.title, draft: isDraftLetter(appeal) }, ...overview }),
      form: formView({}),
    });
  });

  app.get('/appeals/:slug/letters/master.pdf', viewer, async (request, reply) => {
    const result = await issueLetters({ ...deps, appeal: request.appeal, selection: { master: true } });
    return sendPdf(reply, result.master!, (request.query as { download?: string }).download === '1');
  });

  app.get('/appeals/:slug/letters/preview', viewer, async (request, reply) => {
    const selection = selectionOfKey(String((request.query as { recipient?: string }).recipient ?? ''));
    if (!selection) throw new AppError(404, 'letterPdf.unknownAddressee');
    const result = await issueLetters({ ...deps, appeal: request.appeal, selection: { personal: selection } });
    return sendPdf(reply, result.personal[0]!, false);
  });

  app.get('/appeals/:slug/letters/letters.zip', viewer, async (request, reply) => {
    const zip = await lettersZip({ ...deps, appeal: request.appeal });
    return reply.header('content-type', 'application/zip').header('content-disposition', `attachment; filename="${zip.fileName}"`).send(Buffer.from(zip.bytes));
  });

  app.get('/appeals/:slug/letters/print.pdf', viewer, async (request, reply) => {
    const file = await printFile({ ...deps, appeal: request.appeal, all: (request.query as { all?: string }).all === '1' });
    if (!file) throw new AppError(404, 'letterPdf.noneWithoutEmail');
    return sendPdf(reply, file, true);
  });
};
