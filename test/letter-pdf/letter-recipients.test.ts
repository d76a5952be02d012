// What the letter says about its recipients and sender, through the app: "Gleichlautende
// Schreiben an", the forwarding note of a collective letter, the postal sender from the appeal
// form, and characters no font has reported on the letters page before sending.
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { appealFormFields, loginAs, makeAddressee, makeAppeal, makeList, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { untilReady } from '../helpers/background.ts';
import { pageText } from '../helpers/html.ts';
import { pdfTextItems, poppler } from '../helpers/pdf.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import type { Appeal } from '../../server/appeals/appeals.table.ts';
import { addListToAppeal } from '../../server/addressees/addressees.service.ts';
import { issueLetters, prepareLetterIssuer } from '../../server/letters/letters.service.ts';

const clock = () => new Date(fixedNow);
const flat = (text: string) => text.replace(/\s+/g, ' ');
// Seeding the demo and rendering take long on a busy machine.
const slow = { timeout: 120_000 };

async function demo() {
  const app = await buildTestApp();
  await seedDemo({ config: app.config, db: app.db, clock, fileStore: app.fileStore, demoPassword: 'demo-passwort-geheim' });
  const appeal = app.db.select().from(appeals).where(eq(appeals.slug, 'kleve-aufruf-integration')).get()!;
  return { ...app, appeal };
}

describe('who else receives the letter', () => {
  it('ends with "Gleichlautende Schreiben an:" naming the lists when there are many letters, and leaves it out when switched off', slow, async () => {
    const app = await demo();
    const { personal } = prepareLetterIssuer({ db: app.db, fileStore: app.fileStore, clock, baseUrl: app.config.baseUrl, appeal: app.appeal });
    const one = personal.find((recipient) => recipient.addresseeId !== null)!;
    const issue = (appeal: Appeal) => issueLetters({ db: app.db, fileStore: app.fileStore, clock, baseUrl: app.config.baseUrl, appeal, selection: { personal: { addresseeId: one.addresseeId! } } });
    const letters = (await issue(app.appeal)).personal;
    const text = flat(poppler('pdftotext', letters[0]!.bytes));
    expect(text).toContain('Gleichlautende Schreiben an: Landrat des Kreises Kleve, Mitglieder des Kreistages des Kreises Kleve, Bürgermeisterinnen und Bürgermeister der Städte und Gemeinden im Kreis Kleve');
    app.db.update(appeals).set({ letterNamesRecipients: false }).where(eq(appeals.id, app.appeal.id)).run();
    const off = app.db.select().from(appeals).where(eq(appeals.id, app.appeal.id)).get()!;
    expect(poppler('pdftotext', (await issue(off)).personal[0]!.bytes)).not.toContain('Gleichlautende');
  });

  it('puts "– zur Weiterleitung an alle Mitglieder des Kreistages –" in the Zusatz- und Vermerkzone of the collective letter only', slow, async () => {
    const app = await demo();
    const { personal: recipients } = prepareLetterIssuer({ db: app.db, fileStore: app.fileStore, clock, baseUrl: app.config.baseUrl, appeal: app.appeal });
    const collective = recipients.find((recipient) => recipient.addressLines.includes('Mitglieder des Kreistages'))!;
    const other = recipients.find((recipient) => recipient.addresseeId !== null)!;
    const issue = (personal: { listId: number } | { addresseeId: number }) => issueLetters({ db: app.db, fileStore: app.fileStore, clock, baseUrl: app.config.baseUrl, appeal: app.appeal, selection: { personal } });
    const note = '– zur Weiterleitung an alle Mitglieder des Kreistages –';
    const kreistag = (await issue({ listId: collective.listId! })).personal;
    expect(kreistag).toHaveLength(1);
    const { items } = await pdfTextItems(kreistag[0]!.bytes);
    const placed = items.find((item) => item.str === note)!;
    expect(placed.page).toBe(1);
    expect(placed.yMm).toBeGreaterThan(45);
    expect(placed.yMm).toBeLessThan(62.7);
    expect(placed.xMm + placed.widthMm).toBeLessThanOrEqual(105);
    // A personal letter has no such note.
    expect(poppler('pdftotext', (await issue({ addresseeId: other.addresseeId! })).personal[0]!.bytes)).not.toContain('Weiterleitung');
  });
});

describe('the sender on the appeal form and warnings on the letters page', () => {
  it('saves the postal address from the form and prints it; the letters page names a character no font has', slow, async () => {
    const app = await buildTestApp();
    const { organiser, password } = await makeOrganiser(app.db);
    const appeal = makeAppeal(app.db, organiser.id);
    const list = makeList(app.db, organiser.id);
    makeAddressee(app.db, list, { institution: 'Gemeinde Uedem', lastName: 'Muster' });
    addListToAppeal({ db: app.db, organiserId: organiser.id, appeal, listId: list.id, collective: false });
    const agent = app.http();
    await loginAs(agent, { email: organiser.email, password });
    const form = await agent.get(`/appeals/${appeal.slug}/edit`).expect(200);
    expect(pageText(form.text)).toContain('Postanschrift des Bündnisses');
    const fields = { ...appealFormFields({ title: appeal.title, body: 'Wir feiern 🎉 die Eröffnung.', letterNamesRecipients: true }), senderAddress: 'c/o Caritasverband Kleve e.V.\r\nHoffmannallee 66\r\n47533 Kleve' };
    await submitForm(agent, `/appeals/${appeal.slug}/edit`, `/appeals/${appeal.slug}`, fields);
    const saved = app.db.select().from(appeals).where(eq(appeals.id, appeal.id)).get()!;
    expect(saved.senderAddress).toBe('c/o Caritasverband Kleve e.V.\nHoffmannallee 66\n47533 Kleve');
    const { master } = await issueLetters({ db: app.db, fileStore: app.fileStore, clock, baseUrl: app.config.baseUrl, appeal: saved, selection: { master: true } });
    expect(flat(poppler('pdftotext', master!.bytes))).toContain('c/o Caritasverband Kleve e.V. · Hoffmannallee 66 · 47533 Kleve');
    const page = await untilReady(() => agent.get(`/appeals/${appeal.slug}/letters`).expect(200));
    expect(pageText(page.text)).toContain('Das Zeichen „🎉“ (U+1F389) ist in keiner Schrift enthalten');
  });
});
