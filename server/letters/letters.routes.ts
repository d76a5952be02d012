import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import type { SealConfig } from '../config.ts';
import type { FileStore } from '../shared/file-store.ts';
import { AppError } from '../shared/app-error.ts';
import { formView } from '../shared/form-view.ts';
import { sendPdf } from '../shared/pdf-reply.ts';
import { paramsSchema } from '../shared/route-params.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { isDraftLetter } from '../appeals/appeal-lifecycle.ts';
import { createReadStream, statSync } from 'node:fs';
import { createBackgroundJobs } from '../jobs/background-jobs.ts';
import { createJobFiles } from '../jobs/job-files.ts';
import { issueLetters } from './letters.service.ts';
import { describeFailure, letterOverview, lettersZipJob, printFileJob } from './letter-jobs.ts';
import type { FileJob } from './letter-jobs.ts';
import { presentLetterPage, selectionOfKey } from './letters.presenters.ts';

/** Seconds between refreshes of a page that waits for a background render (no script). */
const REFRESH_SECONDS = 2;

type Options = { db: Db; clock: Clock; fileStore: FileStore; baseUrl: string; jobsDir: string; seal: SealConfig | undefined };

/** Organiser pages: PDFs of an appeal (preview, download, ZIP, print file). */
export const lettersRoutes: FastifyPluginAsync<Options> = async (app, { db, clock, fileStore, baseUrl, jobsDir, seal }) => {
  const viewer = { config: { appealRole: 'viewer' as const }, schema: paramsSchema({ slug: 'slug' }) };
  // Renders of many letters run in the background; their pages refresh themselves until done.
  // Their results (ZIP, print file) are files on disk, removed when the job is forgotten.
  const jobs = createBackgroundJobs();
  const deps = { db, fileStore, clock, baseUrl, seal, jobs, jobFiles: createJobFiles(jobsDir) };

  app.get('/appeals/:slug/letters', viewer, async (request, reply) => {
    const appeal = request.appeal;
    const overview = await letterOverview({ ...deps, appeal });
    return reply.viewAsync('letters/index', {
      title: t('letterPdf.title'),
      ...presentLetterPage({ appeal: { slug: appeal.slug, title: appeal.title, draft: isDraftLetter(appeal) }, ...overview }),
      refreshSeconds: overview.checking ? REFRESH_SECONDS : 0,
      form: formView({}),
    });
  });

  /** A file rendered in the background: sent when ready, else a page with the progress that refreshes itself. */
  const fileOrProgress = (request: FastifyRequest, reply: FastifyReply, job: FileJob, contentType: string, none: MessageKey) => {
    if (job.state === 'done') {
      if (!job.result) throw new AppError(404, none);
      const { path, fileName } = job.result;
      return reply
        .header('content-type', contentType)
        .header('content-length', statSync(path).size)
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .send(createReadStream(path));
    }
    const back = `/appeals/${request.appeal.slug}/letters`;
    reply.header('cache-control', 'no-store');
    if (job.state === 'failed') return reply.code(422).viewAsync('letters/job', { title: t('letterRender.jobTitle'), back, error: describeFailure(job.error), progress: '', refreshSeconds: 0 });
    return reply.viewAsync('letters/job', { title: t('letterRender.jobTitle'), back, error: '', progress: t('letterRender.progress', { done: job.done, total: job.total || '…' }), refreshSeconds: REFRESH_SECONDS });
  };

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
    const job = await lettersZipJob({ ...deps, appeal: request.appeal });
    return fileOrProgress(request, reply, job, 'application/zip', 'letterPdf.noRecipients');
  });

  app.get('/appeals/:slug/letters/print.pdf', viewer, async (request, reply) => {
    const job = await printFileJob({ ...deps, appeal: request.appeal, all: (request.query as { all?: string }).all === '1' });
    return fileOrProgress(request, reply, job, 'application/pdf', 'letterPdf.noneWithoutEmail');
  });
};
