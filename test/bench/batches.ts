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
import { BENCH_PASSWORD, benchClock, demoAppealWithAddressees, withPeakRss } from './bench-setup.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

const zip10k: BenchCase = {
  name: 'ZIP of 10,002 letters from the web (rendered chunk by chunk, written to a file, sent as a stream)',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-bench-zip-'));
    try {
      const { config, db, close, appeal, organiserEmail } = await demoAppealWithAddressees(dir, 10_000);
      const { buildApp } = await import('../../server/app.ts');
      const app = await buildApp({ config, db, clock: benchClock, logger: false });
      await app.ready();
      const agent = supertest.agent(app.server);
      const login = await agent.get('/login');
      await agent.post('/login').type('form').send({ _csrf: cheerio.load(login.text)('input[name="_csrf"]').attr('value'), email: organiserEmail, password: BENCH_PASSWORD, next: '/appeals' });
      let healthMax = 0;
      const started = performance.now();
      const { value: zip, peakMb } = await withPeakRss(async () => {
        for (;;) {
          const health = performance.now();
          await supertest(app.server).get('/healthz').expect(200);
          healthMax = Math.max(healthMax, performance.now() - health);
          const response = await agent.get(`/appeals/${appeal.slug}/letters/letters.zip`).buffer(false);
          if (response.headers['content-type'] === 'application/zip') return response;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      });
      const seconds = (performance.now() - started) / 1000;
      await app.close();
      close();
      return [
        {
          letters: 10_002,
          'time (s)': seconds.toFixed(1),
          'ZIP (MB)': (Number(zip.headers['content-length']) / 1024 / 1024).toFixed(0),
          'peak RSS (MB)': Math.round(peakMb),
          'slowest /healthz meanwhile (ms)': Math.round(healthMax),
          target: 'streamed, ≤ 300 MB, /healthz < 200 ms',
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

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

const render10k: BenchCase = {
  name: 'CLI render of 10,001 letters to a folder (chunk by chunk)',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-bench-render-'));
    try {
      const { close, appeal } = await demoAppealWithAddressees(dir, 10_000);
      close();
      const out = join(dir, 'out');
      const started = performance.now();
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'render', '--appeal', appeal.slug, '--out', out], {
        cwd: root,
        env: { ...process.env, DATA_DIR: dir, BASE_URL: 'http://127.0.0.1:3000', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-01', LOG_LEVEL: 'silent' },
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
          target: '10,001 files, ≤ 300 MB',
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const batchCases: BenchCase[] = [zip10k, render10k];
