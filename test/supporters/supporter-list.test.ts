// The "Unterstützerliste": a second PDF with every letter mail when the appeal says so.
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeFinalAppeal, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { pdfTextItems, poppler } from '../helpers/pdf.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { addSupporter } from '../helpers/supporters.ts';
import { letterDocuments } from '../../server/letters/letter-documents.table.ts';
import { letterRenderer } from '../../server/letters/letter-renderer.ts';

async function setup(supporterListAttached: boolean) {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const app = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url(), MAIL_FROM: 'Mitzeichnen <versand@buendnis.example>' } });
  const { organiser, password } = await makeOrganiser(app.db);
  const made = await makeFinalAppeal(app, organiser.id, {
    appeal: { title: 'Kommunale Integrationszentren sichern', supporterListAttached, letterCountsCitizens: true },
    beforeFinalise: (appeal) => {
      addSupporter(app.db, appeal.id, { email: 'verein@example.org', kind: 'organisation', organisationName: 'Flüchtlingshilfe an der Niers e.V.', address: 'Beispielweg 12\n47574 Goch', firstName: 'Hendrik', lastName: 'Verhoeven' });
      addSupporter(app.db, appeal.id, { email: 'anna@example.org', firstName: 'Anna', lastName: 'Janssen', place: 'Kleve', showName: true });
      addSupporter(app.db, appeal.id, { email: 'ohne-namen@example.org', firstName: 'Geheim', lastName: 'Nichtgenannt', place: 'Kerken', showName: false });
      addSupporter(app.db, appeal.id, { email: 'spaeter-weg@example.org', firstName: 'Paul', lastName: 'Zurückgezogen', place: 'Weeze', showName: true });
    },
  });
  // Withdrawn after finalising: the letter keeps its number, the list no longer names him.
  app.sqlite.prepare("UPDATE supporters SET state = 'withdrawn' WHERE last_name = 'Zurückgezogen'").run();
  // Confirmed after finalising: neither in the letter's number nor in the list.
  addSupporter(app.db, made.appeal.id, { email: 'zu-spaet@example.org', firstName: 'Zu', lastName: 'Spät', showName: true, confirmedAt: new Date(Date.now() + 60_000) });
  const { worker } = makeMailWorker({ db: app.db, clock: time.clock, config: app.config });
  await worker.runOnce();
  sink.received.length = 0;
  const agent = app.http();
  await loginAs(agent, { email: organiser.email, password });
  const page = `/appeals/${made.appeal.slug}/dispatch`;
  return { sink, app, agent, worker, page, ...made };
}

describe('the supporter list', () => {
  it('goes with every letter mail as a second PDF: organisations with their place, named citizens with name and place only', async () => {
    const s = await setup(true);
    expect((await submitForm(s.agent, s.page, s.page, {})).status).toBe(303);
    await s.worker.runOnce();
    await s.worker.runOnce();
    // The two letters; the thanks with the final letter to the first signatories follow them.
    const letters = s.sink.received.filter((mail) => !(mail.parsed.subject ?? '').startsWith('Verschickt – vielen Dank'));
    expect(letters).toHaveLength(2);
    const lists: Buffer[] = [];
    for (const mail of letters) {
      const pdfs = mail.parsed.attachments.filter((attachment) => attachment.mimeType === 'application/pdf');
      expect(pdfs).toHaveLength(2);
      expect(pdfs[1]!.filename).toMatch(/^\d{4}-\d{2}-\d{2}_[a-z0-9-]+_unterstuetzerliste\.pdf$/);
      expect(mail.parsed.text).toContain('Die Liste der Unterstützenden liegt als zweite PDF-Datei bei');
      lists.push(Buffer.from(new Uint8Array(pdfs[1]!.content as ArrayBuffer)));
    }
    // Rendered once: the same bytes in every mail, recorded once with a code in its footer.
    expect(lists[0]!.equals(lists[1]!)).toBe(true);
    const text = poppler('pdftotext', lists[0]!).replace(/\s+/g, ' ');
    for (const expected of ['Unterstützerliste', 'Kommunale Integrationszentren sichern', 'Flüchtlingshilfe an der Niers e.V., Goch', 'Anna Janssen, Kleve', '3 Bürgerinnen und Bürger unterstützen den Aufruf', 'Prüfcode']) expect(text).toContain(expected);
    for (const absent of ['Nichtgenannt', 'Zurückgezogen', 'Spät', '@', 'Beispielweg']) expect(text).not.toContain(absent);
    const records = s.app.db.select().from(letterDocuments).where(eq(letterDocuments.kind, 'supporter_list')).all();
    expect(records).toHaveLength(1);
    expect(text).toContain(records[0]!.code);
    const verify = await s.app.http().get(`/v/${records[0]!.code}`).expect(200);
    expect(verify.text).toContain('Unterstützerliste');
  });

  it('is not attached when the organiser did not choose it', async () => {
    const s = await setup(false);
    await submitForm(s.agent, s.page, s.page, {});
    await s.worker.runOnce();
    expect(s.sink.received.length).toBeGreaterThan(0);
    for (const mail of s.sink.received) expect(mail.parsed.attachments).toHaveLength(1);
  });

  it('flows over pages in two columns, within the text width, rendered in the worker pool', async () => {
    const citizens = Array.from({ length: 400 }, (_, i) => ({ name: `Vorname${i} Nachname${i}`, place: i % 2 ? 'Emmerich am Rhein' : 'Kleve' }));
    const model = { slug: 'x', coalitionName: 'Bündnis', title: 'Titel', asOf: '2026-11-22', organisations: [{ name: 'Tafel Kleve e.V.', place: 'Kleve' }], citizens, namedCitizens: 4321, citizenCount: 9876, code: 'ABCD-EFGH', baseUrl: 'http://mitzeichnen.test' };
    const { bytes, pageCount } = await letterRenderer().supporterList(model, new Date(fixedNow));
    const { pages, items } = await pdfTextItems(bytes);
    expect(pages).toBe(pageCount);
    expect(pages).toBeGreaterThan(2);
    expect(items.filter((item) => item.str.startsWith('Vorname399 Nachname399'))).toHaveLength(1);
    expect(new Set(items.filter((item) => item.str.startsWith('Vorname')).map((item) => Math.round(item.xMm))).size).toBe(2);
    for (const item of items) expect(item.xMm + item.widthMm).toBeLessThanOrEqual(190.5);
    const text = poppler('pdftotext', bytes).replace(/\s+/g, ' ');
    expect(text).toContain('Seite 3 von');
    expect(text).toContain('9.876 Bürgerinnen und Bürger unterstützen den Aufruf');
    // A list longer than a mail can carry names the first ones and says how many more agreed.
    expect(text).toContain('(4.321 Personen)');
    expect(text).toContain('… und 3.921 weitere Personen, die der Nennung zugestimmt haben.');
  });
});
