// Bench cases of the pages most visited (issue 18 item 10): GET /login, GET /v/<code>,
// GET /s/<token> and the organiser page of the demo appeal, on the demo database. The server
// is the compiled build in a process of its own (as `npm start` runs it); the load comes from
// another process (test/bench/public-load.ts), 32 keep-alive connections, 2 s warm-up, 10 s
// measured. The rate limiter keys on the client address, so the public links come from varied
// addresses (X-Forwarded-For, with TRUST_PROXY=127.0.0.1), as many visitors would.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { createFileStore } from '../../server/shared/file-store.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { openSealedToken } from '../../server/shared/tokens.ts';
import type { BenchCase, BenchRow } from './bench-types.ts';
import { BENCH_PASSWORD, benchClock } from './bench-setup.ts';
import { BASE_URL, SECRET, load, processCpu, runLoad, startServer, stop } from './public-page.bench.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 32;

type Target = { rps: number; p99: number };
type Page = { id: string; label: string; path: string; target: Target; session?: boolean; varyClient?: boolean };

/** The demo in a database file, with letters rendered (their codes) and a signing link opened from its invitation mail. */
async function demoSite(dir: string) {
  const config = loadConfig({ DATA_DIR: dir, SESSION_SECRET: SECRET, BASE_URL, LOG_LEVEL: 'silent' });
  mkdirSync(dir, { recursive: true });
  const connection = openDatabase(config.databaseFile);
  migrateDatabase(connection.db);
  const seeded = await seedDemo({ db: connection.db, clock: benchClock, fileStore: createFileStore(config.uploadsDir), config, demoPassword: BENCH_PASSWORD });
  connection.close();
  // The letters of the final demo appeal, rendered by the compiled CLI: they get their codes.
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['dist/cli.js', 'render', '--appeal', 'kleve-antrag-kiz', '--out', join(dir, 'letters')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dir, SESSION_SECRET: SECRET, BASE_URL, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`render exited with ${code}`);
  const sqlite = new Database(config.databaseFile);
  const letterCode = (sqlite.prepare("select code from letter_documents where kind = 'personal' order by id limit 1").get() as { code: string }).code;
  const invitations = sqlite.prepare("select payload from mail_outbox where kind = 'signing-invitation' order by id desc").all() as { payload: string }[];
  // The demo's mails are not sent: the server's mail worker would do it while the page is measured.
  sqlite.prepare('delete from mail_outbox').run();
  sqlite.close();
  const tokens = invitations.map((row) => openSealedToken((JSON.parse(row.payload) as { sealedToken: string }).sealedToken, SECRET));
  return { organiserEmail: seeded.organiser!.email, letterCode, tokens };
}

/** Logs in as the demo organiser; the cookies of the session. */
async function logIn(email: string): Promise<string> {
  const form = await fetch(`${BASE_URL}/login`);
  const cookies = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  keep(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const header = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const answer = await fetch(`${BASE_URL}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header() },
    body: new URLSearchParams({ _csrf: csrf, email, password: BENCH_PASSWORD, next: '/appeals' }).toString(),
  });
  if (answer.status !== 303) throw new Error(`login answered ${answer.status}`);
  keep(answer);
  return header();
}

export const verdict = (met: boolean) => (met ? 'met' : 'not met');

function pageCase(page: Page): BenchCase {
  return {
    id: page.id,
    name: `${page.label}: ${CONNECTIONS} connections from another process, compiled server, demo data`,
    async run(): Promise<BenchRow[]> {
      const dir = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), `mitzeichnen-bench-${page.id}-`));
      try {
        const site = await demoSite(dir);
        const server = await startServer(dir, { TRUST_PROXY: '127.0.0.1' });
        try {
          let path = page.path.replace('<code>', site.letterCode);
          if (path.includes('<token>')) {
            // The newest invitation whose link still opens the signing page.
            for (const token of site.tokens) {
              if ((await fetch(`${BASE_URL}/s/${token}`, { headers: { 'x-forwarded-for': '10.9.9.9' } })).status === 200) {
                path = path.replace('<token>', token);
                break;
              }
            }
            if (path.includes('<token>')) throw new Error('no signing link of the demo opens');
          }
          const headers: Record<string, string> = page.session ? { cookie: await logIn(site.organiserEmail) } : {};
          const probe = await fetch(`${BASE_URL}${path}`, { headers: { ...headers, 'x-forwarded-for': '10.9.9.8' } });
          if (probe.status !== 200) throw new Error(`${path} answered ${probe.status}`);
          const bytes = (await probe.arrayBuffer()).byteLength;
          const options = { mode: 'page', path, connections: CONNECTIONS, headers, varyClient: page.varyClient ?? false };
          const loadBefore = load();
          await runLoad({ ...options, seconds: 2 });
          const cpuBefore = await processCpu(server.pid!);
          const result = await runLoad({ ...options, seconds: SECONDS });
          const serverCpu = (await processCpu(server.pid!)) - cpuBefore;
          const met = result.rps! >= page.target.rps && result.p99! < page.target.p99 && result.errors === 0;
          return [
            {
              page: page.label,
              'req/s': Math.round(result.rps!),
              'p50 (ms)': result.p50!.toFixed(1),
              'p99 (ms)': result.p99!.toFixed(1),
              errors: result.errors!,
              'KB/page': (bytes / 1024).toFixed(1),
              'server CPU (ms/req)': ((serverCpu * 1000) / result.requests!).toFixed(2),
              'load CPU (s)': result.clientCpu!.toFixed(1),
              'machine load': loadBefore,
              target: `≥ ${page.target.rps.toLocaleString('en')} req/s, p99 < ${page.target.p99} ms`,
              met: verdict(met),
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
}

export const httpPageCases: BenchCase[] = [
  pageCase({ id: 'login', label: 'GET /login', path: '/login', target: { rps: 2000, p99: 50 } }),
  pageCase({ id: 'verify', label: 'GET /v/<code>', path: '/v/<code>', target: { rps: 2000, p99: 50 }, varyClient: true }),
  pageCase({ id: 'signing-link', label: 'GET /s/<token>', path: '/s/<token>', target: { rps: 1000, p99: 100 }, varyClient: true }),
  pageCase({ id: 'organiser', label: 'organiser page of the demo appeal (logged in)', path: '/appeals/kleve-aufruf-integration', target: { rps: 500, p99: 100 }, session: true }),
];
