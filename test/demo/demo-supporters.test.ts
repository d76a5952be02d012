import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { DEMO_CITIZENS, demoSupporterRows } from '../../server/demo/demo-supporters.ts';
import { issueLetters } from '../../server/letters/letters.service.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { poppler } from '../helpers/pdf.ts';

const clock = () => new Date(fixedNow);

async function seeded() {
  const test = await buildTestApp();
  await seedDemo({ config: test.config, db: test.db, clock, fileStore: test.fileStore, demoPassword: 'demo-passwort-geheim' });
  const appeal = test.db.select().from(appeals).where(eq(appeals.slug, 'kleve-aufruf-integration')).get()!;
  return { test, appeal };
}

describe('the demo supporters of the Kleve appeal', () => {
  it('has its public page on, two confirmed organisations, one awaiting approval and 340 confirmed citizens spread over weeks', async () => {
    const { test, appeal } = await seeded();
    expect(appeal).toMatchObject({ publicPage: true, publicFrom: 'signing', letterNamesSupporters: true, letterCountsCitizens: true });
    const q = (sql: string) => test.sqlite.prepare(sql).all(appeal.id);
    expect(q('SELECT citizens, organisations FROM supporter_counts WHERE appeal_id = ?')).toEqual([{ citizens: DEMO_CITIZENS, organisations: 2 }]);
    expect(q("SELECT organisation_name AS name, state FROM supporters WHERE appeal_id = ? AND kind = 'organisation' ORDER BY id")).toEqual([
      { name: 'Flüchtlingshilfe Goch e.V.', state: 'confirmed' },
      { name: 'Evangelische Kirchengemeinde Emmerich am Rhein', state: 'confirmed' },
      { name: 'SV Rot-Weiß Weeze 1921 e.V.', state: 'awaiting_approval' },
    ]);
    const named = q("SELECT count(*) AS n FROM supporters WHERE appeal_id = ? AND kind = 'citizen' AND show_name = 1")[0] as { n: number };
    expect(named.n).toBeGreaterThan(DEMO_CITIZENS * 0.35);
    expect(named.n).toBeLessThan(DEMO_CITIZENS * 0.65);
    const comments = q("SELECT comment_state AS state, count(*) AS n FROM supporters WHERE appeal_id = ? AND kind = 'citizen' AND comment <> '' GROUP BY comment_state ORDER BY comment_state") as { state: string; n: number }[];
    expect(comments.find((row) => row.state === 'pending')?.n).toBe(2);
    expect(comments.find((row) => row.state === 'approved')?.n).toBeGreaterThan(5);
    const days = q('SELECT day, citizens FROM supporter_days WHERE appeal_id = ? ORDER BY day') as { day: string; citizens: number }[];
    expect(days.length).toBeGreaterThan(20);
    expect(days.reduce((sum, day) => sum + day.citizens, 0)).toBe(DEMO_CITIZENS);
    expect(Math.max(...days.map((day) => day.citizens))).toBeGreaterThan(3 * Math.min(...days.map((day) => day.citizens)));
    expect(days.at(-1)!.day <= '2026-11-22').toBe(true);
    // Postcodes and places of the Kreis Kleve only.
    const places = q("SELECT DISTINCT postcode || ' ' || place AS place FROM supporters WHERE appeal_id = ? AND kind = 'citizen'") as { place: string }[];
    for (const { place } of places) expect(place).toMatch(/^(4[67]\d{3}) [A-ZÄÖÜ][a-zäöüß -]+/);
  });

  it('is the same on every seed: derived from a fixed seed and the clock', () => {
    const rows = () => demoSupporterRows({ appeal: { id: 7 }, now: clock(), logoFiles: [null, null, null] });
    expect(rows()).toEqual(rows());
    expect(new Set(rows().map((row) => row.emailKey)).size).toBe(DEMO_CITIZENS + 3);
  });

  it('the draft letter of the demo names its supporters', async () => {
    const { test, appeal } = await seeded();
    const master = (await issueLetters({ db: test.db, fileStore: test.fileStore, clock, baseUrl: test.config.baseUrl, appeal, selection: { master: true } })).master!;
    const text = poppler('pdftotext', master.bytes).replace(/\s+/g, ' ');
    expect(text).toContain('Unterstützt von: Flüchtlingshilfe Goch e.V., Evangelische Kirchengemeinde Emmerich am Rhein sowie 340 Bürgerinnen und Bürger');
    expect(text).not.toContain('Weeze');
  });
});
