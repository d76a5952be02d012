// Batches of 10,000 letters (issue 18 item 5): the ZIP from the web and the CLI render write
// letter by letter, so memory stays flat and /healthz answers meanwhile.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import supertest from 'supertest';
import * as cheerio from 'cheerio';
import type { BenchCase } from './bench-types.ts';
import { BENCH_PASSWORD, asInProduction, demoAppealWithAddressees } from './bench-setup.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Peak resident memory of another process, sampled from /proc every 20 ms until it exits. */
function peakRssOfChild(pid: number): { stop: () => number } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb);
    } catch {
      // The process has ended.
    }
  }, 20);
  return { stop: () => (clearInterval(timer), peak / 1024) };
}

/** The server as `npm start` runs it (compiled; run.ts builds dist/ first), on the database in `dir`; resolves once /healthz answers. */
async function startServer(dir: string, port: number): Promise<{ pid: number; stop: () => Promise<void> }> {
  const production = asInProduction(['dist/index.js'], { ...process.env, DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', BASE_URL: `http://127.0.0.1:${port}`, SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-01', LOG_LEVEL: 'silent', SEED_DEMO: 'false' });
  const child = spawn(process.execPath, production.args, {
    cwd: root,
    env: production.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i += 1) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { pid: child.pid!, stop: () => new Promise((resolve) => (child.on('exit', () => resolve()), child.kill('SIGTERM'))) };
}

/** The progress page reloads itself every 2 s (letters.routes.ts REFRESH_SECONDS). */
const PAGE_REFRESH_MS = 2000;

const zip10k: BenchCase = {
  id: 'zip-10k',
  name: 'ZIP of 10,020 letters from the web (rendered chunk by chunk, written to a file, sent as a stream), in the server process',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-bench-zip-'));
    try {
      const { close, appeal, organiserEmail } = await demoAppealWithAddressees(dir, 10_000);
      close();
      const port = 3900 + Math.floor(Math.random() * 90);
      const server = await startServer(dir, port);
      const base = `http://127.0.0.1:${port}`;
      const agent = supertest.agent(base);
      const login = await agent.get('/login');
      await agent.post('/login').type('form').send({ _csrf: cheerio.load(login.text)('input[name="_csrf"]').attr('value'), email: organiserEmail, password: BENCH_PASSWORD, next: '/appeals' });
      const rssBefore = peakRssOfChild(server.pid);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const idleMb = rssBefore.stop();
      const rss = peakRssOfChild(server.pid);
      // /healthz sampled every 100 ms while the job runs; the ZIP link polled as the progress page
      // does in a browser (it reloads itself every 2 s).
      let healthMax = 0;
      let running = true;
      const sampler = (async () => {
        while (running) {
          const health = performance.now();
          await fetch(`${base}/healthz`);
          healthMax = Math.max(healthMax, performance.now() - health);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      const started = performance.now();
      let zipBytes = 0;
      for (;;) {
        const response = await agent.get(`/appeals/${appeal.slug}/letters/letters.zip`).buffer(false);
        if (response.headers['content-type'] === 'application/zip') {
          zipBytes = Number(response.headers['content-length']);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, PAGE_REFRESH_MS));
      }
      running = false;
      await sampler;
      const seconds = (performance.now() - started) / 1000;
      const peakMb = rss.stop();
      await server.stop();
      return [
        {
          letters: 10_020,
          'time (s)': seconds.toFixed(1),
          'ZIP (MB)': (zipBytes / 1024 / 1024).toFixed(0),
          'server RSS before (MB)': Math.round(idleMb),
          'server peak RSS (MB)': Math.round(peakMb),
          'slowest /healthz meanwhile (ms)': Math.round(healthMax),
          target: 'streamed, ≤ 300 MB, /healthz < 200 ms',
          met: peakMb <= 300 && healthMax < 200 ? 'met' : 'not met',
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const render10k: BenchCase = {
  id: 'render-10k',
  name: 'CLI render of 10,020 letters to a folder (chunk by chunk)',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-bench-render-'));
    try {
      const { close, appeal } = await demoAppealWithAddressees(dir, 10_000);
      close();
      const out = join(dir, 'out');
      const started = performance.now();
      // As the `mitzeichnen` command runs it (server/bin/mitzeichnen.js starts it so), measured in its own process.
      const production = asInProduction(['dist/cli.js', 'render', '--appeal', appeal.slug, '--out', out], { ...process.env, DATA_DIR: dir, BASE_URL: 'http://127.0.0.1:3000', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-01', LOG_LEVEL: 'silent' });
      const child = spawn(process.execPath, production.args, {
        cwd: root,
        env: production.env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const rss = peakRssOfChild(child.pid!);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      const peakMb = rss.stop();
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) throw new Error(`render exited with ${code}`);
      const files = readdirSync(out);
      const bytes = files.reduce((sum, name) => sum + statSync(join(out, name)).size, 0);
      return [
        {
          'files written': files.length,
          'letters/s': Math.round(files.length / seconds),
          'KB per letter': (bytes / files.length / 1024).toFixed(1),
          'peak RSS of the CLI (MB)': Math.round(peakMb),
          target: '10,020 files, ≤ 300 MB',
          met: files.length === 10_020 && peakMb <= 300 ? 'met' : 'not met',
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const batchCases: BenchCase[] = [zip10k, render10k];
