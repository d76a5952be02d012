// The compiled build (issue 18 item 7): `npm start` runs dist/index.js, which must find views/,
// static/ and migrations/ from dist/ and start its PDF workers from compiled modules.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, isBuildCurrent } from '../../scripts/build.mjs';
import { compiledServer } from '../helpers/compiled.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'mitzeichnen-compiled-'));
let server: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  await ensureBuilt({ quiet: true });
}, 60_000);

afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the compiled build', () => {
  it('is current after building', () => {
    expect(isBuildCurrent()).toBe(true);
  });

  it('serves pages, styles and migrations from dist/ and starts its PDF workers from compiled modules', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, compiledServer, {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', BASE_URL: base, SEED_DEMO: 'false', LOG_LEVEL: 'info', SESSION_SECRET: 'compiled-test-secret-compiled-test-0123' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const deadline = Date.now() + 45_000;
    const until = async (done: () => Promise<boolean> | boolean, what: string) => {
      while (!(await done())) {
        if (Date.now() > deadline || server!.exitCode !== null) throw new Error(`${what}; output:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await until(() => fetch(`${base}/healthz`).then((response) => response.ok, () => false), 'no /healthz');

    // The migrations ran (the first start offers the setup page), the views render.
    const setup = await fetch(`${base}/setup`);
    expect(setup.status).toBe(200);
    expect(await setup.text()).toContain('<form');
    const css = /href="(\/static\/[^"]+\.css)"/.exec(await (await fetch(`${base}/login`)).text())?.[1];
    expect(css).toBeDefined();
    expect((await fetch(`${base}${css}`)).status).toBe(200);

    // Every PDF worker loaded dist/letter-render.task.js (no TypeScript loader, no bundling at run time).
    await until(() => output.includes('PDF workers ready') || output.includes('PDF workers could not start'), 'the PDF workers did not start');
    expect(output).toContain('PDF workers ready');
    expect(output).not.toContain('tsx');
  }, 60_000);
});
