import { demoSigning } from '../../server/demo/demo-signing.ts';
import { t } from '../../server/i18n/index.ts';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { pdfTextItems, poppler } from '../helpers/pdf.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { demoAppeals } from '../../server/demo/demo-content.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import type { Appeal } from '../../server/appeals/appeals.table.ts';
import { letterDocuments } from '../../server/letters/letter-documents.table.ts';
import { issueLetters } from '../../server/letters/letters.service.ts';
import { resolveLetter } from '../../server/letters/resolve-letter.ts';
import { buildRecipients, channelOf } from '../../server/letters/recipients.ts';
import { parseLetterText } from '../../server/appeals/letter-text.ts';
import { renderLetters } from '../../server/letter-pdf/letter-render.ts';
import { csrfToken } from '../helpers/html.ts';
import { loginAs, makeAppeal, makeOrganiser, makeSignatory } from '../helpers/factories.ts';
import { openForSigning } from '../../server/signing/signing-organiser.service.ts';
import { recordSignature } from '../../server/signing/signing-representative.service.ts';
import { signingRepository } from '../../server/signing/signing.repository.ts';
import { untilReady } from '../helpers/background.ts';

const clock = () => new Date(fixedNow);

async function demo(): Promise<TestApp & { appeal: Appeal; password: string }> {
  const app = await buildTestApp();
  const seeded = await seedDemo({ config: app.config, db: app.db, clock, fileStore: app.fileStore, demoPassword: 'demo-passwort-geheim' });
  const appeal = app.db.select().from(appeals).where(eq(appeals.slug, 'kleve-aufruf-integration')).get()!;
  return { ...app, appeal, password: seeded.organiser!.password };
}

const issue = (app: TestApp, appeal: Appeal, selection: Parameters<typeof issueLetters>[0]['selection']) =>
  issueLetters({ db: app.db, fileStore: app.fileStore, clock, baseUrl: app.config.baseUrl, appeal, selection });

const joined = (items: { str: string }[]) => items.map((item) => item.str).join(' ').replace(/\s+/g, ' ');

describe('letter PDF of the demo appeal', () => {
  // Every letter of the demo, one shared layout per salutation height: long on a busy machine.
  it('puts every address block inside the DIN 5008 field, with the matching salutation', { timeout: 90_000 }, async () => {
    const app = await demo();
    const { personal } = buildRecipients({ db: app.db, appeal: app.appeal });
    const result = await issue(app, app.appeal, { master: true, personal: 'all' });
    expect(result.personal).toHaveLength(personal.length);
    expect(personal.length).toBeGreaterThan(15);
    for (const letter of [result.master!, ...result.personal]) {
      const { items } = await pdfTextItems(letter.bytes);
      const firstPage = items.filter((item) => item.page === 1);
      const address = firstPage.filter((item) => item.yMm > 62 && item.yMm < 91 && item.xMm < 110);
      expect(address.length, letter.recipient.label).toBeGreaterThanOrEqual(letter.recipient.addressLines.length);
      for (const item of address) {
        expect(item.xMm, item.str).toBeGreaterThanOrEqual(20);
        expect(item.xMm + item.widthMm, item.str).toBeLessThanOrEqual(105);
        expect(item.yMm, item.str).toBeGreaterThan(62.7); // below the return line and note zone
        expect(item.yMm, item.str).toBeLessThanOrEqual(90);
        expect(item.size).toBeGreaterThanOrEqual(7.9);
      }
      // Wrapped lines come back joined (a hyphen at a line end is a break).
      const addressText = address.map((item) => item.str).join('\n').replace(/-\n/g, '').replace(/\n/g, ' ');
      for (const line of letter.recipient.addressLines) expect(addressText, letter.recipient.label).toContain(line.replace(/-/g, '').length > 0 ? line : line);
      expect(joined(firstPage)).toContain(letter.recipient.salutation);
      expect(letter.bytes.length).toBeLessThan(150 * 1024);
    }
    const goch = result.personal.find((letter) => letter.recipient.label === 'Stadt Goch')!;
    expect(goch.fileName).toBe(`2026-11-22_kleve-aufruf-integration_stadt-goch.pdf`);
    const landrat = result.personal.find((letter) => letter.recipient.addressLines.includes('Herrn Landrat'))!;
    expect(landrat.recipient.salutation).toBe('Sehr geehrter Herr Landrat,');
  });

  it('prints every signatory, page numbers, the footer code, embedded fonts and extractable Polish/Turkish/Czech names', async () => {
    const app = await demo();
    const result = await issue(app, app.appeal, { master: true });
    const master = result.master!;
    const { pages, items } = await pdfTextItems(master.bytes);
    expect(pages).toBeGreaterThanOrEqual(2);
    const text = poppler('pdftotext', master.bytes);
    const flat = text.replace(/\s+/g, ' ');
    // Everyone is in the draft's signature block; the organisation that declined in the demo is marked "abgelehnt".
    const answers = demoSigning['kleve-aufruf-integration']!.answers;
    for (const [index, signatory] of demoAppeals[0]!.signatories.entries()) {
      if (answers[index]?.kind === 'declined') {
        expect(flat).toContain('abgelehnt');
        expect(flat).toContain(signatory.representative.representativeName);
        expect(flat).toContain(signatory.organisation.name);
        continue;
      }
      expect(flat).toContain(signatory.representative.representativeName);
      expect(flat).toContain(signatory.representative.representativeFunction);
      expect(flat).toContain(signatory.organisation.name);
    }
    for (const name of ['Małgorzata Kowalska', 'Jana Dvořák', 'Ayşe Yılmaz']) expect(flat).toContain(name);
    for (let page = 1; page <= pages; page += 1) {
      expect(items.some((item) => item.page === page && item.str === `ENTWURF · Seite ${page} von ${pages}`)).toBe(true);
      expect(items.some((item) => item.page === page && item.str.includes(`Prüfcode ${master.code}`) && item.str.includes(`${app.config.baseUrl}/v/${master.code}`))).toBe(true);
    }
    const fonts = poppler('pdffonts', master.bytes);
    const rows = fonts.trim().split('\n').slice(2);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toMatch(/CID TrueType\s+Identity-H\s+yes/);
      expect(row).not.toMatch(/Helvetica|Times|Courier|Symbol|ZapfDingbats/);
    }
    // Metadata.
    const doc = await PDFDocument.load(master.bytes, { updateMetadata: false });
    expect(doc.getTitle()).toBe(app.appeal.title);
    expect(doc.getAuthor()).toBe(app.appeal.coalitionName);
    expect(doc.getCreationDate()?.toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(doc.getPageCount()).toBe(pages);
    // Draft mark while the appeal is a draft: one run per page with the page number.
    expect(items.filter((item) => item.str.startsWith('ENTWURF · Seite')).length).toBe(pages);
  });

  it('is deterministic and reuses the code and row for the same input', async () => {
    const app = await demo();
    const first = await issue(app, app.appeal, { master: true, personal: 'all' });
    const countAfterFirst = app.db.select().from(letterDocuments).all().length;
    const second = await issue(app, app.appeal, { master: true, personal: 'all' });
    expect(Buffer.compare(Buffer.from(first.master!.bytes), Buffer.from(second.master!.bytes))).toBe(0);
    expect(second.personal.map((letter) => letter.sha256)).toEqual(first.personal.map((letter) => letter.sha256));
    expect(app.db.select().from(letterDocuments).all()).toHaveLength(countAfterFirst);
    // One addressee alone gives exactly the bytes it has inside the whole batch.
    const one = first.personal[3]!;
    const alone = await issue(app, app.appeal, { personal: { addresseeId: one.recipient.addresseeId! } });
    expect(alone.personal[0]!.sha256).toBe(one.sha256);
    // Codes are unique.
    const codes = new Set([first.master!.code, ...first.personal.map((letter) => letter.code)]);
    expect(codes.size).toBe(first.personal.length + 1);
    // A changed text gives new bytes and a new code.
    app.db.update(appeals).set({ body: `${app.appeal.body}\n\nNachtrag.` }).where(eq(appeals.id, app.appeal.id)).run();
    const changed = app.db.select().from(appeals).where(eq(appeals.id, app.appeal.id)).get()!;
    const third = await issue(app, changed, { master: true });
    expect(third.master!.code).not.toBe(first.master!.code);
  });
});

describe('/v/ verification', () => {
  it('shows the document for the footer code and checks uploaded bytes exactly', async () => {
    const app = await demo();
    const letter = (await issue(app, app.appeal, { personal: 'all' })).personal[0]!;
    const { items } = await pdfTextItems(letter.bytes);
    const footer = items.find((item) => item.str.startsWith('Prüfcode'))!.str;
    const url = /prüfen unter (\S+)/.exec(footer)![1]!;
    const path = url.replace(app.config.baseUrl, '');
    const agent = app.http();
    const page = await agent.get(path).expect(200);
    expect(page.text).toContain(app.appeal.title);
    expect(page.text).toContain('Persönlicher Brief');
    expect(page.text).toContain('Małgorzata Kowalska');
    expect(page.text).toContain(letter.recipient.addressLines[0]!);

    const match = await agent.post(path).field('_csrf', csrfToken(page.text)).attach('file', Buffer.from(letter.bytes), { filename: 'brief.pdf', contentType: 'application/pdf' }).expect(200);
    expect(match.text).toContain('stimmt genau');

    const changed = Buffer.from(letter.bytes);
    const middle = Math.floor(changed.length / 2);
    changed[middle] = changed[middle]! ^ 0x01;
    const page2 = await agent.get(path).expect(200);
    const mismatch = await agent.post(path).field('_csrf', csrfToken(page2.text)).attach('file', changed, { filename: 'brief.pdf', contentType: 'application/pdf' }).expect(200);
    expect(mismatch.text).toContain('stimmt nicht überein');

    const page3 = await agent.get(path).expect(200);
    const notPdf = await agent.post(path).field('_csrf', csrfToken(page3.text)).attach('file', Buffer.from('hallo'), { filename: 'x.pdf', contentType: 'application/pdf' }).expect(422);
    expect(notPdf.text).toContain('keine PDF-Datei');
    // Without CSRF token: refused.
    await agent.post(path).attach('file', Buffer.from(letter.bytes), { filename: 'brief.pdf' }).expect(403);
  });

  it('names only representatives who signed and agreed to be named', async () => {
    const app = await buildTestApp();
    const { organiser } = await makeOrganiser(app.db);
    const appeal = makeAppeal(app.db, organiser.id);
    const named = await makeSignatory(app.db, app.fileStore, appeal, { representativeName: 'Nora Genannt', name: 'Verband Eins e.V.' });
    const shy = await makeSignatory(app.db, app.fileStore, appeal, { representativeName: 'Sven Still', name: 'Verband Zwei e.V.' });
    await makeSignatory(app.db, app.fileStore, appeal, { representativeName: 'Otto Offen', name: 'Verband Drei e.V.' });
    const deps = { db: app.db, clock, config: app.config };
    expect(openForSigning({ ...deps, appeal, actor: 'Test', deadline: '' }).ok).toBe(true);
    for (const [signatory, consentPublic] of [[named, true], [shy, false]] as const) {
      const context = signingRepository(app.db).findSignatoryContext(signatory.signatory.id)!;
      const version = signingRepository(app.db).latestVersion(appeal.id)!;
      const input = { representativeName: context.signatory.representativeName, representativeFunction: '', kind: 'typed' as const, consentPublic, consentLogo: true };
      recordSignature({ ...deps, context, version, input, signatureFile: null, ip: '127.0.0.1' });
    }
    const current = app.db.select().from(appeals).where(eq(appeals.id, appeal.id)).get()!;
    const master = (await issue(app, current, { master: true })).master!;
    // The draft prints all three; the public page names only the one who signed and agreed.
    expect(JSON.parse(app.db.select().from(letterDocuments).where(eq(letterDocuments.code, master.code)).get()!.signatories)).toHaveLength(3);
    const page = await app.http().get(`/v/${master.code}`).expect(200);
    expect(page.text).toContain('Nora Genannt');
    expect(page.text).not.toContain('Sven Still');
    expect(page.text).not.toContain('Otto Offen');
    expect(page.text).not.toContain(t('verify.notSigned'));
  });

  it('answers unknown and malformed codes with a clear 404 page', async () => {
    const app = await buildTestApp();
    const unknown = await app.http().get('/v/ABCD-EFGH').expect(404);
    expect(unknown.text).toContain('Prüfcode nicht gefunden');
    const malformed = await app.http().get('/v/%3Cscript%3E').expect(404);
    expect(malformed.text).toContain('Prüfcode nicht gefunden');
    expect(malformed.text).not.toContain('<script>');
  });
});

describe('who gets which letter', () => {
  it('sends a personal letter by e-mail, by post without an address, and holds it while the address is unusable', () => {
    expect(channelOf({ email: ' rathaus@goch.de ' })).toBe('email');
    expect(channelOf({ email: '  ' })).toBe('post');
    expect(channelOf({ email: 'rathaus(at)goch.de' })).toBe('invalid');
  });
});

describe("the representative's draft PDF", () => {
  it('answers a link that does not work with the signing page that explains why, and no PDF', async () => {
    const app = await buildTestApp();
    const token = 'x'.repeat(43);
    const response = await app.http().get(`/s/${token}/entwurf.pdf`).expect(404);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain(t('signing.link.unknown.title'));
    expect(response.headers['cache-control']).toBe('no-store');
  });
});

describe('organiser downloads', () => {
  it('previews the master and one addressee, and downloads the ZIP and the print file', async () => {
    const app = await demo();
    const agent = app.http();
    await loginAs(agent, { email: 'demo@example.org', password: app.password });
    const base = `/appeals/${app.appeal.slug}/letters`;
    const page = await agent.get(base).expect(200);
    expect(page.text).toContain('Gesamtfassung ansehen');
    const master = await agent.get(`${base}/master.pdf`).buffer(true).parse(binary).expect(200);
    expect(master.headers['content-type']).toBe('application/pdf');
    expect((master.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    const { personal } = buildRecipients({ db: app.db, appeal: app.appeal });
    const goch = personal.find((recipient) => recipient.label === 'Stadt Goch')!;
    const one = await agent.get(`${base}/preview?recipient=a${goch.addresseeId}`).buffer(true).parse(binary).expect(200);
    expect(poppler('pdftotext', one.body as Buffer)).toContain('Stadt Goch');
    await agent.get(`${base}/preview?recipient=a999999`).expect(404);
    // The ZIP and the print file are rendered in the background: a page that refreshes itself, then the file.
    const zip = await untilReady(() => agent.get(`${base}/letters.zip`).buffer(true).parse(binary).expect(200));
    expect(zip.headers['content-type']).toBe('application/zip');
    const { unzipSync } = await import('fflate');
    const files = Object.keys(unzipSync(new Uint8Array(zip.body as Buffer)));
    expect(files).toHaveLength(personal.length + 1);
    expect(files).toContain('2026-11-22_kleve-aufruf-integration_stadt-goch.pdf');
    for (const name of files) expect(name).toMatch(/^[a-z0-9_.-]+$/);
    const print = await untilReady(() => agent.get(`${base}/print.pdf?all=1`).buffer(true).parse(binary).expect(200));
    const printed = await PDFDocument.load(print.body as Buffer);
    expect(printed.getPageCount()).toBeGreaterThanOrEqual(personal.length * 2);
  });
});

describe('bad input', () => {
  const base = async () => {
    const app = await demo();
    const { model } = resolveLetter({ db: app.db, fileStore: app.fileStore, clock, appeal: app.appeal, baseUrl: app.config.baseUrl });
    const { personal } = buildRecipients({ db: app.db, appeal: app.appeal });
    return { app, model, recipient: { ...personal[0]!, code: 'ABCD-EFGH' } };
  };

  it('refuses an empty body with a message', async () => {
    const app = await demo();
    app.db.update(appeals).set({ body: '   ' }).where(eq(appeals.id, app.appeal.id)).run();
    const empty = app.db.select().from(appeals).where(eq(appeals.id, app.appeal.id)).get()!;
    await expect(issue(app, empty, { master: true })).rejects.toMatchObject({ messageKey: 'letterWarn.emptyBody' });
  });

  it('renders a five-page body, 40 signatories and a 150-character organisation name with "Seite X von Y" and no split cell', async () => {
    const { model, recipient } = await base();
    const longName = `Arbeitsgemeinschaft der Wohlfahrtsverbände ${'und Initiativen für Integration, Teilhabe und Bildung '.repeat(3)}`.slice(0, 150);
    const signatories = Array.from({ length: 40 }, (_, i) => ({ name: `Person Nummer ${i + 1}`, function: 'Vorsitzende', organisation: i === 7 ? longName : `Verband ${i + 1} e.V.` }));
    const body = Array.from({ length: 30 }, (_, i) => `Absatz ${i + 1}: ${'Die Integration braucht Struktur, Geld und Menschen, die sich kümmern. '.repeat(5)}`).join('\n\n');
    const result = await renderLetters({ ...model, text: parseLetterText(body), signatories }, [recipient], { createdAt: fixedNow });
    const letter = result.letters[0]!;
    const { pages, items } = await pdfTextItems(letter.bytes);
    expect(pages).toBeGreaterThanOrEqual(6);
    for (let page = 1; page <= pages; page += 1) expect(items.some((item) => item.page === page && item.str === `ENTWURF · Seite ${page} von ${pages}`)).toBe(true);
    for (const signatory of signatories) {
      const name = items.filter((item) => item.str === signatory.name);
      expect(name, signatory.name).toHaveLength(1);
      // Name, function and organisation of one cell on the same page.
      const org = items.find((item) => signatory.organisation.startsWith(item.str) && item.page === name[0]!.page && Math.abs(item.xMm - name[0]!.xMm) < 1);
      expect(org, signatory.organisation).toBeDefined();
      expect(items.every((item) => item.yMm < 297)).toBe(true);
    }
    expect(result.warnings.some((warning) => warning.includes('Seiten'))).toBe(true);
    expect(result.warnings.some((warning) => warning.includes('umbrochen'))).toBe(true);
  });

  it('fits a seven-line address into the field and warns', async () => {
    const { model, recipient } = await base();
    const lines = ['Landtag Nordrhein-Westfalen', 'Ausschuss für Arbeit, Gesundheit, Soziales und Integration des Landtags Nordrhein-Westfalen', 'Frau Vorsitzende', 'Dr. Małgorzata Nowak MdL', 'Referat I.2', 'Platz des Landtags 1', '40221 Düsseldorf'];
    const result = await renderLetters(model, [{ ...recipient, addressLines: lines, label: 'Landtag' }], { createdAt: fixedNow });
    const letter = result.letters[0]!;
    expect(letter.warnings.join(' ')).toMatch(/Zeilen|kleiner gesetzt|umbrochen/);
    const { items } = await pdfTextItems(letter.bytes);
    const address = items.filter((item) => item.page === 1 && item.yMm > 60 && item.yMm < 91 && item.xMm < 106);
    expect(joined(address)).toContain('40221 Düsseldorf');
    for (const item of address) {
      expect(item.yMm).toBeLessThanOrEqual(90);
      expect(item.xMm + item.widthMm).toBeLessThanOrEqual(105);
      expect(item.size).toBeGreaterThanOrEqual(7.9);
    }
  });

  it('falls back to the short name for a missing or broken logo, and replaces characters no font has', async () => {
    const { app, model, recipient } = await base();
    const organisations = model.organisations.map((org, index) =>
      index === 0 ? { ...org, logo: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0, 1, 2, 3]) } : index === 1 ? { name: org.name, shortName: org.shortName, logoMissing: true } : org,
    );
    const result = await renderLetters({ ...model, organisations, title: `${model.title} 🎉`, text: parseLetterText(`${app.appeal.body}\n\nMit Gruß 𓀀 und € und ß, „Zitat“ für Żółć.`) }, [recipient], { createdAt: fixedNow });
    const warnings = result.warnings.join('\n');
    expect(warnings).toContain('Logo von „AWO Kreisverband Kleve e.V.“ konnte nicht gelesen werden');
    expect(warnings).toContain('Logo-Datei von „Caritasverband Geldern-Kevelaer e.V.“ fehlt');
    expect(warnings).toMatch(/Zeichen „𓀀“ \(U\+13000\)/);
    const text = poppler('pdftotext', result.letters[0]!.bytes);
    expect(text).toContain('AWO');
    expect(text).toContain('€ und ß, „Zitat“ für Żółć');
    expect(text).toContain('Mit Gruß');
  });
});

function binary(res: import('supertest').Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
}
