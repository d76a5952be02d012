// `npm run bench`: performance figures that are measured, never asserted in tests.
// Each bench case prints one or more rows; add further cases to `cases` below.
import { placeholderLogo } from '../../server/signatories/logos.ts';
import { eq } from 'drizzle-orm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serialize } from 'node:v8';
import { buildEntry } from '../../scripts/build.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createTestDatabase } from '../helpers/db.ts';
import { createFileStore } from '../../server/shared/file-store.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { resolveLetter } from '../../server/letters/resolve-letter.ts';
import { buildRecipients } from '../../server/letters/recipients.ts';
import type { LetterRecipient } from '../../server/letters/recipients.ts';
import type { LetterSignatory } from '../../server/letter-pdf/letter-model.ts';
import { loadConfig } from '../../server/config.ts';
import { closeLetterRenderer, letterRenderer } from '../../server/letters/letter-renderer.ts';
import supertest from 'supertest';
import * as cheerio from 'cheerio';
import { citizenIntake, publicPageLoad } from './public-page.bench.ts';

import type { BenchCase } from './bench-types.ts';
import { batchCases } from './batches.ts';
import { BENCH_PASSWORD, asInProduction, demoAppealWithAddressees } from './bench-setup.ts';
import { dispatch1000, dispatch10k } from './dispatch.bench.ts';
import { httpPageCases } from './http-pages.bench.ts';
import { startup } from './startup.bench.ts';
import { ensureBuilt } from '../../scripts/build.mjs';
import { makeSealCertificate } from '../helpers/seal-certificate.ts';

type Row = Record<string, string | number>;

const clock = () => new Date('2026-11-22T10:00:00Z');

async function signatureImage(seed: number): Promise<Uint8Array> {
  // A handwritten-looking stroke, re-encoded as uploads are (small palette PNG).
  let d = `M 20 ${70 + (seed % 7)}`;
  for (let i = 1; i <= 12; i += 1) d += ` Q ${20 + i * 30 - 15} ${30 + ((seed * 13 + i * 17) % 60)} ${20 + i * 30} ${60 + ((seed * 7 + i * 11) % 30)}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120"><path d="${d}" fill="none" stroke="#1a2a6c" stroke-width="4" stroke-linecap="round"/></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png({ palette: true, colours: 4, compressionLevel: 9 }).toBuffer());
}

type LetterFigures = { layoutMs: number; seconds: number; cpuMs: number; bytes: number; maxBytes: number; peakRssMb: number; rssBeforeMb: number };

let lettersProcess: Promise<string> | undefined;

/** letters-process.ts compiled as the server is, started with the flags of `npm start`; its figures. */
async function runLettersProcess(input: string, dir: string, seal?: { p12File: string; password: string }): Promise<LetterFigures> {
  const script = await (lettersProcess ??= buildEntry({ entry: fileURLToPath(new URL('./letters-process.ts', import.meta.url)), outdir: join(process.cwd(), 'dist-bench') }));
  const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', BENCH_INPUT: input, ...(seal ? { SEAL_P12_FILE: seal.p12File, SEAL_P12_PASSWORD: seal.password } : {}) };
  const production = asInProduction([script], env);
  const child = spawnSync(process.execPath, production.args, { env: production.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`letters process exited with ${child.status}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as LetterFigures;
}

const letters1000: BenchCase = {
  id: 'letters-1000',
  name: 'Letter PDF: 1,000 personalised letters (demo appeal, 24 signatures with images, 8 logos), without and with the seal',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-bench-'));
    try {
      const { db, close } = createTestDatabase() as ReturnType<typeof createTestDatabase> & { close: () => void };
      const fileStore = createFileStore(join(dir, 'uploads'));
      await seedDemo({ db, clock, fileStore, config: loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }), demoPassword: 'bench-passwort-123' });
      const appeal = db.select().from(appeals).where(eq(appeals.slug, 'kleve-aufruf-integration')).get()!;
      const base = resolveLetter({ db, fileStore, clock, appeal, baseUrl: 'https://mitzeichnen.example.org' }).model;
      const names = ['Małgorzata Kowalska', 'Jana Dvořák', 'Ayşe Yılmaz', 'Bernd Hülsmann', 'Rolf Terhoeven', 'Dietmar van de Loo'];
      const signatories: LetterSignatory[] = [];
      for (let i = 0; i < 24; i += 1) {
        const org = base.organisations[i % base.organisations.length]!;
        signatories.push({ name: `${names[i % names.length]} ${i + 1}`, function: 'Vorsitzende', organisation: org.name, signature: { signedAt: clock(), image: await signatureImage(i) } });
      }
      // Eight member organisations with logos, as the issue asks (the demo has one that declined).
      const organisations = [...base.organisations];
      for (let n = organisations.length; n < 8; n += 1) {
        organisations.push({ name: `Weiterer Verband ${n + 1} e.V.`, shortName: `WV${n + 1}`, logo: new Uint8Array(await placeholderLogo(`WV${n + 1}`)) });
      }
      const model = { ...base, draft: false, signatories, organisations };
      const { personal } = buildRecipients({ db, appeal });
      const recipients: (LetterRecipient & { code: string })[] = Array.from({ length: 1000 }, (_, i) => {
        const source = personal[i % personal.length]!;
        return { ...source, label: `${source.label} ${i}`, addressLines: source.addressLines.map((line, index) => (index === 0 ? `${line} ${i}` : line)), code: `B${String(i).padStart(3, '2').replace(/[01]/g, '2')}-CDEF`.slice(0, 9) };
      });
      const logos = model.organisations.filter((org) => org.logo).length;
      // The same letters without and with the seal (a self-signed 2048-bit RSA test certificate).
      const certificate = makeSealCertificate();
      // Rendered in a process of its own, compiled and started as `npm start` runs the app.
      const input = join(dir, 'letters-input.bin');
      writeFileSync(input, serialize({ model, recipients }));
      const rows: Row[] = [];
      for (const sealed of [false, true]) {
        const figures = await runLettersProcess(input, dir, sealed ? certificate : undefined);
        rows.push({
          seal: sealed ? 'yes' : 'no',
          letters: recipients.length,
          signatures: signatories.length,
          logos,
          'shared layout (ms)': Math.round(figures.layoutMs),
          'total (s)': figures.seconds.toFixed(2),
          'letters/s': Math.round(recipients.length / figures.seconds),
          // The machine is shared: letters per CPU second is the steadier figure.
          'letters/CPU s': Math.round(recipients.length / (figures.cpuMs / 1000)),
          'KB/letter (avg)': (figures.bytes / recipients.length / 1024).toFixed(1),
          'KB/letter (max)': (figures.maxBytes / 1024).toFixed(1),
          'RSS at start (MB)': Math.round(figures.rssBeforeMb),
          'peak RSS (MB)': Math.round(figures.peakRssMb),
          target: sealed ? '≥ 300/s, ≤ 150 KB, ≤ 300 MB' : '≥ 100/s, ≤ 150 KB, ≤ 300 MB',
          met: recipients.length / figures.seconds >= (sealed ? 300 : 100) && figures.bytes / recipients.length <= 150 * 1024 && figures.peakRssMb <= 300 ? 'met' : 'not met',
        });
      }
      close();
      rmSync(certificate.dir, { recursive: true, force: true });
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const lettersPage10k: BenchCase = {
  id: 'letters-page',
  name: 'Letters page of an appeal with 10,000 addressees (the request does no PDF work; warnings come from a background job)',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-bench-page-'));
    try {
      const { config, db, close, appeal, organiserEmail } = await demoAppealWithAddressees(dir, 10_000);
      const { buildApp } = await import('../../server/app.ts');
      const app = await buildApp({ config, db, clock });
      await app.ready();
      const agent = supertest.agent(app.server);
      const login = await agent.get('/login');
      await agent.post('/login').type('form').send({ _csrf: cheerio.load(login.text)('input[name="_csrf"]').attr('value'), email: organiserEmail, password: BENCH_PASSWORD, next: '/appeals' });
      const url = `/appeals/${appeal.slug}/letters`;
      const timed = async () => {
        const started = performance.now();
        const response = await agent.get(url);
        if (response.status !== 200) throw new Error(`letters page answered ${response.status}`);
        return { ms: performance.now() - started, text: response.text };
      };
      const first = await timed();
      const checkStarted = performance.now();
      let ready = first;
      while (ready.text.includes('<meta name="mz-refresh"')) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = await timed();
      }
      const checkSeconds = (performance.now() - checkStarted) / 1000;
      const jobsBefore = letterRenderer().jobs;
      const views = [await timed(), await timed(), await timed()].map((view) => view.ms).sort((a, b) => a - b);
      const rendersByViews = letterRenderer().jobs - jobsBefore;
      const personalLetters = buildRecipients({ db, appeal }).personal.length;
      await app.close();
      close();
      return [
        {
          'personal letters': personalLetters,
          'first view (ms)': Math.round(first.ms),
          'warnings ready after (s)': checkSeconds.toFixed(1),
          'later view, median of 3 (ms)': Math.round(views[1]!),
          'renders started by 3 views': rendersByViews,
          'HTML (KB)': Math.round(Buffer.byteLength(ready.text) / 1024),
          target: '< 1 s, no render',
          met: views[1]! < 1000 && rendersByViews === 0 ? 'met' : 'not met',
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const cases: BenchCase[] = [startup, ...httpPageCases, publicPageLoad, citizenIntake, letters1000, dispatch1000, dispatch10k, lettersPage10k, ...batchCases];

function printTable(rows: Row[]) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(columns));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(columns.map((column) => String(row[column] ?? ''))));
}

// `npm run bench` runs every case; `npm run bench -- --only <id>[,<id>…]` (or words of a case's
// name, e.g. `npm run bench -- sending`) runs some; `--list` names them.
const args = process.argv.slice(2);
if (args.includes('--list')) {
  for (const bench of cases) console.log(`${(bench.id ?? '').padEnd(14)} ${bench.name}`);
  process.exit(0);
}
const onlyAt = args.indexOf('--only');
const wanted = (onlyAt >= 0 ? (args[onlyAt + 1] ?? '') : args.filter((arg) => !arg.startsWith('--')).join(' ')).toLowerCase();
const selected = cases.filter((bench) => {
  if (!wanted) return true;
  if (onlyAt >= 0) return wanted.split(',').some((id) => bench.id === id || bench.name.toLowerCase().includes(id));
  return bench.name.toLowerCase().includes(wanted) || bench.id === wanted;
});
if (selected.length === 0) {
  console.error(`No bench case matches "${wanted}"; npm run bench -- --list names them.`);
  process.exit(1);
}

// The servers and CLIs of the bench are the compiled build, as `npm start` runs it.
await ensureBuilt({ quiet: true });
const summary: Row[] = [];
for (const bench of selected) {
  // Each case on a settled machine: the files an earlier case wrote (the public page's million
  // rows) are on disk, not still being written back while this case syncs its commits.
  spawnSync('sync');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  console.log(`\n## ${bench.name}\n`);
  const rows = await bench.run();
  printTable(rows);
  for (const row of rows) summary.push({ case: bench.id ?? bench.name, row: row.page ?? row.variant ?? (row.SMTP_POOL ? `SMTP_POOL ${row.SMTP_POOL}` : ''), target: row.target ?? '', met: row.met ?? '' });
}
console.log('\n## Summary\n');
printTable(summary);
await closeLetterRenderer();
