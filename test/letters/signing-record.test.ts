// The "Zeichnungsnachweis": who signed which text version, how and when, as a PDF per final appeal.
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeFinalAppeal, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { poppler } from '../helpers/pdf.ts';
import { flatten, qpdfCheck, structureTrees } from '../helpers/pdf-tags.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { letterDocuments } from '../../server/letters/letter-documents.table.ts';
import { formatDateTime } from '../../server/shared/dates.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSealCertificate } from '../helpers/seal-certificate.ts';

const text = (bytes: Uint8Array) => poppler('pdftotext', bytes, ['-layout']).replace(/\s+/g, ' ');

async function setup(signingRecordAttached: boolean, env: Record<string, string> = {}) {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const app = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url(), MAIL_FROM: 'Mitzeichnen <versand@buendnis.example>', ...env } });
  const { organiser, password } = await makeOrganiser(app.db);
  const made = await makeFinalAppeal(app, organiser.id, { appeal: { title: 'Kommunale Integrationszentren sichern', signingRecordAttached } });
  // The second organisation signed by drawing on the pad: its image is printed small.
  const png = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#ffffff' } }).composite([{ input: Buffer.from('<svg width="300" height="100"><path d="M10 80 C 60 10, 120 10, 290 60" stroke="black" stroke-width="6" fill="none"/></svg>') }]).png().toBuffer();
  const file = app.fileStore.write('signatures', png, 'png');
  app.sqlite.prepare("UPDATE signatories SET signature_kind = 'drawn', signature_file = ? WHERE id = ?").run(file, made.signatories[1]!.signatory.id);
  const { worker } = makeMailWorker({ db: app.db, clock: time.clock, config: app.config });
  await worker.runOnce();
  sink.received.length = 0;
  const agent = app.http();
  await loginAs(agent, { email: organiser.email, password });
  const facts = {
    version: app.sqlite.prepare('SELECT number, hash FROM appeal_versions WHERE appeal_id = ? ORDER BY number DESC LIMIT 1').get(made.appeal.id) as { number: number; hash: string },
    finalised: app.sqlite.prepare("SELECT hash, at FROM audit_events WHERE appeal_id = ? AND action = 'finalised' ORDER BY id DESC LIMIT 1").get(made.appeal.id) as { hash: string; at: number },
    signed: app.sqlite.prepare("SELECT signed_at FROM signatories WHERE appeal_id = ? AND status = 'signed' ORDER BY position").all(made.appeal.id) as { signed_at: number }[],
  };
  return { sink, app, agent, worker, organiser, facts, ...made };
}

describe('the signing record', () => {
  it('lists each organisation, representative, declaration, method, time, version and hashes; tagged; linked from /v/', async () => {
    const s = await setup(false);
    const response = await s.agent.get(`/appeals/${s.appeal.slug}/letters/zeichnungsnachweis.pdf`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const bytes = new Uint8Array(response.body as Buffer);
    const words = text(bytes);
    for (const expected of [
      'Zeichnungsnachweis',
      'Kommunale Integrationszentren sichern',
      'AWO Kreisverband Kleve e.V.',
      'Caritas Kreisverband Kleve e.V.',
      'Bestätigt: „Ich bin berechtigt, für AWO Kreisverband Kleve e.V. zu unterzeichnen.“',
      'Name getippt (gez.',
      'von Hand auf dem Bildschirm gezeichnet',
      `Fassung ${s.facts.version.number}`,
      s.facts.version.hash,
      s.facts.finalised.hash,
      `Ausgestellt am ${formatDateTime(fixedNow)} Uhr`,
      ...s.facts.signed.map((row) => `${formatDateTime(new Date(row.signed_at))} Uhr`),
    ]) expect(words).toContain(expected);
    // Recorded once with its own code (in its footer); a second download is the same file.
    const records = s.app.db.select().from(letterDocuments).where(eq(letterDocuments.kind, 'signing_record')).all();
    expect(records).toHaveLength(1);
    expect(words).toContain(records[0]!.code);
    const again = await s.agent.get(`/appeals/${s.appeal.slug}/letters/zeichnungsnachweis.pdf`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(Buffer.compare(again.body as Buffer, Buffer.from(bytes))).toBe(0);

    // Tagged: headings, paragraphs, the drawn signature as a figure with its alt text; footer an artifact.
    expect(qpdfCheck(bytes)).toContain('No syntax or stream encoding errors');
    const nodes = flatten((await structureTrees(bytes))[0]!);
    const roles = nodes.map((node) => node.role);
    expect(roles.slice(0, 2)).toEqual(['Root', 'Document']);
    expect(nodes.find((node) => node.role === 'H1')?.text).toBe('Zeichnungsnachweis');
    expect(nodes.filter((node) => node.role === 'H2').map((node) => node.text)).toEqual(expect.arrayContaining(['1. AWO Kreisverband Kleve e.V.', '2. Caritas Kreisverband Kleve e.V.']));
    expect(roles.indexOf('H1')).toBeLessThan(roles.indexOf('H2'));
    expect(nodes.find((node) => node.role === 'Figure')?.alt).toMatch(/^Unterschrift von /);
    expect(nodes.some((node) => node.text.includes('prüfen unter') || node.text.startsWith('Seite '))).toBe(false);

    // The /v/ page of the record and of a letter link to it; the link gives the same file.
    const letters = s.app.db.select().from(letterDocuments).where(eq(letterDocuments.kind, 'master')).all();
    const anon = s.app.http();
    const recordPage = await anon.get(`/v/${records[0]!.code}`).expect(200);
    expect(recordPage.text).toContain('Zeichnungsnachweis (wer den Text wann unterzeichnet hat)');
    await s.agent.get(`/appeals/${s.appeal.slug}/letters/master.pdf`).expect(200);
    const master = s.app.db.select().from(letterDocuments).where(eq(letterDocuments.kind, 'master')).all()[0] ?? letters[0]!;
    const letterPage = await anon.get(`/v/${master.code}`).expect(200);
    expect(letterPage.text).toContain(`href="/v/${master.code}/zeichnungsnachweis.pdf?download=1"`);
    expect(letterPage.text).toContain('Zeichnungsnachweis herunterladen');
    const fromV = await anon.get(`/v/${master.code}/zeichnungsnachweis.pdf?download=1`).expect(200);
    expect(fromV.headers['content-disposition']).toMatch(/^attachment; filename="\d{4}-\d{2}-\d{2}_[a-z0-9-]+_zeichnungsnachweis\.pdf"$/);
    expect(s.app.db.select().from(letterDocuments).where(eq(letterDocuments.kind, 'signing_record')).all()).toHaveLength(1);
    // The letters page links to it.
    expect((await s.agent.get(`/appeals/${s.appeal.slug}/letters`).expect(200)).text).toContain(`/appeals/${s.appeal.slug}/letters/zeichnungsnachweis.pdf`);
  });

  it('exists only for a final appeal, and only for its own coalition', async () => {
    const s = await setup(false);
    const other = await makeOrganiser(s.app.db);
    const stranger = s.app.http();
    await loginAs(stranger, { email: other.organiser.email, password: other.password });
    await stranger.get(`/appeals/${s.appeal.slug}/letters/zeichnungsnachweis.pdf`).expect(404);
    const draft = makeAppeal(s.app.db, s.organiser.id, { title: 'Noch ein Entwurf' });
    await s.agent.get(`/appeals/${draft.slug}/letters/zeichnungsnachweis.pdf`).expect(404);
    expect((await s.agent.get(`/appeals/${draft.slug}/letters`).expect(200)).text).not.toContain('zeichnungsnachweis.pdf');
    await s.app.http().get('/v/ABCD-EFGH/zeichnungsnachweis.pdf').expect(404);
  });

  it('goes with every letter mail when the organiser chose it, the same file in each', async () => {
    const s = await setup(true);
    const page = `/appeals/${s.appeal.slug}/dispatch`;
    expect((await submitForm(s.agent, page, page, {})).status).toBe(303);
    await s.worker.runOnce();
    await s.worker.runOnce();
    // The letter mails; the first signatories' thank-you mails (with the letter only) come beside them.
    const letterMails = s.sink.received.filter((mail) => !mail.parsed.subject?.startsWith('Verschickt – vielen Dank'));
    expect(letterMails).toHaveLength(2);
    const records: Buffer[] = [];
    for (const mail of letterMails) {
      const pdfs = mail.parsed.attachments.filter((attachment) => attachment.mimeType === 'application/pdf');
      expect(pdfs).toHaveLength(2);
      expect(pdfs[1]!.filename).toMatch(/^\d{4}-\d{2}-\d{2}_[a-z0-9-]+_zeichnungsnachweis\.pdf$/);
      expect(mail.parsed.text).toContain('Der Zeichnungsnachweis (wer wann unterzeichnet hat) liegt als weitere PDF-Datei bei');
      records.push(Buffer.from(new Uint8Array(pdfs[1]!.content as ArrayBuffer)));
    }
    expect(records[0]!.equals(records[1]!)).toBe(true);
    expect(text(records[0]!)).toContain(s.facts.finalised.hash);
  });

  it('is not attached when the organiser did not choose it', async () => {
    const s = await setup(false);
    const page = `/appeals/${s.appeal.slug}/dispatch`;
    await submitForm(s.agent, page, page, {});
    await s.worker.runOnce();
    expect(s.sink.received.length).toBeGreaterThan(0);
    for (const mail of s.sink.received) expect(mail.parsed.attachments).toHaveLength(1);
  });

  it('is sealed like the letters when a seal is configured (pdfsig: valid), the same bytes on a second download', async () => {
    const certificate = makeSealCertificate('/CN=Siegel Bündnis Kleve/O=Bündnis Kleve e.V./C=DE');
    const dir = mkdtempSync(join(tmpdir(), 'mz-sealed-record-'));
    try {
      const s = await setup(false, { SEAL_P12_FILE: certificate.p12File, SEAL_P12_PASSWORD: certificate.password });
      const download = async () =>
        (await s.agent.get(`/appeals/${s.appeal.slug}/letters/zeichnungsnachweis.pdf`).expect(200).buffer(true).parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })).body as Buffer;
      const first = await download();
      writeFileSync(join(dir, 'record.pdf'), first);
      const report = execFileSync('pdfsig', [join(dir, 'record.pdf')], { encoding: 'utf8' });
      expect(report).toContain('Signature is Valid.');
      expect(report).toContain('Siegel Bündnis Kleve');
      expect(text(new Uint8Array(first))).toContain(s.facts.version.hash);
      expect((await download()).equals(first)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(certificate.dir, { recursive: true, force: true });
    }
  });
});
