// Bench case: from starting the server process to its first answer on /healthz, and its memory
// then, for the compiled build (`npm start` runs dist/index.js) beside the TypeScript sources
// through tsx (`npm run dev`), in the same run so that a busy machine shows in both.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../../scripts/build.mjs';
import { asInProduction } from './bench-setup.ts';

type Row = Record<string, string | number>;

const root = fileURLToPath(new URL('../..', import.meta.url));
const PORT = 3931;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Milliseconds from spawn to the first 200 on /healthz, RSS then and 3 s later (the PDF workers started). */
export async function timeToHealthz(args: string[], dataDir: string, runtime: (args: string[], env: NodeJS.ProcessEnv) => { args: string[]; env: NodeJS.ProcessEnv } = (a, e) => ({ args: a, env: e })): Promise<{ ms: number; cpuMs: number; rssAtHealthz: number; rssSettled: number }> {
  const started = performance.now();
  const start = runtime(args, { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(PORT), HOST: '127.0.0.1', BASE_URL: `http://127.0.0.1:${PORT}`, SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-01', SEED_DEMO: 'false', LOG_LEVEL: 'warn' });
  const child = spawn(process.execPath, start.args, {
    cwd: root,
    env: start.env,
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${PORT}/healthz`).then((response) => response.ok, () => false);
      if (ok) break;
      if (performance.now() - started > 60_000) throw new Error('no /healthz within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const ms = performance.now() - started;
    const rssAtHealthz = rssMb(child.pid!);
    // CPU time (user + system) of the process until then: steadier than wall time on a busy machine.
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    return { ms, cpuMs, rssAtHealthz, rssSettled: rssMb(child.pid!) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export const startup = {
  id: 'start',
  name: 'Start: server process to first /healthz, compiled (npm start) and through tsx (npm run dev), median of 3, migrated database',
  async run(): Promise<Row[]> {
    const buildStarted = performance.now();
    await build({ quiet: true });
    const buildMs = performance.now() - buildStarted;
    const dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-bench-start-'));
    try {
      const variants = [
        { variant: 'compiled: npm start (node dist/index.js with its flags)', args: ['dist/index.js'], runtime: asInProduction },
        { variant: 'sources: node --import tsx server/index.ts', args: ['--import', 'tsx', 'server/index.ts'], runtime: undefined },
      ];
      // One start first migrates the database; the measured starts find it current.
      await timeToHealthz(variants[0]!.args, dir, variants[0]!.runtime);
      const runs = new Map<string, Awaited<ReturnType<typeof timeToHealthz>>[]>(variants.map((v) => [v.variant, []]));
      for (let i = 0; i < 3; i += 1) for (const v of variants) runs.get(v.variant)!.push(await timeToHealthz(v.args, dir, v.runtime));
      return variants.map((v) => {
        const measured = runs.get(v.variant)!;
        const ms = median(measured.map((m) => m.ms));
        return {
          variant: v.variant,
          'to /healthz (ms)': Math.round(ms),
          'CPU until then (ms)': Math.round(median(measured.map((m) => m.cpuMs))),
          'RSS then (MB)': Math.round(median(measured.map((m) => m.rssAtHealthz))),
          'RSS 3 s later (MB)': Math.round(median(measured.map((m) => m.rssSettled))),
          'build (ms)': v.args[0] === 'dist/index.js' ? Math.round(buildMs) : '',
          target: '≤ 2,000 ms',
          met: v.args[0] === 'dist/index.js' ? (ms <= 2000 ? 'met' : 'not met') : '',
        };
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
