// `npm run bench`: performance figures that are measured, never asserted in tests.
// Each bench case prints one or more rows; add further cases to `cases` below.
import { placeholderLogo } from '../../server/signatories/logos.ts';
import { eq } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
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
import { prepareBatch, recipientTexts, salutationLinesFor } from '../../server/letter-pdf/letter-render.ts';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { addEntry, addListToAppeal, createList } from '../../server/addressees/addressees.service.ts';
import { appealAddresseeLists } from '../../server/addressees/addressees.table.ts';
import { finalise, openForSigning } from '../../server/signing/signing-organiser.service.ts';
import { recordSignature } from '../../server/signing/signing-representative.service.ts';
import { signingRepository } from '../../server/signing/signing.repository.ts';
import { listSignatories } from '../../server/signatories/signatories.service.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { startDispatch } from '../../server/dispatch/dispatch.service.ts';
import { createBackground } from '../../server/background.ts';
import { closeLetterRenderer, letterRenderer } from '../../server/letters/letter-renderer.ts';
import supertest from 'supertest';
import * as cheerio from 'cheerio';
import { citizenIntake, publicPageLoad } from './public-page.bench.ts';

import type { BenchCase } from './bench-types.ts';
import { batchCases } from './batches.ts';
import { BENCH_PASSWORD, demoAppealWithAddressees, withPeakRss } from './bench-setup.ts';

type Row = Record<string, string | number>;

const clock = () => new Date('2026-11-22T10:00:00Z');

async function signatureImage(seed: number): Promise<Uint8Array> {
  // A handwritten-looking stroke, re-encoded as uploads are (small palette PNG).
  let d = `M 20 ${70 + (seed % 7)}`;
  for (let i = 1; i <= 12; i += 1) d += ` Q ${20 + i * 30 - 15} ${30 + ((seed * 13 + i * 17) % 60)} ${20 + i * 30} ${60 + ((seed * 7 + i * 11) % 30)}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120"><path d="${d}" fill="none" stroke="#1a2a6c" stroke-width="4" stroke-linecap="round"/></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png({ palette: true, colours: 4, compressionLevel: 9 }).toBuffer());
}

const letters1000: BenchCase = {
  name: 'Letter PDF: 1,000 personalised letters (demo appeal, 24 signatures with images, 8 logos)',
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
      if (global.gc) global.gc();
      const started = performance.now();
      let bytes = 0;
      let maxBytes = 0;
      const { value: layoutMs, peakMb } = await withPeakRss(async () => {
        const batch = await prepareBatch(model, { extraTexts: recipientTexts(recipients), salutationLines: salutationLinesFor(recipients), createdAt: clock() });
        const layoutDone = performance.now();
        for (const recipient of recipients) {
          const letter = batch.emit(recipient);
          if (process.env.BENCH_SAMPLE && recipient === recipients[0]) (await import('node:fs')).writeFileSync(process.env.BENCH_SAMPLE, letter.bytes);
          bytes += letter.bytes.length;
          maxBytes = Math.max(maxBytes, letter.bytes.length);
        }
        return layoutDone - started;
      });
      const seconds = (performance.now() - started) / 1000;
      close();
      return [
        {
          letters: recipients.length,
          signatures: signatories.length,
          logos,
          'shared layout (ms)': Math.round(layoutMs),
          'total (s)': seconds.toFixed(2),
          'letters/s': Math.round(recipients.length / seconds),
          'KB/letter (avg)': (bytes / recipients.length / 1024).toFixed(1),
          'KB/letter (max)': (maxBytes / 1024).toFixed(1),
          'peak RSS (MB)': Math.round(peakMb),
          target: '≥ 100/s, ≤ 150 KB, ≤ 300 MB',
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** A local SMTP server that accepts everything and only counts (no parsing): the far end of the dispatch bench. */
async function startCountingSink(): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    size: 20 * 1024 * 1024,
    closeTimeout: 50,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, count: () => received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const dispatch1000: BenchCase = {
  name: 'Sending: 1,000 personalised letters of the demo Antrag by e-mail to a local SMTP server (render + send + record)',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-bench-send-'));
    const sink = await startCountingSink();
    const rows: Row[] = [];
    try {
      for (const pool of [3, 5]) {
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
        // Enlarged: 1,000 addressees with e-mail in one more list.
        const list = createList({ db, clock, organiserId, input: { name: 'Bench: 1.000 Empfänger', description: '', rank: 90, groupAddressLine: '', groupSalutation: '', groupInstitution: '', groupRecipient: '', groupStreet: '', groupPostcode: '', groupCity: '', groupEmail: '' } });
        db.transaction((tx) => {
          for (let i = 0; i < 1000; i += 1) {
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

        const { worker } = createBackground({ db, clock: () => new Date(), config });
        // A running server's PDF workers are started (and have loaded the engine) long before a dispatch.
        await letterRenderer().warmUp();
        const before = sink.count();
        if (global.gc) global.gc();
        const started = performance.now();
        const { value: result, peakMb } = await withPeakRss(async () => {
          const dispatched = startDispatch({ db, clock: () => new Date(), appeal, actor: { organiserId: null, name: 'Bench' } });
          if (!dispatched.ok) throw new Error(`dispatch: ${dispatched.error}`);
          let sent = 0;
          let failed = 0;
          for (;;) {
            const run = await worker.runOnce();
            sent += run.sent;
            failed += run.failed + run.rejected;
            if (run.paused) throw new Error('worker paused');
            if (run.sent + run.failed + run.rejected === 0) break;
          }
          return { letters: dispatched.email, sent, failed };
        });
        const seconds = (performance.now() - started) / 1000;
        await worker.stop();
        const messageBytes = db.select({ attempts: mailOutbox.attempts }).from(mailOutbox).all().reduce((sum, row) => sum + row.attempts, 0);
        connection.close();
        rows.push({
          letters: result.letters,
          sent: result.sent,
          'failed/rejected': result.failed,
          'arrived at server': sink.count() - before,
          'SMTP_POOL': pool,
          'total (s)': seconds.toFixed(2),
          'letters/s': Math.round(result.sent / seconds),
          'peak RSS (MB)': Math.round(peakMb),
          attempts: messageBytes,
          target: '≥ 200/s, ≤ 300 MB',
        });
      }
      return rows;
    } finally {
      await sink.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};


const lettersPage10k: BenchCase = {
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
      while (ready.text.includes('http-equiv="refresh"')) {
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
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const cases: BenchCase[] = [letters1000, dispatch1000, lettersPage10k, ...batchCases, publicPageLoad, citizenIntake];

function printTable(rows: Row[]) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(columns));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(columns.map((column) => String(row[column] ?? ''))));
}

const only = process.argv[2];
for (const bench of cases) {
  if (only && !bench.name.toLowerCase().includes(only.toLowerCase())) continue;
  console.log(`\n## ${bench.name}\n`);
  printTable(await bench.run());
}
await closeLetterRenderer();
