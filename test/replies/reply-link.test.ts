import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { csrfToken, fieldError, pageText, parseHtml } from '../helpers/html.ts';
import { replies, replyFiles } from '../../server/replies/replies.table.ts';
import { auditEvents } from '../../server/audit/audit.table.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { exeBytes, pdfBytes, sentAppeal } from './setup.ts';

type Sent = Awaited<ReturnType<typeof sentAppeal>>;

/** The reply link in the cover mail that reached this address. */
function replyLinkOf(s: Sent, address: string): string {
  const mail = s.sink.received.find((received) => received.envelope.to.includes(address));
  const match = /http:\/\/mitzeichnen\.test(\/r\/[A-Za-z0-9_-]{43})/.exec(String(mail?.parsed.text ?? ''));
  if (!match) throw new Error(`no reply link in the mail to ${address}`);
  return match[1]!;
}

async function postReply(s: Sent, path: string, fields: Record<string, string>, files: { name: string; bytes: Buffer }[] = []) {
  const agent = s.app.http();
  const page = await agent.get(path).expect(200);
  let request = agent.post(path).field('_csrf', csrfToken(page.text));
  for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
  files.forEach((file, index) => {
    request = request.attach(`file${index + 1}`, file.bytes, file.name);
  });
  return request;
}

describe('the reply link /r/<token>', () => {
  it('comes with the cover mail (HTML and text) and takes a reply with a PDF, consent and a confirmation', async () => {
    const s = await sentAppeal();
    const path = replyLinkOf(s, 'landrat@kreis-kleve.example');
    const mail = s.sink.received.find((received) => received.envelope.to.includes('landrat@kreis-kleve.example'))!;
    expect(String(mail.parsed.html)).toContain(`http://mitzeichnen.test${path}`);
    const page = await s.app.http().get(path).expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(pageText(page.text)).toContain('Kommunale Integrationszentren sichern');
    const response = await postReply(s, path, { body: 'Sehr geehrte Damen und Herren,\nwir nehmen Stellung …', authorName: 'Petra Amt', office: 'Büro des Landrats', authorEmail: 'buero@kreis-kleve.example', mayPublish: 'on' }, [{ name: 'stellungnahme.pdf', bytes: pdfBytes() }]);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`${path}/sent`);
    const sent = await s.app.http().get(`${path}/sent`).expect(200);
    expect(pageText(sent.text)).toContain('Vielen Dank für Ihre Antwort');
    const reply = s.app.db.select().from(replies).get()!;
    expect(reply).toMatchObject({ source: 'link', office: 'Büro des Landrats', mayPublish: true, deliveryId: s.byEmail('landrat@kreis-kleve.example').delivery.id });
    expect(s.app.db.select().from(replyFiles).all().map((file) => file.contentType)).toEqual(['application/pdf']);
    expect(s.app.db.select().from(auditEvents).where(eq(auditEvents.action, 'reply_received')).all()).toHaveLength(1);
    // The confirmation goes to the address given.
    s.sink.received.length = 0;
    await s.worker.runOnce();
    expect(s.sink.received.map((received) => received.envelope.to)).toEqual([['buero@kreis-kleve.example']]);
    expect(String(s.sink.received[0]!.parsed.text)).toContain('ist bei uns eingegangen');
  });

  it('refuses an executable renamed .pdf with a German message at the field, keeping the typed text', async () => {
    const s = await sentAppeal();
    const path = replyLinkOf(s, 'landrat@kreis-kleve.example');
    const response = await postReply(s, path, { body: 'Unser Text bleibt erhalten.', office: 'Kreis Kleve' }, [{ name: 'antwort.pdf', bytes: exeBytes() }]);
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'file1')).toContain('nur PDF-Dateien oder Bilder');
    const $ = parseHtml(response.text);
    expect($('#f-body').text()).toBe('Unser Text bleibt erhalten.');
    expect($('#f-office').val()).toBe('Kreis Kleve');
    expect(s.app.db.select().from(replies).all()).toHaveLength(0);
  });

  it('refuses a 50 MB attachment with a clear message, keeping the text', async () => {
    const s = await sentAppeal();
    const path = replyLinkOf(s, 'landrat@kreis-kleve.example');
    const big = Buffer.concat([pdfBytes(), Buffer.alloc(50 * 1024 * 1024, 0x20)]);
    const response = await postReply(s, path, { body: 'Mit großem Anhang.' }, [{ name: 'gross.pdf', bytes: big }]);
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'file1')).toContain('größer als 20 MB');
    expect(parseHtml(response.text)('#f-body').text()).toBe('Mit großem Anhang.');
    expect(s.app.db.select().from(replies).all()).toHaveLength(0);
  });

  it('asks for the text when it is empty', async () => {
    const s = await sentAppeal();
    const path = replyLinkOf(s, 'landrat@kreis-kleve.example');
    const response = await postReply(s, path, { body: '   ', office: 'Kreis Kleve' });
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'body')).toBeTruthy();
  });

  it('an unknown link is a clear 404 page; a revoked one says so', async () => {
    const s = await sentAppeal();
    const unknown = await s.app.http().get(`/r/${'x'.repeat(43)}`).expect(404);
    expect(pageText(unknown.text)).toContain('Antwort-Link ist unbekannt');
    const path = replyLinkOf(s, 'landrat@kreis-kleve.example');
    const delivery = s.byEmail('landrat@kreis-kleve.example').delivery;
    const inbox = `/appeals/${s.slug}/replies`;
    const page = await s.agent.get(inbox).expect(200);
    await s.agent.post(`${inbox}/deliveries/${delivery.id}/revoke`).type('form').send({ _csrf: csrfToken(page.text) }).expect(303);
    const revoked = await s.app.http().get(path).expect(410);
    expect(pageText(revoked.text)).toContain('gesperrt');
  });

  it('a link hammered by a bot is rate-limited', async () => {
    const s = await sentAppeal();
    const path = replyLinkOf(s, 'landrat@kreis-kleve.example');
    const agent = s.app.http();
    const page = await agent.get(path).expect(200);
    const token = csrfToken(page.text);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await agent.post(path).type('form').send({ _csrf: token, body: '' })).status);
    expect(statuses.slice(0, 10).every((status) => status === 422)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(s.app.db.select().from(mailOutbox).where(eq(mailOutbox.kind, 'reply-confirmation')).all()).toHaveLength(0);
  });
});
