// PDF/A-2u, checked structurally (veraPDF cannot be installed here): the XMP metadata parsed
// back and compared with the document information, the sRGB output intent with its ICC
// profile, the fonts (embedded, subset-tagged, with ToUnicode), qpdf's structure check, the
// trailer /ID of the shared part and of every letter, and the reading order of page 1.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { makeAddressee, makeAppeal, makeList, makeOrganiser } from '../helpers/factories.ts';
import { poppler } from '../helpers/pdf.ts';
import { addListToAppeal } from '../../server/addressees/addressees.service.ts';
import { resolveLetter } from '../../server/letters/resolve-letter.ts';
import { buildRecipients } from '../../server/letters/recipients.ts';
import { prepareLetter, recipientTexts, salutationLinesFor, stampLetter } from '../../server/letter-pdf/letter-render.ts';
import { renderSupporterList } from '../../server/letter-pdf/supporter-list.ts';
import { combineLetters } from '../../server/letter-pdf/letter-combine.ts';

const clock = () => new Date(fixedNow);

async function letters() {
  const app = await buildTestApp();
  const { organiser } = await makeOrganiser(app.db);
  const appeal = makeAppeal(app.db, organiser.id, { title: 'Aufruf für „Vielfalt“ & <Zukunft>' });
  const list = makeList(app.db, organiser.id);
  makeAddressee(app.db, list, { lastName: 'Dvořák', institution: 'Gemeinde Kranenburg' });
  makeAddressee(app.db, list, { lastName: 'Ağaoğlu', institution: 'Stadt Goch' });
  addListToAppeal({ db: app.db, organiserId: organiser.id, appeal, listId: list.id, collective: false });
  const { model } = resolveLetter({ db: app.db, fileStore: app.fileStore, clock, appeal, baseUrl: app.config.baseUrl });
  const recipients = buildRecipients({ db: app.db, appeal }).personal.map((recipient, index) => ({ ...recipient, code: `ABCD-EFG${'HJ'[index]}` }));
  const prepared = await prepareLetter(model, { extraTexts: recipientTexts(recipients), salutationLines: salutationLinesFor(recipients), createdAt: clock() });
  return { model, recipients, prepared, stamped: recipients.map((recipient) => stampLetter(prepared, recipient)) };
}

const tool = (command: string, bytes: Uint8Array, args: string[]) => {
  const dir = mkdtempSync(join(tmpdir(), 'mz-pdfa-'));
  writeFileSync(join(dir, 'file.pdf'), bytes);
  return spawnSync(command, [...args, join(dir, 'file.pdf')], { encoding: 'utf8' });
};

/** The checks the README lists; returns the parsed XMP fields for further comparison. */
async function expectPdfA(bytes: Uint8Array, title: string) {
  // XMP metadata, parsed back, with the values of the Info dictionary.
  const xmp = execFileSync('pdfinfo', ['-meta', '-'], { input: bytes, encoding: 'utf8' });
  const field = (name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xmp)?.[1];
  expect(field('pdfaid:part')).toBe('2');
  expect(field('pdfaid:conformance')).toBe('U');
  const decode = (value: string | undefined) => value?.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  expect(decode(field('dc:title'))).toBe(title);
  const info = poppler('pdfinfo', bytes, ['-isodates']);
  const infoField = (name: string) => new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(info)?.[1];
  expect(infoField('Title')).toBe(title);
  expect(field('pdf:Producer')).toBe(infoField('Producer'));
  expect(field('xmp:CreatorTool')).toBe(infoField('Creator'));
  expect(decode(field('dc:creator'))).toBe(infoField('Author'));
  expect(field('xmp:CreateDate')).toBe('2026-11-22T10:00:00Z');
  expect(infoField('CreationDate')).toBe('2026-11-22T10:00:00Z');
  expect(field('xmp:ModifyDate')).toBe(infoField('ModDate'));
  expect(infoField('Encrypted')).toBe('no');

  // The output intent with an sRGB ICC profile.
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const intents = doc.catalog.lookup(PDFName.of('OutputIntents'));
  const intent = (intents as unknown as { lookup(index: number, type: typeof PDFDict): PDFDict }).lookup(0, PDFDict);
  expect(intent.get(PDFName.of('S'))?.toString()).toBe('/GTS_PDFA1');
  const profile = intent.lookup(PDFName.of('DestOutputProfile')) as PDFRawStream;
  expect(profile.dict.get(PDFName.of('N'))?.toString()).toBe('3');
  const icc = Buffer.from(decodePDFRawStream(profile).decode());
  expect(icc.subarray(36, 40).toString('latin1')).toBe('acsp');
  expect(icc.subarray(16, 20).toString('latin1')).toBe('RGB ');

  // Every font embedded, as a tagged subset, with ToUnicode.
  const fonts = poppler('pdffonts', bytes).trim().split('\n').slice(2);
  expect(fonts.length).toBeGreaterThan(0);
  for (const line of fonts) {
    expect(line).toMatch(/^[A-Z]{6}\+\S+\s/);
    expect(line).toMatch(/\s+yes\s+yes\s+yes\s+\d+\s+\d+\s*$/);
  }

  // qpdf's structure check.
  const check = tool('qpdf', bytes, ['--check']);
  expect(check.status).toBe(0);
  expect(check.stdout).toContain('No syntax or stream encoding errors found');
  expect(check.stderr).toBe('');
}

const trailerIds = (bytes: Uint8Array) => [...Buffer.from(bytes).toString('latin1').matchAll(/trailer\s*<<[\s\S]*?\/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]/g)].map((match) => [match[1]!, match[2]!]);

describe('PDF/A-2u', () => {
  it('every stamped letter: XMP like the document information, sRGB output intent, tagged subsets with ToUnicode, qpdf clean, /ID in every trailer', async () => {
    const { model, prepared, stamped } = await letters();
    for (const letter of stamped) await expectPdfA(letter.bytes, model.title);
    // The shared part has an /ID, each letter's update repeats its first element and adds its own second.
    const base = trailerIds(prepared.base);
    expect(base).toHaveLength(1);
    const [first, second] = stamped.map((letter) => trailerIds(letter.bytes));
    expect(first).toHaveLength(2);
    expect(first![1]![0]).toBe(base[0]![0]);
    expect(second![1]![0]).toBe(base[0]![0]);
    expect(first![1]![1]).not.toBe(second![1]![1]);
    // Deterministic: the same input gives the same bytes.
    const again = await letters();
    expect(Buffer.compare(Buffer.from(again.stamped[0]!.bytes), Buffer.from(stamped[0]!.bytes))).toBe(0);
  });

  it('the print file of several letters too', async () => {
    const { stamped } = await letters();
    const { bytes } = await combineLetters({ title: 'Druckdatei: Aufruf', author: 'Bündnis Kleve', createdAt: clock(), letters: stamped.map((letter) => letter.bytes) });
    await expectPdfA(bytes, 'Druckdatei: Aufruf');
    expect(trailerIds(bytes)).toHaveLength(1);
  });

  it('the supporter list too', async () => {
    const { bytes } = await renderSupporterList(
      { slug: 'aufruf', coalitionName: 'Bündnis Kleve', title: 'Aufruf', asOf: '2026-11-22', organisations: [{ name: 'Verein Żółć e.V.', place: 'Goch' }], citizens: [{ name: 'Jana Dvořák', place: 'Kleve' }], namedCitizens: 1, citizenCount: 3, code: 'ABCD-EFGH', baseUrl: 'https://mitzeichnen.example.org' },
      clock(),
    );
    await expectPdfA(bytes, 'Unterstützerliste: Aufruf');
    expect(trailerIds(bytes)).toHaveLength(1);
  });

  it('reads address and salutation before the body, and the footer after it (pdftotext in content order)', async () => {
    const { stamped, recipients } = await letters();
    const text = poppler('pdftotext', stamped[0]!.bytes, ['-raw', '-f', '1', '-l', '1']);
    const address = text.indexOf(recipients[0]!.addressLines[0]!);
    const salutation = text.indexOf(recipients[0]!.salutation.split('\n')[0]!);
    const letterhead = text.indexOf('Seite 1');
    const footer = text.indexOf('Prüfcode');
    expect(address).toBeGreaterThanOrEqual(0);
    expect(address).toBeLessThan(salutation);
    // The body (and the shared page furniture) comes after the salutation, the footer last.
    expect(salutation).toBeLessThan(letterhead);
    expect(letterhead).toBeLessThan(footer);
  });
});
