// The "Done when" stress appeal of issue 14: 40 signatories, a 150-character organisation name,
// an address that needs 7 lines, a five-page body and an emoji. No overlap, no cut, no lone
// closing, every name whole in copied text.
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { fixedNow } from '../helpers/app.ts';
import { pdfTextItems, poppler } from '../helpers/pdf.ts';
import type { PdfTextItem } from '../helpers/pdf.ts';
import { parseLetterText } from '../../server/appeals/letter-text.ts';
import { renderLetters } from '../../server/letter-pdf/letter-render.ts';
import type { LetterSignatory } from '../../server/letter-pdf/letter-model.ts';
import { letterModel, recipient } from './letter-fixtures.ts';

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
  const result = await renderLetters(model, [recipient({ label: 'Landtag', addressLines: address, salutation: 'Sehr geehrte Frau Vorsitzende,' })], { createdAt: fixedNow });
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
  it('renders with no overlap, no cut, no lone closing and every name whole in copied text', { timeout: 120_000 }, async () => {
    const { signatories, address, result, letter, pages, items, text } = await stressAppeal();
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
  });
});
