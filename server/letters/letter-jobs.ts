// Work on many letters that a page starts but does not wait for: the letters page's warnings,
// the ZIP of all letters and the print file, each a background job keyed by the hash of what
// the letters are made of. Results are files on disk (jobs/job-files.ts), not bytes in memory.
import { writeFileSync } from 'node:fs';
import type { BackgroundJobs, JobState } from '../jobs/background-jobs.ts';
import { writeZipFile } from '../jobs/job-files.ts';
import type { JobFiles } from '../jobs/job-files.ts';
import { AppError } from '../shared/app-error.ts';
import { t } from '../i18n/index.ts';
import { RENDERER_VERSION } from '../letter-pdf/letter-identity.ts';
import { currentTextHash } from '../signing/versions.ts';
import { combinePrintFile, sha256Of } from './letter-documents.service.ts';
import { buildRecipientsInSlices } from './recipients.ts';
import type { LetterRecipient } from './recipients.ts';
import { openLetterIssuer } from './letters.service.ts';
import { createFileNamer } from './letter-file-names.ts';
import type { IssueOptions, LetterIssuer } from './letters.service.ts';

/** The key of a background job: the appeal, the day, and the hash of what the letters are made of. */
const jobKey = (kind: string, issuer: LetterIssuer, extra: unknown = null) => `${kind}:${issuer.appealId}:${sha256Of(JSON.stringify({ RENDERER_VERSION, day: issuer.day, fingerprint: issuer.fingerprint, personal: issuer.personal, extra }))}`;

/** The job's state; a failed job is reported once and then forgotten, so that the next view tries again. */
function settledJob<T>(jobs: BackgroundJobs, key: string, work: (progress: (done: number, total: number) => void) => Promise<T>, options: { dispose?: (result: T) => void; label?: string } = {}): JobState<T> {
  const { status } = jobs.ensure(key, work, options);
  if (status.state === 'failed') jobs.forget(key);
  return status;
}

export type LetterOverview = { personal: LetterRecipient[]; warnings: string[]; emptyBody: boolean; checking: boolean; checkFailed: string };

/**
 * What the letters page shows: the personal letters, and the warnings of the master and of
 * every address field. No PDF work in the request: the warnings come from a background job
 * (in the worker pool), cached by the hash of the letter's inputs; until it is done the page
 * says so and refreshes itself.
 */
export async function letterOverview(options: IssueOptions & { jobs: BackgroundJobs }): Promise<LetterOverview> {
  if (!options.appeal.body.trim()) return { personal: (await buildRecipientsInSlices(options)).personal, warnings: [], emptyBody: true, checking: false, checkFailed: '' };
  const issuer = await openLetterIssuer(options);
  const status = settledJob(options.jobs, jobKey('warnings', issuer), () => issuer.warnings());
  return {
    personal: issuer.personal,
    warnings: status.state === 'done' ? status.result : [],
    emptyBody: false,
    checking: status.state === 'running',
    checkFailed: status.state === 'failed' ? describeFailure(status.error) : '',
  };
}

/** A German sentence for a failed job (the renderer's limits and our own refusals are AppErrors). */
export function describeFailure(error: unknown): string {
  return error instanceof AppError ? t(error.messageKey, error.params) : t('letterRender.failedUnknown');
}

/** A job's result on disk (see jobs/job-files.ts), sent as a download. */
export type JobFile = { path: string; fileName: string };
export type FileJob = JobState<JobFile | undefined>;

type FileJobOptions = IssueOptions & { jobs: BackgroundJobs; jobFiles: JobFiles };

/**
 * The master and every personal letter in one ZIP, rendered in the background a chunk at a
 * time and written straight to disk, so memory stays flat for 10,000 letters.
 */
export async function lettersZipJob(options: FileJobOptions): Promise<FileJob> {
  // While it runs, the page that reloads itself gets the progress without reading all recipients
  // again (10,000 addressees: about a second of the event loop per view).
  const label = `zip:${options.appeal.id}`;
  const running = options.jobs.runningWithLabel(label);
  if (running) return running;
  const issuer = await openLetterIssuer(options);
  const key = jobKey('zip', issuer);
  const { jobFiles } = options;
  return settledJob(
    options.jobs,
    key,
    async (progress) => {
      const path = jobFiles.pathFor(key, 'zip');
      const nameOf = createFileNamer();
      let letterDate = '';
      await writeZipFile(path, (add) =>
        issuer
          .issueEach(
            { master: true, personal: 'all' },
            {
              onProgress: progress,
              onLetters: async (letters) => {
                letterDate ||= letters[0]?.fileName.slice(0, 10) ?? '';
                for (const letter of letters) await add(nameOf(letter.fileName), letter.bytes);
              },
            },
          )
          .then(() => undefined),
      );
      return { path, fileName: `${letterDate}_${options.appeal.slug}_briefe.zip` };
    },
    { dispose: (file) => file && jobFiles.remove(file.path), label },
  );
}

/** The letters that go by post (or all personal letters) as one recorded print file, rendered in the background; undefined when there are none. */
export async function printFileJob(options: FileJobOptions & { all: boolean }): Promise<FileJob> {
  const { db, clock, appeal, all, jobFiles } = options;
  const kind = all ? 'print-all' : 'print-post';
  const label = `${kind}:${appeal.id}`;
  const running = options.jobs.runningWithLabel(label);
  if (running) return running;
  const issuer = await openLetterIssuer(options);
  const key = jobKey(kind, issuer);
  return settledJob(
    options.jobs,
    key,
    async (progress) => {
      const result = await issuer.issue({ personal: all ? 'all' : 'byPost' }, { onProgress: progress });
      if (result.personal.length === 0) return undefined;
      const print = await combinePrintFile({ db, clock, appeal, letters: result.personal, textVersionHash: currentTextHash({ db, appeal }), ...(options.renderer ? { renderer: options.renderer } : {}) });
      const path = jobFiles.pathFor(key, 'pdf');
      writeFileSync(path, print.bytes, { mode: 0o600 });
      return { path, fileName: result.personal[0]!.fileName.replace(/_[^_]+\.pdf$/, all ? '_druck-alle.pdf' : '_druck-ohne-email.pdf') };
    },
    { dispose: (file) => file && jobFiles.remove(file.path), label },
  );
}
