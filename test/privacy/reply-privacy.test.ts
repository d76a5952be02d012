// An addressee's replies in the privacy functions: the export (JSON and page) lists what came
// back (text, files, dates, bounces and auto-replies); the deletion empties the replies,
// removes their files and the confirmation mail's content, and the audit chain still verifies.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { readAuditTrail } from '../../server/audit/audit.service.ts';
import { auditEvents } from '../../server/audit/audit.table.ts';
import { applyRetention } from '../../server/privacy/retention.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import type { PersonExport } from '../../server/privacy/person-export.ts';
import { recordIncomingMessage } from '../../server/replies/incoming.service.ts';
import { deliveryNotices, replies, replyFiles } from '../../server/replies/replies.table.ts';
import { setReplyPublished } from '../../server/replies/replies.service.ts';
import { submitForm } from '../helpers/factories.ts';
import { csrfToken, pageText } from '../helpers/html.ts';
import { incoming, pdfBytes, sentAppeal } from '../replies/setup.ts';

type Sent = Awaited<ReturnType<typeof sentAppeal>>;

async function replyThroughLink(s: Sent, address: string, fields: Record<string, string>) {
  const mail = s.sink.received.find((received) => received.envelope.to.includes(address))!;
  const path = /http:\/\/mitzeichnen\.test(\/r\/[A-Za-z0-9_-]{43})/.exec(String(mail.parsed.text))![1]!;
  const agent = s.app.http();
  const page = await agent.get(path).expect(200);
  let request = agent.post(path).field('_csrf', csrfToken(page.text));
  for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
  await request.attach('file1', pdfBytes(), 'stellungnahme-landrat.pdf').expect(303);
}

describe('the replies of an addressee in the privacy functions', () => {
  it('are exported (JSON and page) and deleted with the addressee: texts and files gone, the chain intact', async () => {
    const s = await sentAppeal();
    const landrat = s.byEmail('landrat@kreis-kleve.example');
    const kleve = s.byEmail('buergermeister@kleve.example');
    // A reply by link (with a file and a confirmation mail), an auto-reply, and another addressee's reply by mail.
    await replyThroughLink(s, 'landrat@kreis-kleve.example', { body: 'Sehr geehrte Damen und Herren, wir prüfen Ihr Anliegen. Petra Amt', authorName: 'Petra Amt', office: 'Büro des Landrats', authorEmail: 'petra.amt@kreis-kleve.example', mayPublish: 'on' });
    await s.worker.runOnce();
    const deps = { db: s.app.db, clock: s.time.clock, store: s.store };
    await recordIncomingMessage({ ...deps, message: incoming({ kind: 'auto-reply', messageId: '<abwesend@kreis-kleve.example>', inReplyTo: landrat.outbox!.messageId!, subject: 'Abwesenheitsnotiz: Petra Amt bis 4.12.' }) });
    await recordIncomingMessage({ ...deps, message: incoming({ messageId: '<kleve-1@kleve.example>', inReplyTo: kleve.outbox!.messageId!, text: 'Antwort der Stadt Kleve.' }) });
    const landratReply = s.app.db.select().from(replies).where(eq(replies.deliveryId, landrat.delivery.id)).get()!;
    expect(setReplyPublished({ db: s.app.db, clock: s.time.clock, appeal: s.appeal, replyId: landratReply.id, publish: true, actor: 'Andrea Beispiel' })).toBe('ok');
    const storedFile = s.app.db.select().from(replyFiles).get()!;
    expect(s.store.read(storedFile.storedName)).toBeDefined();

    const addresseeId = landrat.delivery.addresseeId!;
    const base = `/appeals/${s.slug}/privacy/addressees/${addresseeId}`;
    const exported = JSON.parse((await s.agent.get(`${base}/export.json`).expect(200)).text) as PersonExport;
    const entry = exported.addressees[0]!;
    expect(entry.replies).toEqual([
      {
        source: 'link',
        authorName: 'Petra Amt',
        office: 'Büro des Landrats',
        authorEmail: 'petra.amt@kreis-kleve.example',
        subject: '',
        text: 'Sehr geehrte Damen und Herren, wir prüfen Ihr Anliegen. Petra Amt',
        receivedAt: s.time.clock().toISOString(),
        mayPublish: true,
        publishedAt: s.time.clock().toISOString(),
        files: [{ fileName: 'stellungnahme-landrat.pdf', contentType: 'application/pdf', size: pdfBytes().byteLength }],
      },
    ]);
    expect(entry.deliveryNotices).toEqual([{ kind: 'auto-reply', status: '', detail: expect.stringContaining('Abwesenheitsnotiz'), receivedAt: expect.any(String) }]);
    // Only this addressee's replies.
    expect(JSON.stringify(exported)).not.toContain('Antwort der Stadt Kleve');
    const page = pageText((await s.agent.get(base).expect(200)).text);
    expect(page).toContain('Antworten auf die Briefe');
    expect(page).toContain('wir prüfen Ihr Anliegen');
    expect(page).toContain('stellungnahme-landrat.pdf');
    expect(page).toContain('Rückläufer und automatische Antworten');

    expect((await submitForm(s.agent, base, `${base}/delete`, { confirm: 'on' })).status).toBe(303);
    const erased = s.app.db.select().from(replies).where(eq(replies.id, landratReply.id)).get()!;
    expect(erased).toMatchObject({ authorName: 'gelöschte Person', office: '', authorEmail: '', subject: '', body: '', mayPublish: false, publishedAt: null, source: 'link' });
    expect(s.app.db.select().from(replyFiles).all()).toEqual([]);
    expect(s.store.read(storedFile.storedName)).toBeUndefined();
    expect(s.app.db.select().from(deliveryNotices).where(eq(deliveryNotices.deliveryId, landrat.delivery.id)).all().map((notice) => notice.detail)).toEqual(['']);
    const confirmation = s.app.db.select().from(mailOutbox).where(eq(mailOutbox.ref, `reply:${landratReply.id}`)).get()!;
    expect(confirmation.recipient).toBe('');
    expect(confirmation.payload).not.toContain('petra');
    // The other addressee's reply stays; the public page shows nothing of the deleted one.
    expect(s.app.db.select().from(replies).where(eq(replies.deliveryId, kleve.delivery.id)).get()!.body).toBe('Antwort der Stadt Kleve.');
    const trail = readAuditTrail({ db: s.app.db, appealId: s.appeal.id });
    expect(trail.intact).toBe(true);
    expect(JSON.stringify(trail.events)).not.toContain('Driessen');
    expect(JSON.stringify(s.app.db.select().from(replies).all())).not.toContain('Petra');
  });

  it('keep the replier\'s network only until RETENTION_IP_DAYS, the reply itself as long as the appeal', async () => {
    const s = await sentAppeal();
    await replyThroughLink(s, 'landrat@kreis-kleve.example', { body: 'Wir antworten.', office: 'Kreis Kleve' });
    const networkOfReply = () => s.app.db.select().from(auditEvents).where(eq(auditEvents.action, 'reply_received')).get()!.ip;
    expect(networkOfReply()).not.toBe('');
    s.time.advance((s.app.config.retention.ipDays + 1) * 86_400_000);
    applyRetention({ db: s.app.db, clock: s.time.clock, config: s.app.config });
    expect(networkOfReply()).toBe('');
    expect(readAuditTrail({ db: s.app.db, appealId: s.appeal.id }).intact).toBe(true);
    s.time.advance(400 * 86_400_000);
    applyRetention({ db: s.app.db, clock: s.time.clock, config: s.app.config });
    expect(s.app.db.select().from(replies).get()!.body).toBe('Wir antworten.');
    expect(s.store.read(s.app.db.select().from(replyFiles).get()!.storedName)).toBeDefined();
  });
});

