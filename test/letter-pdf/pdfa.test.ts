// PDF/A-2u, checked structurally (veraPDF cannot be installed here): the XMP metadata parsed
// back and compared with the document information, the sRGB output intent with its ICC
// profile, the fonts (embedded, subset-tagged, with ToUnicode), qpdf's structure check, the
// trailer /ID of the shared part and of every letter, and the reading order of page 1.
import { describe, expect, it } from 'vitest';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { makeAddressee, makeAppeal, makeList, makeOrganiser } from '../helpers/factories.ts';
import { poppler } from '../helpers/pdf.ts';
import { addListToAppeal } from '../../server/addressees/addressees.service.ts';
import { resolveLetter } from '../../server/letters/resolve-letter.ts';
import { buildRecipients } from '../../server/letters/recipients.ts';
import { prepareLetter, recipientTexts, salutationLinesFor, stampLetter } from '../../server/letter-pdf/letter-render.ts';
import { renderSupporterList } from '../../server/letter-pdf/supporter-list.ts';
import { combineLetters } from '../../server/letter-pdf/letter-combine.ts';
import { expectPdfA } from './pdfa-checks.ts';

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
