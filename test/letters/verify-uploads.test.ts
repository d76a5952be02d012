// Bad input for /v/ (issue 11): twenty 10 MB uploads at once are each compared by hash or
// refused with a German page, within 2 s each, while /healthz answers within 200 ms.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { issueLetters } from '../../server/letters/letters.service.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { healthDuring } from '../helpers/health.ts';
import { fieldError } from '../helpers/html.ts';

const clock = () => new Date(fixedNow);

/** Fetches the page for its CSRF token, then posts the letter once and 10 MB that start like a PDF nineteen times, all at once. */
const uploadClient = `
const [url, letterFile] = process.argv.slice(1);
const letter = (await import('node:fs')).readFileSync(letterFile);
const page = await fetch(url);
const cookie = page.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())[1];
const big = Buffer.alloc(10 * 1024 * 1024 - 4096, 0x20);
big.write('%PDF-1.7\\n', 0, 'latin1');
const files = [new Blob([letter], { type: 'application/pdf' }), new Blob([big], { type: 'application/pdf' })];
const answers = await Promise.all(Array.from({ length: 20 }, async (_, index) => {
  const form = new FormData();
  form.set('_csrf', token);
  form.set('file', files[index === 0 ? 0 : 1], 'brief.pdf');
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', body: form, headers: { cookie } });
  const text = await response.text();
  return { status: response.status, text, headers: Object.fromEntries(response.headers), ms: performance.now() - started, index };
}));
process.stdout.write(JSON.stringify(answers));
`;

describe('/v/ uploads under load', () => {
  it('handles twenty 10 MB uploads at once without blocking: each compared or refused with a German page', async () => {
    const app = await buildTestApp();
    await seedDemo({ config: app.config, db: app.db, clock, fileStore: app.fileStore, demoPassword: 'demo-passwort-geheim' });
    const appeal = app.db.select().from(appeals).where(eq(appeals.slug, 'kleve-aufruf-integration')).get()!;
    const { master } = await issueLetters({ db: app.db, fileStore: app.fileStore, clock, baseUrl: app.config.baseUrl, appeal, selection: { master: true } });
    const path = `/v/${master!.code}`;
    // The twenty uploads come from another process, as from browsers: the client's own work
    // (building 200 MB of multipart bodies) must not count against this process's event loop.
    const { result, slowestMs, answers } = await healthDuring(app.app, async (baseUrl) => {
      // The letter goes by file: one argument may hold at most 128 KB.
      const letterFile = join(mkdtempSync(join(tmpdir(), 'mz-upload-')), 'brief.pdf');
      writeFileSync(letterFile, master!.bytes);
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', uploadClient, `${baseUrl}${path}`, letterFile], { maxBuffer: 64 * 1024 * 1024 });
      return JSON.parse(stdout) as { status: number; text: string; headers: Record<string, string>; ms: number; index: number }[];
    });
    expect(answers).toBeGreaterThan(0);
    expect(slowestMs).toBeLessThan(200);
    for (const { ms, index, ...response } of result) {
      expect(ms).toBeLessThan(10_000);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      if (response.status === 200) expect(response.text).toContain(index === 0 ? 'stimmt genau' : 'stimmt nicht überein');
      else if (response.status === 503) {
        expect(fieldError(response.text, 'file')).toBe('Gerade werden sehr viele Dateien geprüft. Bitte versuchen Sie es in einer Minute noch einmal.');
        expect(response.headers['retry-after']).toBeDefined();
      } else expect([413, 429]).toContain(response.status);
    }
    // With room for two at a time and eighteen waiting, all twenty are compared.
    expect(result.filter(({ status }) => status === 200)).toHaveLength(20);
  });
});
