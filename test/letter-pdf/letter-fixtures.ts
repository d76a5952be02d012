// A plain letter model and recipient for the letter-pdf tests (no database).
import { parseLetterText } from '../../server/appeals/letter-text.ts';
import type { LetterModel, LetterSignatory, RenderRecipient } from '../../server/letter-pdf/letter-model.ts';

export const signedAt = new Date('2026-11-20T10:00:00Z');
export const filler = 'Die Integration braucht Struktur, Geld und Menschen, die sich vor Ort kümmern und die Angebote verbinden.';

export function letterModel(overrides: Partial<LetterModel> = {}): LetterModel {
  const signatories: LetterSignatory[] = [
    { name: 'Małgorzata Kowalska', function: 'Vorsitzende', organisation: 'AWO Kreisverband Kleve e.V.', signature: { signedAt } },
    { name: 'Andreas Brinkmann', function: 'Vorstand', organisation: 'Caritasverband Geldern-Kevelaer e.V.', signature: { signedAt } },
    { name: 'Rolf Terhoeven', function: 'Vorsitzender', organisation: 'DGB Kreisverband Kleve', signature: { signedAt } },
  ];
  return {
    slug: 'kleve-aufruf',
    coalitionName: 'Aktionsbündnis für Integration im Kreis Kleve',
    senderAddress: ['c/o Caritasverband Kleve e.V.', 'Hoffmannallee 66', '47533 Kleve'],
    place: 'Kleve',
    title: 'Integration braucht Struktur',
    subtitleLines: [],
    letterDate: '2026-11-22',
    reference: '',
    text: parseLetterText(`${filler}\n\n${filler} ${filler}`),
    closing: 'Mit freundlichen Grüßen',
    contact: { name: 'Andrea Beispiel', function: 'Koordination', email: 'koordination@example.org', phone: '02821 000000' },
    ccLines: [],
    attachmentLines: [],
    listFirstSignatories: false,
    draft: false,
    organisations: signatories.map((s) => ({ name: s.organisation, shortName: s.organisation.split(' ')[0]! })),
    signatories,
    baseUrl: 'https://mitzeichnen.example',
    ...overrides,
  };
}

export const recipient = (overrides: Partial<RenderRecipient> = {}): RenderRecipient => ({
  label: 'Stadt Goch',
  addressLines: ['Stadt Goch', 'Herrn Bürgermeister', 'Ulrich Knickrehm', 'Markt 2', '47574 Goch'],
  salutation: 'Sehr geehrter Herr Bürgermeister,',
  code: 'ABCD-EFGH',
  ...overrides,
});
