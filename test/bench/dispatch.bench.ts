// The sending rows of `npm run bench`: 1,000 letters rendered, sent to a local SMTP server and
// recorded, end to end through the outbox worker. The SMTP server runs in a process of its own
// (smtp-sink-process.mjs) and the dispatch in another (dispatch-process.ts), so the figures are
// the app's alone: its peak RSS (main thread and PDF worker threads are one process), its CPU
// time and its commits.
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../../server/config.ts';
import type { Config } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { createFileStore } from '../../server/shared/file-store.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { addEntry, addListToAppeal, createList } from '../../server/addressees/addressees.service.ts';
import { appealAddresseeLists } from '../../server/addressees/addressees.table.ts';
import { finalise, openForSigning } from '../../server/signing/signing-organiser.service.ts';
import { recordSignature } from '../../server/signing/signing-representative.service.ts';
import { signingRepository } from '../../server/signing/signing.repository.ts';
import { listSignatories } from '../../server/signatories/signatories.service.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { buildEntry } from '../../scripts/build.mjs';
import { asInProduction } from './bench-setup.ts';

type Row = Record<string, string | number>;

const clock = () => new Date('2026-11-22T10:00:00Z');

/** The SMTP sink in its own process: its port, how many messages it received, and stop. */
async function startSinkProcess(): Promise<{ port: number; count: () => Promise<number>; close: () => Promise<void> }> {
  const child: ChildProcess = fork(new URL('./smtp-sink-process.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const next = <T>() => new Promise<T>((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('error', reject);
  });
  const { port } = await next<{ port: number }>();
  return {
    port,
    async count() {
      const answer = next<{ count: number }>();
      child.send('count');
      return (await answer).count;
    },
    close: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.send('close');
    }),
  };
}

type Figures = { letters: number; warmUpLetters: number; sent: number; failed: number; seconds: number; peakRssMb: number; rssBeforeMb: number; cpuMainMs: number; cpuAllMs: number; commits: number; load: number; stages: Record<string, { rss: number; heapUsed: number; external: number }>; mainPeak: { heapTotal: number; heapUsed: number; external: number; arrayBuffers: number } };

const root = fileURLToPath(new URL('../..', import.meta.url));
let compiled: Promise<string> | undefined;

/** dispatch-process.ts compiled as the server is (scripts/build.mjs), into dist-bench/; run.ts has built dist/ (the PDF workers load it). */
const compiledDispatchProcess = () => (compiled ??= buildEntry({ entry: fileURLToPath(new URL('./dispatch-process.ts', import.meta.url)), outdir: join(root, 'dist-bench') }));

/** Runs dispatch-process.ts compiled, started as `npm start` starts the app, on the prepared database; its figures. */
async function runDispatchProcess(config: Config, appealId: number): Promise<Figures> {
  const script = await compiledDispatchProcess();
  return new Promise((resolve, reject) => {
    const env = { ...process.env, DATA_DIR: config.dataDir, SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-01', BASE_URL: config.baseUrl, LOG_LEVEL: 'silent', SMTP_URL: `smtp://127.0.0.1:${config.mail.smtp!.port}`, SMTP_POOL: String(config.mail.pool), MAIL_FROM: 'Mitzeichnen <versand@buendnis.example>', BENCH_APPEAL_ID: String(appealId) };
    const production = asInProduction([script], env);
    const child = spawn(process.execPath, production.args, { env: production.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`dispatch process exited with ${code}: ${output}`));
      else resolve(JSON.parse(line) as Figures);
    });
  });
}

/** Sending `LETTERS` letters with each SMTP pool size of `defaultPools` (BENCH_POOLS overrides). */
const dispatchCase = (id: string, LETTERS: number, defaultPools: string) => ({
  id,
  name: `Sending: ${LETTERS.toLocaleString('en')} personalised letters of the demo Antrag by e-mail to a local SMTP server (render + send + record)`,
  async run(): Promise<Row[]> {
    const dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-bench-send-'));
    const sink = await startSinkProcess();
    const rows: Row[] = [];
    const pools = (process.env.BENCH_POOLS ?? defaultPools).split(',').map(Number);
    try {
      for (const pool of pools) {
        const dataDir = join(dir, `pool-${pool}`);
        const config = loadConfig({
          DATA_DIR: dataDir,
          SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-01',
          BASE_URL: 'https://mitzeichnen.example.org',
          LOG_LEVEL: 'silent',
          SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
          SMTP_POOL: String(pool),
          MAIL_FROM: 'Mitzeichnen <versand@buendnis.example>',
        });
        mkdirSync(dataDir, { recursive: true });
        // A database file as in production (WAL, synchronous=FULL): every recorded state is durable.
        const connection = openDatabase(config.databaseFile);
        const { db } = connection;
        migrateDatabase(db);
        const fileStore = createFileStore(config.uploadsDir);
        await seedDemo({ db, clock, fileStore, config, demoPassword: 'bench-passwort-123' });
        let appeal = db.select().from(appeals).where(eq(appeals.slug, 'kleve-antrag-kiz')).get() ?? db.select().from(appeals).get()!;
        const organiserId = appeal.createdBy!;
        // Enlarged: LETTERS addressees with e-mail in one more list.
        const list = createList({ db, clock, organiserId, input: { name: `Bench: ${LETTERS} Empfänger`, description: '', rank: 90, groupAddressLine: '', groupSalutation: '', groupInstitution: '', groupRecipient: '', groupStreet: '', groupPostcode: '', groupCity: '', groupEmail: '' } });
        db.transaction((tx) => {
          for (let i = 0; i < LETTERS; i += 1) {
            addEntry({ db: tx, clock, list, input: { salutation: i % 2 ? 'Herr' : 'Frau', title: i % 7 === 0 ? 'Dr.' : '', firstName: ['Małgorzata', 'Jana', 'Ayşe', 'Bernd', 'Rolf', 'Dietmar'][i % 6]!, lastName: `Hülsmann-${i + 1}`, function: i % 2 ? 'Bürgermeister' : 'Bürgermeisterin', institution: `Gemeinde Beispielstadt ${i + 1}`, department: '', street: `Markt ${i + 1}`, postcode: String(47000 + i), city: 'Kleve', email: `buero${i + 1}@gemeinde${i + 1}.example`, letterSalutation: '', verifiedAt: '', note: '' } });
          }
        });
        // Only the bench list: the demo lists have addresses without e-mail (post).
        db.delete(appealAddresseeLists).where(eq(appealAddresseeLists.appealId, appeal.id)).run();
        addListToAppeal({ db, organiserId, appeal, listId: list.id, collective: false });
        // Final through the services, as the organiser and the signatories would do it.
        const signingDeps = { db, clock, config };
        if (appeal.state === 'draft') openForSigning({ ...signingDeps, appeal, actor: 'Bench', deadline: '' });
        appeal = db.select().from(appeals).where(eq(appeals.id, appeal.id)).get()!;
        if (appeal.state === 'signing') {
          for (const { signatory } of listSignatories({ db, appeal }).filter((entry) => entry.signatory.tier === 'first')) {
            const context = signingRepository(db).findSignatoryContext(signatory.id)!;
            recordSignature({ ...signingDeps, context, version: signingRepository(db).latestVersion(appeal.id)!, input: { representativeName: signatory.representativeName, representativeFunction: signatory.representativeFunction, kind: 'typed', consentPublic: true, consentLogo: true }, signatureFile: null, ip: '127.0.0.1' });
          }
          const done = finalise({ ...signingDeps, appeal, actor: 'Bench', goAheadWithoutMissing: true });
          if (!done.ok) throw new Error(`finalise: ${done.error}`);
        }
        appeal = db.select().from(appeals).where(eq(appeals.id, appeal.id)).get()!;
        db.delete(mailOutbox).run();

        const before = await sink.count();
        connection.close();

        // The dispatch itself runs in a process of its own, as the server would run it.
        const figures = await runDispatchProcess(config, appeal.id);
        rows.push({
          letters: figures.letters,
          sent: figures.sent,
          'failed/rejected': figures.failed,
          'arrived at server': (await sink.count()) - before - figures.warmUpLetters,
          // Test sends before the measured dispatch, as a running server has sent mail before.
          'warm-up letters': figures.warmUpLetters,
          'SMTP_POOL': pool,
          'total (s)': figures.seconds.toFixed(2),
          'letters/s': Math.round(figures.sent / figures.seconds),
          'peak RSS (MB)': Math.round(figures.peakRssMb),
          'RSS at start (MB)': Math.round(figures.rssBeforeMb),
          // Before the first letter: loaded modules, the app built, the PDF workers started (RSS / JS heap).
          'RSS / heap by stage (MB)': Object.entries(figures.stages).map(([stage, m]) => `${stage} ${m.rss}/${m.heapUsed}`).join(', '),
          // Of the peak: the main thread's JS heap (reserved) and its buffers outside the heap (PDFs, messages).
          'main heap / buffers peak (MB)': `${figures.mainPeak.heapTotal} / ${figures.mainPeak.external}`,
          'CPU main (ms/letter)': (figures.cpuMainMs / figures.sent).toFixed(2),
          'CPU all threads (ms/letter)': (figures.cpuAllMs / figures.sent).toFixed(2),
          'commits/letter': (figures.commits / figures.sent).toFixed(2),
          'load (1 min)': figures.load.toFixed(2),
          target: '≥ 200/s, ≤ 300 MB',
          // Every letter sent (the dispatch's other mails, the thanks to the first signatories, go too).
          met: figures.letters === LETTERS && figures.sent >= figures.letters && figures.sent / figures.seconds >= 200 && figures.peakRssMb <= 300 ? 'met' : 'not met',
        });
      }
      return rows;
    } finally {
      await sink.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

export const dispatch1000 = dispatchCase('send-1000', 1000, '3,5');
export const dispatch10k = dispatchCase('send-10k', 10_000, '5');
