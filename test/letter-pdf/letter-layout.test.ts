// What a careful office would still correct (issue 14, Build 1): each point checked on real PDF
// bytes, parsed back with pdfjs (positions) and pdftotext (copied words).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFString } from 'pdf-lib';
import sharp from 'sharp';
import { fixedNow } from '../helpers/app.ts';
import { pdfTextItems, poppler } from '../helpers/pdf.ts';
import type { PdfTextItem } from '../helpers/pdf.ts';
import { parseLetterText } from '../../server/appeals/letter-text.ts';
import { renderLetters } from '../../server/letter-pdf/letter-render.ts';
import type { LetterModel, LetterSignatory, RenderRecipient } from '../../server/letter-pdf/letter-model.ts';
import { filler, letterModel, recipient, signedAt } from './letter-fixtures.ts';
import { reencodeSignature } from '../../server/signatories/logos.ts';

async function render(model: LetterModel, recipients: RenderRecipient[] = [recipient()]) {
  const result = await renderLetters(model, recipients, { createdAt: fixedNow });
  const letter = result.letters[0]!;
  const { pages, items } = await pdfTextItems(letter.bytes);
  return { ...result, letter, pages, items, text: poppler('pdftotext', letter.bytes) };
}

/** Page 1 rendered at 50 dpi in grey, as pixel values 0 (black) … 255 (white). */
function grayPixels(bytes: Uint8Array): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'mz-png-'));
  try {
    writeFileSync(join(dir, 'letter.pdf'), bytes);
    execFileSync('pdftoppm', ['-r', '50', '-gray', '-f', '1', '-l', '1', '-singlefile', join(dir, 'letter.pdf'), join(dir, 'page')]);
    const pgm = readFileSync(join(dir, 'page.pgm'));
    // P5 header: magic, width, height, maxval, each followed by whitespace.
    let offset = 0;
    for (let fields = 0; fields < 4; fields += 1) {
      while (/\s/.test(String.fromCharCode(pgm[offset]!))) offset += 1;
      while (!/\s/.test(String.fromCharCode(pgm[offset]!))) offset += 1;
    }
    return [...pgm.subarray(offset + 1)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const flat = (text: string) => text.replace(/\s+/g, ' ');
const right = (item: PdfTextItem) => item.xMm + item.widthMm;

describe('the postal sender, place and date', () => {
  it('prints the coalition with its postal address in the return line (8 pt, within the field) and the footer, and "Ort, Datum"', async () => {
    const { items, pages, text } = await render(letterModel());
    const returnLine = items.filter((item) => item.page === 1 && item.yMm > 44 && item.yMm < 50.5);
    // Too long for one line of the field even at 6 pt: two lines at 8 pt, broken between the parts.
    expect(returnLine.map((item) => item.str)).toEqual(['Aktionsbündnis für Integration im Kreis Kleve', 'c/o Caritasverband Kleve e.V. · Hoffmannallee 66 · 47533 Kleve']);
    for (const item of returnLine) {
      expect(right(item)).toBeLessThanOrEqual(105);
      expect(item.size).toBe(8);
    }
    // A shorter sender fits one line at 8 pt.
    const short = (await render(letterModel({ coalitionName: 'Bündnis Kleve', senderAddress: ['Markt 1', '47533 Kleve'] }))).items.filter((item) => item.page === 1 && item.yMm > 44 && item.yMm < 50.5);
    expect(short.map((item) => [item.str, item.size])).toEqual([['Bündnis Kleve · Markt 1 · 47533 Kleve', 8]]);
    for (let page = 1; page <= pages; page += 1) {
      const footer = items.filter((item) => item.page === page && item.yMm > 265 && item.str.includes('Hoffmannallee 66'));
      expect(footer, `page ${page}`).toHaveLength(1);
    }
    expect(text).toContain('Kleve, 22.11.2026');
  });

  it('shrinks, abbreviates or wraps a long return line, never past the field and never cut', async () => {
    const senderAddress = ['c/o Arbeitsgemeinschaft der Wohlfahrtsverbände im Kreis Kleve', 'Geschäftsstelle Integration und Teilhabe', 'Hoffmann-von-Fallersleben-Straße 66', '47533 Kleve'];
    const { items, warnings } = await render(letterModel({ senderAddress }));
    const returnLine = items.filter((item) => item.page === 1 && item.yMm > 40 && item.yMm < 50.5 && item.xMm < 110);
    const joined = flat(returnLine.map((item) => item.str).join(' '));
    for (const part of ['Aktionsbündnis für Integration im Kreis Kleve', 'c/o Arbeitsgemeinschaft der Wohlfahrtsverbände im Kreis Kleve', 'Geschäftsstelle Integration und Teilhabe', 'Hoffmann-von-Fallersleben-Str.', '47533 Kleve']) expect(joined).toContain(part);
    for (const item of returnLine) {
      expect(right(item)).toBeLessThanOrEqual(105);
      expect(item.size).toBeGreaterThanOrEqual(6);
    }
    expect(warnings.join('\n')).toContain('Absenderzeile');
  });

  it('warns when the appeal has no postal address', async () => {
    const { warnings } = await render(letterModel({ senderAddress: [] }));
    expect(warnings.join('\n')).toContain('keine Postanschrift');
  });
});

describe('never a silent cut', () => {
  it('prints a long e-mail address of the information block whole, within the page', async () => {
    const email = 'koordination@aktionsbuendnis-integration.example';
    const { items } = await render(letterModel({ contact: { name: 'Andrea Beispiel', function: 'Koordination des Aktionsbündnisses für Integration und Teilhabe im Kreis Kleve', email, phone: '02821 000000' } }));
    const block = items.filter((i) => i.page === 1 && i.xMm > 120 && i.yMm < 110);
    // The e-mail address on one line (never broken), the function wrapped whole.
    expect(block.map((item) => item.str)).toContain(email);
    expect(flat(block.map((item) => item.str).join(' '))).toContain('Koordination des Aktionsbündnisses für Integration und Teilhabe im Kreis Kleve');
    for (const item of block) expect(right(item), item.str).toBeLessThanOrEqual(190.5);
  });

  it('names all 40 organisations in the letterhead, above the return line', async () => {
    const organisations = Array.from({ length: 40 }, (_, i) => ({ name: `Verband Nummer ${i + 1} e.V.`, shortName: `Verband-${i + 1}` }));
    const { items, text } = await render(letterModel({ organisations }));
    for (const org of organisations) expect(text).toMatch(new RegExp(`${org.shortName}( |$)`, 'm'));
    const head = items.filter((item) => item.page === 1 && item.str.includes('Verband-'));
    for (const item of head) {
      expect(item.yMm).toBeLessThan(44);
      expect(right(item)).toBeLessThanOrEqual(190.5);
    }
  });

  it('reports characters no font has (an emoji) in the address or salutation', async () => {
    const { letter } = await render(letterModel(), [recipient({ addressLines: ['Stadt Goch 🏛', 'Markt 2', '47574 Goch'] })]);
    expect(letter.warnings.join('\n')).toMatch(/Zeichen „🏛“ \(U\+1F3DB\)/);
  });
});

describe('hyphenation', () => {
  it('hyphenates only body words; names, organisations and compounds with a hyphen copy whole', async () => {
    const names = 'SPD-Kreistagsfraktion, der Caritasverband Geldern-Kevelaer, der Kreisverband Niederrhein';
    // The same sentence at many offsets, so that the names meet the end of a line somewhere.
    const body = Array.from({ length: 14 }, (_, i) => `${'Wir '.repeat(i)}danken der ${names} und allen Mitwirkenden für die Zusammenarbeit bei der Integrationsförderung.`).join('\n\n');
    const signatories: LetterSignatory[] = Array.from({ length: 8 }, (_, i) => ({ name: `Dr. Hans-Joachim Beispielmann-Schulze ${i}`, function: 'Vorsitzender', organisation: 'Kreisverband Niederrhein-Westfalen der Arbeiterwohlfahrt', signature: { signedAt } }));
    const { text, items } = await render(letterModel({ text: parseLetterText(body), signatories, coalitionName: 'Aktionsbündnis Niederrhein' }));
    const copied = flat(text);
    expect(copied.split('SPD-Kreistagsfraktion').length - 1).toBe(14);
    expect(copied.split('Geldern-Kevelaer').length - 1).toBe(14);
    expect(copied).not.toMatch(/SPDKreistags|GeldernKevelaer|Kreis- ?verband|Nieder- ?rhein/);
    // Each name twice: "gez. …" and the name line.
    expect(copied.split('Beispielmann-Schulze').length - 1).toBe(16);
    // Body words are still hyphenated, and copy whole.
    expect(items.some((item) => /\p{L}-$/u.test(item.str) && item.yMm < 250)).toBe(true);
    expect(copied.split('Integrationsförderung').length - 1).toBe(14);
  });
});

describe('closing, widows and orphans, salutation per letter', () => {
  /** Paragraphs of forced lines "PxLy …", so each printed line is known. */
  const tagged = (paragraphs: number[]) => paragraphs.map((lines, p) => Array.from({ length: lines }, (_, l) => `P${p}L${l} ${'Text '.repeat(8)}`).join('\\\n')).join('\n\n');

  it('keeps the closing with two lines of the text and the first signatures, and never leaves one line of a paragraph alone', { timeout: 120_000 }, async () => {
    for (let extra = 0; extra < 12; extra += 1) {
      const paragraphs = [...Array.from({ length: 6 + extra }, () => 3), 5];
      const { items } = await render(letterModel({ text: parseLetterText(tagged(paragraphs)) }));
      const closing = items.find((item) => item.str === 'Mit freundlichen Grüßen')!;
      const firstName = items.find((item) => item.str === 'Małgorzata Kowalska')!;
      expect(closing.page, `extra ${extra}`).toBe(firstName.page);
      const last = paragraphs.length - 1;
      const before = items.filter((item) => item.page === closing.page && item.str.startsWith(`P${last}L`));
      expect(before.length, `extra ${extra}`).toBeGreaterThanOrEqual(2);
      for (let p = 0; p <= last; p += 1) {
        const lines = items.filter((item) => /^P\d+L\d+/.test(item.str) && item.str.startsWith(`P${p}L`));
        const pagesOf = new Map<number, number>();
        for (const line of lines) pagesOf.set(line.page, (pagesOf.get(line.page) ?? 0) + 1);
        for (const [page, count] of pagesOf) expect(count, `extra ${extra}, paragraph ${p}, page ${page}`).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('gives each letter its own salutation space: a two-line salutation in the batch does not move the others', async () => {
    const short = recipient();
    const long = recipient({ label: 'Landtag', code: 'BCDE-FGHJ', salutation: 'Sehr geehrte Frau Vorsitzende des Ausschusses für Arbeit, Gesundheit, Soziales und Integration des Landtags Nordrhein-Westfalen,' });
    const model = letterModel();
    const both = await renderLetters(model, [short, long], { createdAt: fixedNow });
    const alone = await renderLetters(model, [short], { createdAt: fixedNow });
    const firstLine = async (bytes: Uint8Array) => (await pdfTextItems(bytes)).items.find((item) => item.str.startsWith('Die Integration'))!.yMm;
    expect(await firstLine(both.letters[0]!.bytes)).toBeCloseTo(await firstLine(alone.letters[0]!.bytes), 3);
    expect(await firstLine(both.letters[1]!.bytes)).toBeGreaterThan((await firstLine(alone.letters[0]!.bytes)) + 4);
  });
});

describe('signatures', () => {
  it('makes the paper of an uploaded signature transparent at upload', async () => {
    const scan = await sharp({ create: { width: 600, height: 200, channels: 3, background: '#fbfbf8' } })
      .composite([{ input: Buffer.from('<svg width="600" height="200"><path d="M40 150 C 150 20, 300 180, 560 60" stroke="#102040" stroke-width="8" fill="none"/></svg>'), top: 0, left: 0 }])
      .jpeg()
      .toBuffer();
    const result = await reencodeSignature({ kind: 'image', drawn: '', upload: { bytes: scan, tooLarge: false, filename: 'scan.jpg', mimetype: 'image/jpeg' } as never });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { data, info } = await sharp(result.png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const alphaAt = (x: number, y: number) => data[(y * info.width + x) * info.channels + info.channels - 1]!;
    expect(alphaAt(5, 5)).toBe(0);
    expect(alphaAt(info.width - 5, info.height - 5)).toBe(0);
    // The ink stays opaque.
    let inked = 0;
    for (let i = info.channels - 1; i < data.length; i += info.channels) if (data[i]! > 200) inked += 1;
    expect(inked).toBeGreaterThan(500);
  });

  it('prints a signature image so that its paper covers nothing, inside its cell, and fits a long "gez." line into the cell', async () => {
    const opaque = await sharp({ create: { width: 900, height: 300, channels: 3, background: '#ffffff' } })
      .composite([{ input: Buffer.from('<svg width="900" height="300"><path d="M40 250 C 250 20, 500 280, 860 60" stroke="#000" stroke-width="12" fill="none"/></svg>'), top: 0, left: 0 }])
      .png()
      .toBuffer();
    const signatories: LetterSignatory[] = Array.from({ length: 8 }, (_, i) => ({
      name: i % 2 ? `Prof. Dr. Dr. h. c. Maximiliane Müller-Lüdenscheidt-Beispielhausen ${i}` : `Person ${i}`,
      function: 'Vorsitzende',
      organisation: `Verband ${i}`,
      signature: { signedAt, ...(i % 2 ? {} : { image: new Uint8Array(opaque) }) },
    }));
    const { letter, items, text } = await render(letterModel({ signatories }));
    // Three columns of 51 mm at 25, 82 and 139 mm (6 mm apart): every "gez." line stays in its column.
    const columns = [25, 82, 139];
    const gez = items.filter((i) => i.str.includes('gez.') || i.str.includes('Beispielhausen'));
    expect(gez.length).toBeGreaterThanOrEqual(8);
    for (const item of gez) {
      const column = columns.filter((x) => x <= item.xMm + 0.1).at(-1)!;
      expect(right(item), item.str).toBeLessThanOrEqual(column + 51 + 0.2);
    }
    expect(flat(text)).toContain('Prof. Dr. Dr. h. c. Maximiliane Müller-Lüdenscheidt-Beispielhausen 1');
    // The images are drawn with the Multiply blend mode: their white paper covers nothing.
    const doc = await PDFDocument.load(letter.bytes);
    let multiply = 0;
    for (const [, object] of doc.context.enumerateIndirectObjects()) {
      if (object instanceof PDFDict && object.get(PDFName.of('BM'))?.toString() === '/Multiply') multiply += 1;
    }
    for (const page of doc.getPages()) {
      const states = page.node.Resources()?.lookupMaybe(PDFName.of('ExtGState'), PDFDict);
      for (const [, value] of states?.entries() ?? []) if (doc.context.lookup(value, PDFDict).get(PDFName.of('BM'))?.toString() === '/Multiply') multiply += 1;
    }
    expect(multiply).toBeGreaterThanOrEqual(1);
  });
});

describe('no near-empty last page', () => {
  it('tightens the gaps when that saves a last page holding only a row of signatures', async () => {
    const signatories: LetterSignatory[] = Array.from({ length: 9 }, (_, i) => ({ name: `Person Nummer ${i + 1}`, function: 'Vorsitzende', organisation: `Verband ${i + 1}`, signature: { signedAt } }));
    const { pages, text } = await render(letterModel({ signatories, organisations: [], senderAddress: ['Markt 1', '47533 Kleve'], text: parseLetterText(`${filler} ${filler}\n\n${filler} ${filler}`) }));
    expect(pages).toBe(1);
    for (const signatory of signatories) expect(text).toContain(signatory.name);
  });
});

describe('first signatories, draft and links', () => {
  it('prints the first signatories once, even when the list is switched on', async () => {
    const { text } = await render(letterModel({ listFirstSignatories: true }));
    expect(text).not.toContain('Erstunterzeichner:');
    expect(flat(text).split('Caritasverband Geldern-Kevelaer e.V.').length - 1).toBe(1);
  });

  it('marks each draft page with one extractable "ENTWURF · Seite n von m" run, draws the watermark as a dark shape, and shows a declined organisation', async () => {
    const signatories: LetterSignatory[] = [...letterModel().signatories.map(({ signature: _signature, ...rest }) => rest), { name: 'Dietmar van de Loo', function: 'Bezirkssekretär', organisation: 'KAB Bezirksverband Kleve', declined: true }];
    const { items, pages, text } = await render(letterModel({ draft: true, signatories, text: parseLetterText(Array.from({ length: 12 }, () => filler).join('\n\n')) }));
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let page = 1; page <= pages; page += 1) expect(items.filter((item) => item.page === page && item.str === `ENTWURF · Seite ${page} von ${pages}`)).toHaveLength(1);
    for (const line of text.split('\n')) expect(['EN', 'T', 'WU', 'RF', 'ENTWURF']).not.toContain(line.trim());
    expect(flat(text)).toContain('abgelehnt');
    expect(flat(text)).toContain('KAB Bezirksverband Kleve');
  });

  it('draws the watermark dark enough for a black-and-white printer (a mid grey, not a 10 % tint)', async () => {
    const model = letterModel({ text: parseLetterText(filler) });
    const draft = (await render({ ...model, draft: true })).letter.bytes;
    const final = (await render(model)).letter.bytes;
    // Pixels of a mid grey (about 15–35 % ink), as the watermark prints; text edges give some in both.
    const midGrey = (bytes: Uint8Array) => grayPixels(bytes).filter((value) => value >= 165 && value <= 218).length;
    expect(midGrey(draft) - midGrey(final)).toBeGreaterThan(3000);
  });

  it('prints a link with its address and makes it clickable', async () => {
    const url = 'https://www.mkjfgfi.nrw/kommunale-integrationszentren';
    const { letter, text } = await render(letterModel({ text: parseLetterText(`Die [Landesförderung](${url}) ist vorgesehen.`) }));
    expect(flat(text)).toContain(`Landesförderung (${url}) ist vorgesehen.`);
    const doc = await PDFDocument.load(letter.bytes);
    const annots = doc.getPage(0).node.Annots();
    const uris = (annots?.asArray() ?? []).map((ref) => doc.context.lookup(ref, PDFDict)).map((annot) => (annot.lookup(PDFName.of('A'), PDFDict).lookup(PDFName.of('URI')) as PDFString).decodeText());
    expect(uris).toContain(url);
    expect(annots).toBeInstanceOf(PDFArray);
  });
});
