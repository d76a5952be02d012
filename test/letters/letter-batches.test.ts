// Batches are written letter by letter (issue 18 item 5): chunked issuing gives the same bytes,
// codes and file names as one batch, and the ZIP of the web is a file on disk with exactly the
// issued letters, removed once the job is forgotten.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { unzipSync } from 'fflate';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { prepareLetterIssuer } from '../../server/letters/letters.service.ts';
import { createFileNamer } from '../../server/letters/letter-file-names.ts';
import type { IssuedLetter } from '../../server/letters/letters.service.ts';
import { lettersZipJob } from '../../server/letters/letter-jobs.ts';
import { createBackgroundJobs } from '../../server/jobs/background-jobs.ts';
import { createJobFiles } from '../../server/jobs/job-files.ts';

const clock = () => new Date(fixedNow);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function demoAppeal() {
  const app = await buildTestApp();
  await seedDemo({ config: app.config, db: app.db, clock, fileStore: app.fileStore, demoPassword: 'demo-passwort-geheim' });
  const appeal = app.db.select().from(appeals).where(eq(appeals.slug, 'kleve-aufruf-integration')).get()!;
  return { app, appeal, options: { db: app.db, fileStore: app.fileStore, clock, baseUrl: app.config.baseUrl, appeal } };
}

describe('letters issued chunk by chunk', () => {
  it('gives the same letters, codes and names as one batch, and hands over each chunk before rendering the next', async () => {
    const { options } = await demoAppeal();
    const whole = await prepareLetterIssuer(options).issue({ master: true, personal: 'all' });
    const chunks: IssuedLetter[][] = [];
    const progress: number[] = [];
    const result = await prepareLetterIssuer(options).issueEach(
      { master: true, personal: 'all' },
      { chunkSize: 3, onLetters: (letters) => void chunks.push(letters), onProgress: (done) => progress.push(done) },
    );
    const letters = chunks.flat();
    expect(result.count).toBe(whole.personal.length + 1);
    expect(chunks[0]).toHaveLength(1);
    expect(chunks.slice(1).every((chunk) => chunk.length <= 3)).toBe(true);
    expect(letters.map((letter) => [letter.code, letter.sha256])).toEqual([whole.master!, ...whole.personal].map((letter) => [letter.code, letter.sha256]));
    expect(progress.at(-1)).toBe(result.count);
    // File names made unique across chunks, as in one batch.
    const nameOf = createFileNamer();
    expect(new Set(letters.map((letter) => nameOf(letter.fileName))).size).toBe(letters.length);
  });

  it('writes the ZIP to a file under the jobs folder with every issued letter, and removes it when the job is forgotten', async () => {
    const { options, appeal } = await demoAppeal();
    const jobsDir = mkdtempSync(join(tmpdir(), 'mitzeichnen-jobs-'));
    dirs.push(jobsDir);
    // Finished jobs are forgotten after a second here (the server keeps them 15 minutes).
    const jobs = createBackgroundJobs({ keepMs: 1000 });
    const jobFiles = createJobFiles(jobsDir);
    const first = await lettersZipJob({ ...options, jobs, jobFiles });
    expect(first.state).toBe('running');
    let job = first;
    for (let i = 0; i < 600 && job.state === 'running'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = await lettersZipJob({ ...options, jobs, jobFiles });
    }
    if (job.state !== 'done' || !job.result) throw new Error(`ZIP job ended as ${job.state}`);
    const { path, fileName } = job.result;
    expect(fileName).toBe(`2026-11-22_${appeal.slug}_briefe.zip`);
    expect(path.startsWith(jobsDir)).toBe(true);
    const entries = unzipSync(new Uint8Array(readFileSync(path)));
    const issued = await prepareLetterIssuer(options).issue({ master: true, personal: 'all' });
    const nameOf = createFileNamer();
    const expected = Object.fromEntries([issued.master!, ...issued.personal].map((letter) => [nameOf(letter.fileName), letter.sha256]));
    expect(Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name, sha256(bytes)]))).toEqual(expected);
    expect(existsSync(path)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await lettersZipJob({ ...options, jobs, jobFiles });
    expect(existsSync(path)).toBe(false);
  });

  it('shows a running ZIP job\'s progress without reading the letters\' inputs again, and checks them once it is done', async () => {
    const { options } = await demoAppeal();
    const jobsDir = mkdtempSync(join(tmpdir(), 'mitzeichnen-jobs-'));
    dirs.push(jobsDir);
    const jobs = createBackgroundJobs();
    const jobFiles = createJobFiles(jobsDir);
    expect((await lettersZipJob({ ...options, jobs, jobFiles })).state).toBe('running');
    // An empty text cannot be issued: a view that read the inputs would fail; the progress view does not read them.
    const emptied = { ...options, appeal: { ...options.appeal, body: '' }, jobs, jobFiles };
    expect((await lettersZipJob(emptied)).state).toBe('running');
    for (let i = 0; i < 600 && jobs.runningWithLabel(`zip:${options.appeal.id}`); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    // Done: the next view reads the inputs again, and the changed text is refused instead of the old ZIP handed out.
    await expect(lettersZipJob(emptied)).rejects.toThrow();
    expect((await lettersZipJob({ ...options, jobs, jobFiles })).state).toBe('done');
  });

  it('removes the folders of job files left by a process that is gone, not those of a running one', () => {
    const jobsDir = mkdtempSync(join(tmpdir(), 'mitzeichnen-jobs-'));
    dirs.push(jobsDir);
    const mine = createJobFiles(jobsDir).pathFor('x', 'zip');
    mkdirSync(join(jobsDir, 'run-999999999-abc'));
    createJobFiles(jobsDir);
    const left = readdirSync(jobsDir);
    expect(left).not.toContain('run-999999999-abc');
    expect(left.some((name) => mine.includes(name))).toBe(true);
  });
});
