import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { csrfToken, fieldError, pageText, parseHtml } from '../helpers/html.ts';
import { poppler } from '../helpers/pdf.ts';
import { loginAs } from '../helpers/factories.ts';
import { recordIncomingMessage } from '../../server/replies/incoming.service.ts';
import { replies } from '../../server/replies/replies.table.ts';
import { auditEvents } from '../../server/audit/audit.table.ts';
import { exeBytes, incoming, pdfBytes, sentAppeal } from './setup.ts';

type Sent = Awaited<ReturnType<typeof sentAppeal>>;

/** Goch bounced, Kleve sent an auto-reply, the Landrat answered by mail. */
async function withMailboxEvents(s: Sent) {
  const deps = { db: s.app.db, clock: s.time.clock, store: s.store };
  const goch = s.byEmail('buergermeisterin@goch.example');
  const kleve = s.byEmail('buergermeister@kleve.example');
  const landrat = s.byEmail('landrat@kreis-kleve.example');
  await recordIncomingMessage({ ...deps, message: incoming({ kind: 'bounce', messageId: '<dsn@goch>', bounce: { originalMessageId: goch.outbox!.messageId!, recipient: null, status: '5.7.1', diagnostic: '550 envelope blocked' } }) });
  await recordIncomingMessage({ ...deps, message: incoming({ kind: 'auto-reply', messageId: '<ooo@kleve>', subject: 'Abwesenheitsnotiz', inReplyTo: kleve.outbox!.messageId! }) });
  await recordIncomingMessage({ ...deps, message: incoming({ messageId: '<re@kreis>', inReplyTo: landrat.outbox!.messageId!, attachments: [{ filename: 'Stellungnahme.pdf', contentType: 'application/pdf', bytes: pdfBytes() }] }) });
  return { goch, kleve, landrat };
}

const rowOf = (html: string, deliveryId: number) => parseHtml(html)(`tr[data-delivery-id="${deliveryId}"]`);

describe('the inbox of an appeal', () => {
  it('shows per addressee the delivery and the answer, and the answer rate', async () => {
    const s = await sentAppeal();
    const { goch, kleve, landrat } = await withMailboxEvents(s);
    const page = await s.agent.get(`/appeals/${s.slug}/replies`).expect(200);
    const $ = parseHtml(page.text);
    expect($('[data-testid="answer-rate"]').text()).toBe('1 von 4 haben geantwortet');
    expect(rowOf(page.text, goch.delivery.id).find('[data-testid="delivery"]').text()).toBe('unzustellbar: 5.7.1 550 envelope blocked');
    expect(rowOf(page.text, kleve.delivery.id).find('[data-testid="delivery"]').text()).toBe('verschickt; automatische Antwort notiert');
    expect(rowOf(page.text, kleve.delivery.id).find('[data-testid="answer"]').text()).toBe('Antwort ausstehend');
    expect(rowOf(page.text, landrat.delivery.id).find('[data-testid="answer"]').text()).toBe('beantwortet');
    // The reply's file is a download that runs nothing.
    const href = $('.reply-list a[download]').attr('href')!;
    const file = await s.agent.get(href).expect(200);
    expect(file.headers['content-disposition']).toBe('attachment; filename="Stellungnahme.pdf"');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-security-policy']).toContain("default-src 'none'");
    // "keine Antwort erwartet" leaves the rate's count.
    const form = await s.agent.get(`/appeals/${s.slug}/replies`);
    await s.agent.post(`/appeals/${s.slug}/replies/deliveries/${kleve.delivery.id}/waiver`).type('form').send({ _csrf: csrfToken(form.text), waived: '1' }).expect(303);
    const after = await s.agent.get(`/appeals/${s.slug}/replies`).expect(200);
    expect(parseHtml(after.text)('[data-testid="answer-rate"]').text()).toBe('1 von 3 haben geantwortet');
    expect(rowOf(after.text, kleve.delivery.id).find('[data-testid="answer"]').text()).toBe('keine Antwort erwartet');
    // The appeal's overview says it too.
    const overview = await s.agent.get(`/appeals/${s.slug}`).expect(200);
    expect(parseHtml(overview.text)('[data-testid="answer-rate"]').text()).toBe('1 von 3 haben geantwortet');
  });

  it('records a postal reply with a scan, and publishes it on the public page with date and office', async () => {
    const s = await sentAppeal({ appeal: { publicPage: true, coalitionName: 'Bündnis für Integration Kleve', title: 'Kommunale Integrationszentren sichern', contactName: 'Andrea Beispiel', contactEmail: 'andrea@buendnis.example' } });
    const post = s.rows().find((row) => row.delivery.channel === 'post')!;
    const path = `/appeals/${s.slug}/replies/deliveries/${post.delivery.id}/record`;
    const form = await s.agent.get(path).expect(200);
    // A renamed executable as "scan": refused at the field, the text stays.
    const refused = await s.agent.post(path).field('_csrf', csrfToken(form.text)).field('source', 'post').field('receivedOn', '2026-12-01').field('office', 'Gemeinde Kerken').field('body', 'Wir unterstützen das Anliegen.').attach('file1', exeBytes(), 'scan.pdf');
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'file1')).toContain('nur PDF-Dateien oder Bilder');
    expect(parseHtml(refused.text)('#f-body').text()).toBe('Wir unterstützen das Anliegen.');
    const saved = await s.agent.post(path).field('_csrf', csrfToken(form.text)).field('source', 'post').field('receivedOn', '2026-12-01').field('office', 'Gemeinde Kerken').field('body', 'Wir unterstützen das Anliegen.').field('mayPublish', 'on').attach('file1', pdfBytes(), 'scan.pdf');
    expect(saved.status).toBe(303);
    const reply = s.app.db.select().from(replies).get()!;
    expect(reply).toMatchObject({ source: 'post', office: 'Gemeinde Kerken', mayPublish: true });
    const inbox = await s.agent.get(`/appeals/${s.slug}/replies`).expect(200);
    await s.agent.post(`/appeals/${s.slug}/replies/answers/${reply.id}/publish`).type('form').send({ _csrf: csrfToken(inbox.text), publish: '1' }).expect(303);
    const publicPage = await s.app.http().get(`/a/${s.slug}`).expect(200);
    const text = pageText(publicPage.text);
    expect(text).toContain('Antwort von Gemeinde Kerken, 01.12.2026');
    expect(text).toContain('Wir unterstützen das Anliegen.');
    expect(text).toContain('1 von 4 Angeschriebenen haben geantwortet.');
    expect(s.app.db.select().from(auditEvents).where(eq(auditEvents.action, 'reply_published')).all()).toHaveLength(1);
  });

  it('publishes nothing without consent, and shows an HTML reply only as text', async () => {
    const s = await sentAppeal({ appeal: { publicPage: true } });
    const kleve = s.byEmail('buergermeister@kleve.example');
    await recordIncomingMessage({ db: s.app.db, clock: s.time.clock, store: s.store, message: incoming({ inReplyTo: kleve.outbox!.messageId!, text: '', html: '<p>Hallo</p><script>alert("x")</script><b onmouseover="evil()">fett</b>' }) });
    const reply = s.app.db.select().from(replies).get()!;
    const inbox = await s.agent.get(`/appeals/${s.slug}/replies`).expect(200);
    expect(inbox.text).not.toContain('<script>alert');
    expect(inbox.text).not.toContain('onmouseover');
    expect(parseHtml(inbox.text)(`[data-reply-id="${reply.id}"] .reply-text`).text()).toBe('Hallo\nfett');
    await s.agent.post(`/appeals/${s.slug}/replies/answers/${reply.id}/publish`).type('form').send({ _csrf: csrfToken(inbox.text), publish: '1' }).expect(303);
    expect(s.app.db.select().from(replies).get()!.publishedAt).toBeNull();
    const publicPage = await s.app.http().get(`/a/${s.slug}`).expect(200);
    expect(pageText(publicPage.text)).not.toContain('fett');
  });

  it('reminds the silent ones after the days, in the letter’s thread, never twice, never the answered or bounced', async () => {
    const s = await sentAppeal();
    const { kleve, landrat, goch } = await withMailboxEvents(s);
    const inbox = `/appeals/${s.slug}/replies`;
    const remindAll = async () => {
      const page = await s.agent.get(inbox).expect(200);
      return s.agent.post(`${inbox}/remind`).type('form').send({ _csrf: csrfToken(page.text) });
    };
    const reminders = () => s.sink.received.filter((mail) => String(mail.parsed.subject).startsWith('Erinnerung:'));
    s.sink.received.length = 0;
    // Too early: nothing is due.
    await remindAll();
    await s.worker.runOnce();
    expect(reminders()).toHaveLength(0);
    s.time.advance(22 * 86_400_000);
    // The session has ended meanwhile.
    await loginAs(s.agent, { email: s.organiser.email, password: s.password });
    expect((await remindAll()).status).toBe(303);
    await remindAll();
    s.sink.received.length = 0;
    await s.worker.runOnce();
    expect(reminders().map((mail) => mail.envelope.to[0])).toEqual(['buergermeister@kleve.example']);
    const reminder = reminders()[0]!.parsed;
    expect(reminder.inReplyTo).toBe(kleve.outbox!.messageId);
    expect(reminder.references).toContain(kleve.outbox!.messageId!);
    expect(reminder.subject).toBe(`Erinnerung: ${kleve.outbox!.subject}`);
    expect(String(reminder.text)).toMatch(/http:\/\/mitzeichnen\.test\/r\/[A-Za-z0-9_-]{43}/);
    expect(s.app.db.select().from(auditEvents).where(eq(auditEvents.action, 'addressee_reminded')).all()).toHaveLength(1);
    expect([landrat, goch].every((row) => !s.sink.received.some((mail) => mail.envelope.to.includes(row.delivery.email)))).toBe(true);
  });

  it('a scheduled reminder is not sent to someone who answered meanwhile', async () => {
    const s = await sentAppeal();
    const kleve = s.byEmail('buergermeister@kleve.example');
    const inbox = `/appeals/${s.slug}/replies`;
    const page = await s.agent.get(inbox).expect(200);
    await s.agent.post(`${inbox}/remind`).type('form').send({ _csrf: csrfToken(page.text), at: '2026-12-20' }).expect(303);
    await recordIncomingMessage({ db: s.app.db, clock: s.time.clock, store: s.store, message: incoming({ inReplyTo: kleve.outbox!.messageId! }) });
    s.time.advance(30 * 86_400_000);
    s.sink.received.length = 0;
    await s.worker.runOnce();
    const to = s.sink.received.filter((mail) => String(mail.parsed.subject).startsWith('Erinnerung:')).map((mail) => mail.envelope.to[0]).sort();
    expect(to).toEqual(['buergermeisterin@goch.example', 'landrat@kreis-kleve.example']);
  });

  it('downloads the delivery record as CSV and PDF with server answers, Message-IDs, codes and what came back', async () => {
    const s = await sentAppeal({
      addressees: [
        { lastName: '=HYPERLINK("http://evil")', institution: 'Stadt Kleve', email: 'buergermeister@kleve.example' },
        { salutation: 'Frau', firstName: 'Britta', lastName: 'Kellermann', institution: 'Stadt Goch', email: 'buergermeisterin@goch.example' },
        { salutation: 'Herr', firstName: 'Peter', lastName: 'Driessen', institution: 'Kreis Kleve', email: 'landrat@kreis-kleve.example' },
      ],
    });
    const { goch, landrat } = await withMailboxEvents(s);
    const csv = await s.agent.get(`/appeals/${s.slug}/replies/record.csv`).expect(200);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="\d{4}-\d{2}-\d{2}_[a-z0-9-]+_versandprotokoll\.csv"/);
    expect(csv.text).toContain(goch.outbox!.messageId!);
    expect(csv.text).toContain(goch.outbox!.smtpResponse);
    expect(csv.text).toContain(landrat.delivery.documentSha256!);
    expect(csv.text).toContain('550 envelope blocked');
    expect(csv.text).not.toMatch(/;=HYPERLINK/);
    const pdf = await s.agent.get(`/appeals/${s.slug}/replies/record.pdf`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = poppler('pdftotext', pdf.body as Buffer, ['-layout']);
    expect(text).toContain('Versandprotokoll');
    expect(text).toContain(landrat.outbox!.messageId!);
    expect(text).toContain(landrat.delivery.documentCode!);
    expect(text).toContain('550 envelope blocked');
    expect(text).toContain('1 von 3 haben geantwortet');
  });
});

describe('bad input on the inbox', () => {
  it('a reminder day in the past and a wrong number of days get a message at the field, keeping what was typed', async () => {
    const s = await sentAppeal();
    const inbox = `/appeals/${s.slug}/replies`;
    const page = await s.agent.get(inbox).expect(200);
    const past = await s.agent.post(`${inbox}/remind`).type('form').send({ _csrf: csrfToken(page.text), at: '2020-01-01' });
    expect(past.status).toBe(422);
    expect(fieldError(past.text, 'at')).toContain('ab heute');
    expect(parseHtml(past.text)('#f-at').val()).toBe('2020-01-01');
    const days = await s.agent.post(`${inbox}/settings`).type('form').send({ _csrf: csrfToken(page.text), remindAfterDays: 'drei' });
    expect(days.status).toBe(422);
    expect(fieldError(days.text, 'remindAfterDays')).toContain('1 bis 365');
    expect(parseHtml(days.text)('#f-remindAfterDays').val()).toBe('drei');
  });
});
