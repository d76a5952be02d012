// The app's side of the sending bench, in a process of its own (as `npm start` would run it):
// the web app is built (not listening), the PDF workers are warm, then one dispatch of the
// given appeal runs to the end through the outbox worker. Prints one JSON line of figures:
// peak RSS of the whole process (VmHWM: main thread and worker threads), CPU time, commits.
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import type Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { planDispatch, startDispatch } from '../../server/dispatch/dispatch.service.ts';
import { APPEAL_LETTER_KIND } from '../../server/dispatch/dispatch.mails.ts';
import { enqueueMail } from '../../server/mail/mail.service.ts';
import { createBackground } from '../../server/background.ts';
import { closeLetterRenderer, letterRenderer } from '../../server/letters/letter-renderer.ts';
import { buildApp } from '../../server/app.ts';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time of the main thread (ms), from /proc: process.cpuUsage() counts every thread. */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

const processCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** VmHWM: the highest RSS this process (all its threads) has had. */
const peakRssMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

/**
 * Counts commits on a connection: every top-level transaction, and every writing statement run
 * outside one (SQLite commits it on its own). Each is one WAL sync under synchronous=FULL.
 */
function countCommits(sqlite: Database.Database): { commits: number } {
  const counter = { commits: 0 };
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const statement = prepare(source);
    if (!/^\s*(insert|update|delete|replace|with)\b/i.test(source)) return statement;
    for (const method of ['run', 'get', 'all'] as const) {
      const original = (statement[method] as (...args: unknown[]) => unknown).bind(statement);
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        if (!sqlite.inTransaction) counter.commits += 1;
        return original(...args);
      };
    }
    return statement;
  }) as typeof sqlite.prepare;
  const transaction = sqlite.transaction.bind(sqlite);
  sqlite.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const wrapped = transaction(fn);
    const counted = (run: (...args: unknown[]) => unknown) => (...args: unknown[]) => {
      if (!sqlite.inTransaction) counter.commits += 1;
      return run(...args);
    };
    const result = counted(wrapped) as unknown as typeof wrapped;
    for (const variant of ['deferred', 'immediate', 'exclusive'] as const) result[variant] = counted(wrapped[variant]) as typeof wrapped.deferred;
    return result;
  }) as typeof sqlite.transaction;
  return counter;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
/** Memory at each stage before the first letter (what the process holds before it sends). */
const stages: Record<string, { rss: number; heapUsed: number; external: number }> = {};
const stage = (name: string) => {
  const usage = process.memoryUsage();
  stages[name] = { rss: mb(usage.rss), heapUsed: mb(usage.heapUsed), external: mb(usage.external) };
};
stage('imports');
const config = loadConfig(process.env);
const connection = openDatabase(config.databaseFile);
const counter = countCommits(connection.sqlite);
const { db } = connection;
const appeal = db.select().from(appeals).where(eq(appeals.id, Number(process.env.BENCH_APPEAL_ID))).get()!;
const app = await buildApp({ config, db, logger: false });
await app.ready();
stage('app');
const { worker } = createBackground({ db, clock: () => new Date(), config });
// A running server's PDF workers are started (and have loaded the engine) long before a dispatch.
await letterRenderer().warmUp();
stage('workers');
// And it has sent mail before: V8 has compiled the sending path (in a fresh process, compiling
// took about as much CPU as sending the first thousand letters). The first BENCH_WARMUP letters,
// test sends of the same letters to the same SMTP server, are not measured.
const warmUpLetters = Number(process.env.BENCH_WARMUP ?? 300);
if (warmUpLetters > 0) {
  const day = new Date().toISOString().slice(0, 10);
  db.transaction((tx) => {
    for (const { recipient, email } of planDispatch({ db: tx, appeal }).email.slice(0, warmUpLetters)) {
      const payload = { test: true, appealId: appeal.id, day, addresseeId: recipient.addresseeId, listId: recipient.listId };
      enqueueMail({ db: tx, clock: () => new Date(), mail: { kind: APPEAL_LETTER_KIND, payload, to: email, toName: recipient.label, ref: `bench-warm-up:${appeal.id}`, appealId: appeal.id } });
    }
  });
  while ((await worker.runOnce()).sent > 0);
}
const threads = readdirSync('/proc/self/task').length;
const rssBefore = process.memoryUsage().rss / 1024 / 1024;
const load = loadavg()[0]!;
const cpuMain = mainThreadCpuMs();
const cpuAll = processCpuMs();
// The main thread's share of the peak: its JS heap and its buffers outside the heap, sampled.
const mainPeak = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  for (const key of Object.keys(mainPeak) as (keyof typeof mainPeak)[]) mainPeak[key] = Math.max(mainPeak[key], mb(usage[key]));
}, 20);
const started = performance.now();
const dispatched = startDispatch({ db, clock: () => new Date(), appeal, actor: { organiserId: null, name: 'Bench' } });
if (!dispatched.ok) throw new Error(`dispatch: ${dispatched.error}`);
const commitsAfterStart = counter.commits;
let sent = 0;
let failed = 0;
for (;;) {
  const run = await worker.runOnce();
  sent += run.sent;
  failed += run.failed + run.rejected;
  if (run.paused) throw new Error('worker paused');
  if (run.sent + run.failed + run.rejected === 0) break;
}
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const result = {
  letters: dispatched.email,
  warmUpLetters,
  sent,
  failed,
  seconds,
  peakRssMb: peakRssMb(),
  rssBeforeMb: rssBefore,
  cpuMainMs: mainThreadCpuMs() - cpuMain,
  cpuAllMs: processCpuMs() - cpuAll,
  commits: counter.commits - commitsAfterStart,
  threads,
  load,
  stages,
  mainPeak,
};
await worker.stop();
await app.close();
await closeLetterRenderer();
connection.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
