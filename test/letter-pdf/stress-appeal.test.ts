// The "Done when" stress appeal of issue 14: 40 signatories, a 150-character organisation name,
// an address that needs 7 lines, a five-page body and an emoji — rendered AND sealed. No
// overlap, no cut, no lone closing, every name whole in copied text, the PDF/A structure, the
// tags, and a seal that pdfsig finds valid.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { fixedNow } from '../helpers/app.ts';
import { pdfTextItems, poppler } from '../helpers/pdf.ts';
import type { PdfTextItem } from '../helpers/pdf.ts';
import { parseLetterText } from '../../server/appeals/letter-text.ts';
import { renderLetters } from '../../server/letter-pdf/letter-render.ts';
import type { LetterSignatory } from '../../server/letter-pdf/letter-model.ts';
import { letterModel, recipient } from './letter-fixtures.ts';
import { expectPdfA } from './pdfa-checks.ts';
import { makeSealCertificate } from '../helpers/seal-certificate.ts';
import { loadConfig } from '../../server/config.ts';
import { flatten, structureTrees } from '../helpers/pdf-tags.ts';

const certificate = makeSealCertificate('/CN=Siegel Bündnis Kleve/O=Bündnis Kleve e.V./C=DE');
afterAll(() => rmSync(certificate.dir, { recursive: true, force: true }));

const MM = 72 / 25.4;
const signedAt = new Date('2026-11-20T10:00:00Z');
const longName = `Arbeitsgemeinschaft der Wohlfahrtsverbände ${'und Initiativen für Integration, Teilhabe und Bildung '.repeat(3)}`.slice(0, 150).trim();

async function stressAppeal() {
  const signature = await sharp({ create: { width: 900, height: 300, channels: 3, background: '#ffffff' } })
    .composite([{ input: Buffer.from('<svg width="900" height="300"><path d="M40 250 C 250 20, 500 280, 860 60" stroke="#000" stroke-width="12" fill="none"/></svg>'), top: 0, left: 0 }])
    .png()
    .toBuffer();
  const signatories: LetterSignatory[] = Array.from({ length: 40 }, (_, i) => ({
    name: i === 3 ? 'Prof. Dr. Hans-Joachim Müller-Lüdenscheidt' : `Person Nummer ${i + 1}`,
    function: i === 5 ? 'Stellvertretende Vorsitzende des Bezirksvorstands' : 'Vorsitzende',
    organisation: i === 7 ? longName : `Verband ${i + 1} Kreis Kleve e.V.`,
    signature: { signedAt, ...(i % 3 === 0 ? { image: new Uint8Array(signature) } : {}) },
  }));
  const paragraph = (i: number) => `Absatz ${i + 1}: ${'Die Integration braucht Struktur, Geld und Menschen, die sich vor Ort kümmern. '.repeat(4)}Die SPD-Kreistagsfraktion und der Caritasverband Geldern-Kevelaer unterstützen das.`;
  const body = [
    ...Array.from({ length: 12 }, (_, i) => paragraph(i)),
    '## Unsere Forderungen',
    '1. ein Kommunales Integrationszentrum[^1] einrichten,\n2. die Förderung des Landes beantragen und\n3. die [Landesförderung](https://www.mkjfgfi.nrw/kommunale-integrationszentren) nutzen.',
    ...Array.from({ length: 14 }, (_, i) => paragraph(i + 12)),
    'Wir freuen uns auf Ihre Antwort 🎉.',
    '[^1]: Nach § 7 des Teilhabe- und Integrationsgesetzes Nordrhein-Westfalen.',
  ].join('\n\n');
  const model = letterModel({
    signatories,
    organisations: signatories.map((s, i) => ({ name: s.organisation, shortName: i === 7 ? 'AG Wohlfahrt' : `Verband-${i + 1}` })),
    text: parseLetterText(body),
    ccLines: ['Presse'],
    attachmentLines: ['Unterstützerliste'],
    sameLetterTo: ['Kreis Kleve – Der Landrat', 'Mitglieder des Kreistages', 'Bürgermeisterinnen und Bürgermeister der Städte und Gemeinden im Kreis Kleve'],
  });
  const address = ['Landtag Nordrhein-Westfalen', 'Ausschuss für Arbeit, Gesundheit, Soziales und Integration', 'Frau Vorsitzende', 'Dr. Małgorzata Nowak MdL', 'Referat I.2', 'Platz des Landtags 1', '40221 Düsseldorf'];
  const seal = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'mz-stress-')), SEAL_P12_FILE: certificate.p12File, SEAL_P12_PASSWORD: certificate.password }).seal!;
  const result = await renderLetters(model, [recipient({ label: 'Landtag', addressLines: address, salutation: 'Sehr geehrte Frau Vorsitzende,' })], { createdAt: fixedNow, seal });
  const letter = result.letters[0]!;
  const { pages, items } = await pdfTextItems(letter.bytes);
  return { model, signatories, address, result, letter, pages, items, text: poppler('pdftotext', letter.bytes) };
}

/** The box of a text item in mm (ascent 0.72, descent 0.2 of the size), a hair smaller so that touching runs do not count. */
const box = (item: PdfTextItem) => ({ x1: item.xMm + 0.1, x2: item.xMm + item.widthMm - 0.1, y1: item.yMm - (item.size * 0.72) / MM + 0.1, y2: item.yMm + (item.size * 0.2) / MM - 0.1 });
const overlaps = (a: PdfTextItem, b: PdfTextItem) => {
  const p = box(a);
  const q = box(b);
  return p.x1 < q.x2 && q.x1 < p.x2 && p.y1 < q.y2 && q.y1 < p.y2;
};
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('the stress appeal', () => {
  it('renders and seals with no overlap, no cut, no lone closing, every name whole in copied text, PDF/A, tags and a valid seal', { timeout: 180_000 }, async () => {
    const { model, signatories, address, result, letter, pages, items, text } = await stressAppeal();
    expect(pages).toBeGreaterThanOrEqual(6);
    // No two text runs overlap, none leaves the page's text area.
    for (let page = 1; page <= pages; page += 1) {
      const onPage = items.filter((item) => item.page === page);
      for (let i = 0; i < onPage.length; i += 1) {
        const a = onPage[i]!;
        expect(a.xMm, a.str).toBeGreaterThanOrEqual(24.9);
        expect(a.xMm + a.widthMm, a.str).toBeLessThanOrEqual(190.5);
        expect(a.yMm, a.str).toBeLessThan(285);
        for (let j = i + 1; j < onPage.length; j += 1) expect(overlaps(a, onPage[j]!), `page ${page}: "${a.str}" / "${onPage[j]!.str}"`).toBe(false);
      }
    }
    // Every name whole in the copied text.
    const copied = flat(text);
    for (const signatory of signatories) {
      expect(copied).toContain(signatory.name);
      expect(copied).toContain(signatory.organisation);
    }
    expect(copied).toContain(longName);
    expect(copied.split('SPD-Kreistagsfraktion').length - 1).toBe(26);
    expect(copied.split('Geldern-Kevelaer').length - 1).toBe(26);
    for (let n = 1; n <= 40; n += 1) expect(text).toMatch(n === 8 ? /AG Wohlfahrt/ : new RegExp(`Verband-${n}( |$)`, 'm'));
    // The seven-line address, every line in the field.
    const field = items.filter((item) => item.page === 1 && item.yMm > 62 && item.yMm <= 90.5 && item.xMm < 106);
    const fieldText = flat(field.map((item) => item.str).join(' '));
    for (const line of address) expect(fieldText).toContain(line);
    // The closing with the first row of signatures and at least two lines of text before it.
    const closing = items.find((item) => item.str === 'Mit freundlichen Grüßen')!;
    const firstName = items.find((item) => item.str === signatories[1]!.name)!;
    expect(firstName.page).toBe(closing.page);
    const linesBefore = new Set(items.filter((item) => item.page === closing.page && item.yMm < closing.yMm && item.yMm > 20 && item.size > 10).map((item) => item.yMm.toFixed(1)));
    expect(linesBefore.size).toBeGreaterThanOrEqual(2);
    // The link keeps its address; the emoji is reported before sending.
    expect(copied).toContain('(https://www.mkjfgfi.nrw/kommunale-integrationszentren)');
    expect(result.warnings.join('\n')).toMatch(/Zeichen „🎉“ \(U\+1F389\)/);
    expect(letter.bytes.length).toBeLessThan(300 * 1024);

    // Sealed: the seal line on every page, and pdfsig finds the seal valid over the whole file.
    expect(copied).toContain('Elektronisch gesiegelt von Siegel Bündnis Kleve, Bündnis Kleve e.V.');
    const dir = mkdtempSync(join(tmpdir(), 'mz-stress-sig-'));
    writeFileSync(join(dir, 'stress.pdf'), letter.bytes);
    if (process.env.STRESS_PDF_OUT) writeFileSync(process.env.STRESS_PDF_OUT, letter.bytes);
    const check = spawnSync('pdfsig', [join(dir, 'stress.pdf')], { encoding: 'utf8' }).stdout;
    rmSync(dir, { recursive: true, force: true });
    expect(check).toContain('Signature Validation: Signature is Valid.');
    expect(check).toContain('Total document signed');
    // PDF/A-2u structure: XMP parsed back, output intent, pdffonts all embedded and subset, qpdf --check clean.
    await expectPdfA(letter.bytes, model.title);
    // Tags: the structure tree, Lang de-DE, MarkInfo; the address before the body in the tree.
    const doc = await PDFDocument.load(letter.bytes, { updateMetadata: false });
    expect(doc.catalog.get(PDFName.of('StructTreeRoot'))).toBeDefined();
    expect(doc.catalog.get(PDFName.of('Lang'))?.toString()).toBe('(de-DE)');
    expect(doc.catalog.lookup(PDFName.of('MarkInfo'), PDFDict).get(PDFName.of('Marked'))?.toString()).toBe('true');
    const firstPage = flatten((await structureTrees(letter.bytes))[0]!).filter((node) => node.role === 'P' || node.role === 'H1').map((node) => node.text);
    const addressAt = firstPage.findIndex((value) => value.includes('Landtag Nordrhein-Westfalen'));
    const bodyAt = firstPage.findIndex((value) => value.startsWith('Absatz 1:'));
    expect(addressAt).toBeGreaterThanOrEqual(0);
    expect(addressAt).toBeLessThan(bodyAt);
  });
});
