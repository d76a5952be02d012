// Bench cases of the public page (issue 12): the page of an appeal with 1,000,000 confirmed
// citizens and 200 organisations under load while citizens keep signing, and the intake of
// signatures through the real HTTP routes. The server runs as its own process (server/index.ts);
// the load comes from other processes (test/bench/public-load.ts).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { appealsRepository } from '../../server/appeals/appeals.repository.ts';
import { openForSigning } from '../../server/signing/signing-organiser.service.ts';
import { createFileStore } from '../../server/shared/file-store.ts';
import { emailKeyOf } from '../../server/supporters/supporters.table.ts';
import { makeAppeal, makeOrganiser, makeSignatory } from '../helpers/factories.ts';
import { asInProduction } from './bench-setup.ts';

type Row = Record<string, string | number>;

const root = fileURLToPath(new URL('../..', import.meta.url));
export const SECRET = 'bench-secret-bench-secret-bench-secret-01';
const PORT = 3917;
export const BASE_URL = `http://127.0.0.1:${PORT}`;

/** A database file with one public appeal in signing, `organisations` confirmed organisations and `citizens` confirmed citizens. */
export async function makeDatabase(dataDir: string, { citizens, organisations }: { citizens: number; organisations: number }) {
  const config = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: SECRET, BASE_URL, LOG_LEVEL: 'silent' });
  mkdirSync(dataDir, { recursive: true });
  const connection = openDatabase(config.databaseFile);
  migrateDatabase(connection.db);
  const { db, sqlite } = connection;
  const { organiser } = await makeOrganiser(db);
  const draft = makeAppeal(db, organiser.id, { title: 'Ein Integrationszentrum für den Kreis Kleve', body: 'Wir fordern ein **Integrationszentrum**.\n\n'.repeat(8), publicPage: true });
  await makeSignatory(db, createFileStore(config.uploadsDir), draft, { name: 'AWO Kreisverband Kleve e.V.' });
  const opened = openForSigning({ db, clock: () => new Date(), config, appeal: draft, actor: 'Bench', deadline: '' });
  if (!opened.ok) throw new Error(`open: ${opened.error}`);
  const appeal = appealsRepository(db).update(draft.id, { supportGoal: 2_000_000, updatedAt: new Date() });

  // The rows go in as the app would leave them, in one transaction with one prepared statement.
  // Bench only: the triggers and secondary indexes are set aside while a million rows go in,
  // the indexes are then built in one pass, and the counts the triggers would have kept are
  // computed with one GROUP BY each; afterwards triggers and indexes are exactly the migration's.
  const started = performance.now();
  const setAside = sqlite.prepare("select type, name, sql from sqlite_master where tbl_name = 'supporters' and type in ('trigger', 'index') and sql is not null").all() as { type: string; name: string; sql: string }[];
  for (const entry of setAside) sqlite.exec(`drop ${entry.type} "${entry.name}"`);
  sqlite.pragma('cache_size = -262144');
  const insert = sqlite.prepare(
    `insert into supporters (appeal_id, kind, state, first_name, last_name, postcode, place, email, email_key, show_name, keep_informed, organisation_name, website, comment, comment_state, created_at, confirmed_at)
     values (?, ?, 'confirmed', ?, ?, '47533', ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)`,
  );
  const firstNames = ['Małgorzata', 'Jana', 'Ayşe', 'Bernd', 'Rolf', 'Dietmar', 'Fatma', 'Jens'];
  const places = ['Kleve', 'Goch', 'Emmerich', 'Geldern', 'Kevelaer'];
  const start = Date.now() - 60 * 24 * 60 * 60 * 1000;
  sqlite.transaction(() => {
    for (let i = 0; i < organisations; i += 1) {
      const email = `org${i}@verband.example`;
      insert.run(appeal.id, 'organisation', 'Vorname', 'Name', 'Kleve', email, emailKeyOf(email), 1, `Verein ${i + 1} Kleve e.V.`, `https://verein${i + 1}.example`, '', 'none', start, start + i * 1000);
    }
    for (let i = 0; i < citizens; i += 1) {
      const email = `buerger${i}@example.org`;
      // A unique key in insertion order (the app stores SHA-256 of the address; for 1M bench
      // rows, random keys would only make the unique index slower to fill).
      const key = `bench-${String(i).padStart(8, '0')}`;
      const at = start + Math.floor((i / citizens) * 60 * 24 * 60 * 60 * 1000);
      const comment = i % 5000 === 0 ? 'Ich unterstütze das.' : '';
      insert.run(appeal.id, 'citizen', firstNames[i % 8], `Muster${i}`, places[i % 5], email, key, i % 3 === 0 ? 1 : 0, '', '', comment, comment ? 'approved' : 'none', at, at);
    }
  })();
  sqlite.transaction(() => {
    for (const entry of setAside.filter((item) => item.type === 'index')) sqlite.exec(entry.sql);
    for (const entry of setAside.filter((item) => item.type === 'trigger')) sqlite.exec(entry.sql);
    sqlite.prepare("insert into supporter_counts (appeal_id, citizens, organisations) select appeal_id, sum(kind = 'citizen'), sum(kind = 'organisation') from supporters where state = 'confirmed' group by appeal_id").run();
    sqlite.prepare("insert into supporter_days (appeal_id, day, citizens) select appeal_id, date(confirmed_at / 1000, 'unixepoch'), count(*) from supporters where state = 'confirmed' and kind = 'citizen' group by appeal_id, date(confirmed_at / 1000, 'unixepoch')").run();
  })();
  const insertSeconds = (performance.now() - started) / 1000;
  const counted = sqlite.prepare('select citizens, organisations from supporter_counts where appeal_id = ?').get(appeal.id) as { citizens: number; organisations: number };
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  connection.close();
  return { config, slug: appeal.slug, insertSeconds, counted };
}

/** The compiled server (as `npm start` runs it; run.ts builds dist/ first) on the database in `dataDir`. */
export async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  // Every setting explicit: the bench may run under vitest or a shell that sets BASE_URL.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const production = asInProduction([...profile, 'dist/index.js'], { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(PORT), HOST: '127.0.0.1', BASE_URL, SESSION_SECRET: SECRET, SEED_DEMO: 'false', LOG_LEVEL: 'warn', ...env });
  const child = spawn(process.execPath, production.args, {
    cwd: root,
    env: production.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('is running at')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  child.stdout!.resume();
  return child;
}

export function runLoad(options: Record<string, unknown>): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/public-load.ts', JSON.stringify({ baseUrl: BASE_URL, ...options })], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`load generator exited with ${code}`))));
  });
}

/** CPU seconds of a process (user + system) from /proc, to say what the server itself used. */
export async function processCpu(pid: number): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export const load = () => `${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;

const writerRate = Number(process.env.BENCH_WRITER_RATE ?? 50);

export const publicPageLoad = {
  id: 'public-page',
  name: 'Public page: GET /a/<slug> with 1,000,000 confirmed citizens and 200 organisations while 50 citizens/s sign and confirm (server and load in separate processes)',
  async run(): Promise<Row[]> {
    const dir = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), 'mitzeichnen-bench-public-'));
    try {
      const made = await makeDatabase(dir, { citizens: Number(process.env.BENCH_CITIZENS ?? 1_000_000), organisations: 200 });
      const server = await startServer(dir, { SUPPORT_SIGNUPS_PER_IP: '1000000', SUPPORT_SIGNUPS_PER_DOMAIN: '1000000', SUPPORT_LINKS_PER_MINUTE: '1000000' });
      try {
        const loadBefore = load();
        // Warm-up: the first render compiles the templates.
        await runLoad({ mode: 'page', path: `/a/${made.slug}`, seconds: 2, connections: 8 });
        const cpuBefore = await processCpu(server.pid!);
        const [page, writer] = await Promise.all([
          runLoad({ mode: 'page', path: `/a/${made.slug}`, seconds: 10, connections: 32 }),
          writerRate > 0 ? runLoad({ mode: 'sign', slug: made.slug, seconds: 12, connections: 8, rate: writerRate, databaseFile: made.config.databaseFile, secret: SECRET, emailPrefix: 'w' }) : Promise.resolve({ perSecond: 0 }),
        ]);
        const serverCpu = (await processCpu(server.pid!)) - cpuBefore;
        return [
          {
            'rows made (s)': made.insertSeconds.toFixed(1),
            citizens: made.counted.citizens,
            organisations: made.counted.organisations,
            'req/s': Math.round(page.rps!),
            'p50 (ms)': page.p50!.toFixed(1),
            'p99 (ms)': page.p99!.toFixed(1),
            errors: page.errors!,
            'confirmed meanwhile/s': writer.perSecond!.toFixed(1),
            'server CPU (s)': serverCpu.toFixed(1),
            'load CPU (s)': page.clientCpu!.toFixed(1),
            'machine load': loadBefore,
            target: '≥ 2,000 req/s, p99 < 50 ms, rows < 60 s',
            met: page.rps! >= 2000 && page.p99! < 50 && page.errors === 0 && made.insertSeconds < 60 ? 'met' : 'not met',
          },
        ];
      } finally {
        await stop(server);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const citizenIntake = {
  id: 'intake',
  name: 'Intake: citizens sign and confirm through the HTTP routes (POST /a/<slug>/sign + GET /c/<token>), synchronous=FULL',
  async run(): Promise<Row[]> {
    const dir = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), 'mitzeichnen-bench-intake-'));
    try {
      const made = await makeDatabase(dir, { citizens: 10_000, organisations: 10 });
      const server = await startServer(dir, { SUPPORT_SIGNUPS_PER_IP: '1000000', SUPPORT_SIGNUPS_PER_DOMAIN: '1000000', SUPPORT_LINKS_PER_MINUTE: '1000000' });
      try {
        const loadBefore = load();
        const cpuBefore = await processCpu(server.pid!);
        const result = await runLoad({ mode: 'sign', slug: made.slug, seconds: 10, connections: 32, databaseFile: made.config.databaseFile, secret: SECRET });
        const serverCpu = (await processCpu(server.pid!)) - cpuBefore;
        return [
          {
            confirmed: result.confirmed!,
            failures: result.failures!,
            'signatures/s': Math.round(result.perSecond!),
            'p99 sign+confirm (ms)': result.p99!.toFixed(1),
            'server CPU (s)': serverCpu.toFixed(1),
            'load CPU (s)': result.clientCpu!.toFixed(1),
            'machine load': loadBefore,
            target: '≥ 1,000/s',
            met: result.perSecond! >= 1000 && result.failures === 0 ? 'met' : 'not met',
          },
        ];
      } finally {
        await stop(server);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
