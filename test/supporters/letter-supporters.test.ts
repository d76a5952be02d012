import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { appeals } from '../../server/appeals/appeals.table.ts';
import type { Appeal } from '../../server/appeals/appeals.table.ts';
import { issueLetters } from '../../server/letters/letters.service.ts';
import { reopen } from '../../server/signing/signing-organiser.service.ts';
import { supportersRepository } from '../../server/supporters/supporters.repository.ts';
import { addSupporters } from '../helpers/supporters.ts';
import { supportersText } from '../../server/letter-pdf/signature-block.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { makeAppeal, makeFinalAppeal, makeOrganiser, makeSignatory } from '../helpers/factories.ts';
import { pdfTextItems, poppler } from '../helpers/pdf.ts';

const clock = () => new Date(fixedNow);
const masterOf = async (test: TestApp, appeal: Appeal) => (await issueLetters({ db: test.db, fileStore: test.fileStore, clock, baseUrl: test.config.baseUrl, appeal, selection: { master: true } })).master!;
const textOf = (bytes: Uint8Array) => poppler('pdftotext', bytes).replace(/\s+/g, ' ');
const reload = (test: TestApp, appeal: Appeal) => test.db.select().from(appeals).where(eq(appeals.id, appeal.id)).get()!;

async function finalWithSupporters(options: { names?: boolean; count?: boolean } = {}) {
  const test = await buildTestApp();
  const { organiser } = await makeOrganiser(test.db);
  const { appeal } = await makeFinalAppeal(test, organiser.id, {
    appeal: { letterNamesSupporters: options.names ?? true, letterCountsCitizens: options.count ?? true },
    beforeFinalise: (signing) => {
      addSupporters(test.db, signing.id, { organisations: ['Flüchtlingsrat im Kreis Kleve e.V.', 'Evangelische Kirchengemeinde Goch'], citizens: 1234 });
      addSupporters(test.db, signing.id, { organisations: ['Noch nicht freigegeben e.V.'], state: 'awaiting_approval' });
      addSupporters(test.db, signing.id, { organisations: ['SV Siegfried Materborn 1926 e.V.'] });
    },
  });
  return { test, organiser, appeal };
}

describe('supporters in the letter', () => {
  it('names the confirmed organisations in the order of confirmation and the number of citizens, frozen at finalising', async () => {
    const { test, appeal } = await finalWithSupporters();
    const text = textOf((await masterOf(test, appeal)).bytes);
    expect(text).toContain('Unterstützt von:');
    expect(text).toContain('Flüchtlingsrat im Kreis Kleve e.V., Evangelische Kirchengemeinde Goch, SV Siegfried Materborn 1926 e.V. sowie 1.234 Bürgerinnen und Bürger');
    expect(text).not.toContain('Noch nicht freigegeben');
    expect(supportersRepository(test.db).findSnapshot(appeal.id)).toMatchObject({ citizens: 1234, organisations: ['Flüchtlingsrat im Kreis Kleve e.V.', 'Evangelische Kirchengemeinde Goch', 'SV Siegfried Materborn 1926 e.V.'] });
  });

  it('a withdrawal or deletion after finalising changes the count on the page, not the letter', async () => {
    const { test, appeal } = await finalWithSupporters();
    const before = await masterOf(test, appeal);
    test.sqlite.prepare("UPDATE supporters SET state = 'withdrawn', withdrawn_at = ? WHERE appeal_id = ? AND id IN (SELECT id FROM supporters WHERE appeal_id = ? AND kind = 'citizen' LIMIT 10)").run(clock().getTime(), appeal.id, appeal.id);
    test.sqlite.prepare("UPDATE supporters SET state = 'withdrawn', withdrawn_at = ? WHERE appeal_id = ? AND organisation_name = 'Evangelische Kirchengemeinde Goch'").run(clock().getTime(), appeal.id);
    addSupporters(test.db, appeal.id, { organisations: ['Später dazu e.V.'], citizens: 5 });
    expect(supportersRepository(test.db).counts(appeal.id).citizens).toBe(1229);
    const after = await masterOf(test, appeal);
    expect(after.sha256).toBe(before.sha256);
    expect(after.code).toBe(before.code);
    expect(textOf(after.bytes)).toContain('Evangelische Kirchengemeinde Goch, SV Siegfried Materborn 1926 e.V. sowie 1.234 Bürgerinnen und Bürger');
  });

  it('a reopen clears the snapshot; finalising again freezes the supporters of that moment', async () => {
    const { test, appeal } = await finalWithSupporters();
    reopen({ db: test.db, clock, config: test.config, appeal, actor: 'Test' });
    expect(supportersRepository(test.db).findSnapshot(appeal.id)).toBeUndefined();
    addSupporters(test.db, appeal.id, { citizens: 2 });
    const draft = textOf((await masterOf(test, reload(test, appeal))).bytes);
    expect(draft).toContain('Entwurf – nicht versenden');
    expect(draft).toContain('sowie 1.236 Bürgerinnen und Bürger');
  });

  it('the draft letter shows the live supporters', async () => {
    const test = await buildTestApp();
    const { organiser } = await makeOrganiser(test.db);
    const appeal = makeAppeal(test.db, organiser.id, { letterNamesSupporters: true, letterCountsCitizens: true });
    await makeSignatory(test.db, test.fileStore, appeal, { shortName: 'AWO' });
    addSupporters(test.db, appeal.id, { organisations: ['Tafel Kleve e.V.'], citizens: 1 });
    expect(textOf((await masterOf(test, appeal)).bytes)).toContain('Tafel Kleve e.V. sowie eine Bürgerin oder ein Bürger');
    addSupporters(test.db, appeal.id, { citizens: 1 });
    expect(textOf((await masterOf(test, appeal)).bytes)).toContain('Tafel Kleve e.V. sowie 2 Bürgerinnen und Bürger');
  });

  it('names only what the organiser chose, and nothing when neither is chosen', async () => {
    const onlyCount = await finalWithSupporters({ names: false, count: true });
    const countText = textOf((await masterOf(onlyCount.test, onlyCount.appeal)).bytes);
    expect(countText).toContain('Unterstützt von: 1.234 Bürgerinnen und Bürger');
    expect(countText).not.toContain('Flüchtlingsrat');

    const onlyNames = await finalWithSupporters({ names: true, count: false });
    const namesText = textOf((await masterOf(onlyNames.test, onlyNames.appeal)).bytes);
    expect(namesText).toContain('Flüchtlingsrat im Kreis Kleve e.V., Evangelische Kirchengemeinde Goch und SV Siegfried Materborn 1926 e.V.');
    expect(namesText).not.toContain('Bürgerinnen und Bürger');

    const neither = await finalWithSupporters({ names: false, count: false });
    expect(textOf((await masterOf(neither.test, neither.appeal)).bytes)).not.toContain('Unterstützt von');
  });

  it('wraps a long list of organisations as flowing text within the text width, over pages', async () => {
    const test = await buildTestApp();
    const { organiser } = await makeOrganiser(test.db);
    const appeal = makeAppeal(test.db, organiser.id, { letterNamesSupporters: true, letterCountsCitizens: true });
    await makeSignatory(test.db, test.fileStore, appeal, { shortName: 'AWO' });
    const many = Array.from({ length: 120 }, (_, i) => `Initiative Nummer ${i + 1} im Kreis Kleve e.V.`);
    addSupporters(test.db, appeal.id, { organisations: many, citizens: 1234 });
    const bytes = (await masterOf(test, appeal)).bytes;
    const text = textOf(bytes);
    expect(text).toContain('Initiative Nummer 1 im Kreis Kleve e.V., Initiative Nummer 2 im Kreis Kleve e.V.,');
    expect(text).toContain('Initiative Nummer 120 im Kreis Kleve e.V. sowie 1.234 Bürgerinnen und Bürger');
    const { pages, items } = await pdfTextItems(bytes);
    expect(pages).toBeGreaterThan(1);
    const listed = items.filter((item) => item.str.includes('Initiative Nummer'));
    expect(listed.length).toBeGreaterThan(20);
    for (const item of listed) {
      expect(item.xMm).toBeGreaterThanOrEqual(24.9);
      expect(item.xMm + item.widthMm).toBeLessThanOrEqual(190.1);
    }
  });

  it('says "eine Bürgerin oder ein Bürger" for one, and names nothing when there is nothing to name', () => {
    expect(supportersText({ organisations: [], citizens: 1 })).toBe('eine Bürgerin oder ein Bürger');
    expect(supportersText({ organisations: ['A'], citizens: 1 })).toBe('A sowie eine Bürgerin oder ein Bürger');
    expect(supportersText({ organisations: [], citizens: 0 })).toBe('');
    expect(supportersText({ organisations: ['A'], citizens: null })).toBe('A');
    expect(supportersText({ organisations: ['A', 'B'], citizens: 0 })).toBe('A und B');
  });
});
