import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { recordIncomingMessage } from '../../server/replies/incoming.service.ts';
import { deliveryNotices, incomingMessages, replies, replyFiles } from '../../server/replies/replies.table.ts';
import { auditEvents } from '../../server/audit/audit.table.ts';
import { incoming, pdfBytes, exeBytes, sentAppeal } from './setup.ts';

describe('messages from the mailbox', () => {
  it('records a reply matched by In-Reply-To with its PDF, once, however often it is fetched', async () => {
    const s = await sentAppeal();
    const landrat = s.byEmail('landrat@kreis-kleve.example');
    expect(landrat.outbox!.state).toBe('sent');
    const lines: Record<string, unknown>[] = [];
    const log = { info: (fields: Record<string, unknown>) => lines.push(fields) };
    const message = incoming({
      inReplyTo: landrat.outbox!.messageId!,
      attachments: [
        { filename: 'Antwort.pdf', contentType: 'application/pdf', bytes: pdfBytes() },
        { filename: 'tool.pdf', contentType: 'application/pdf', bytes: exeBytes() },
      ],
    });
    const deps = { db: s.app.db, clock: s.time.clock, store: s.store, log };
    expect(await recordIncomingMessage({ ...deps, message })).toBe('recorded');
    expect(await recordIncomingMessage({ ...deps, message })).toBe('recorded');
    const rows = s.app.db.select().from(replies).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.deliveryId).toBe(landrat.delivery.id);
    expect(rows[0]!.source).toBe('mail');
    expect(rows[0]!.authorEmail).toBe('landrat@kreis-kleve.example');
    expect(rows[0]!.body).toContain('vielen Dank für Ihr Schreiben');
    // The renamed executable is not kept; it is named in the text.
    expect(rows[0]!.body).toContain('tool.pdf');
    const files = s.app.db.select().from(replyFiles).all();
    expect(files).toHaveLength(1);
    expect(files[0]!.contentType).toBe('application/pdf');
    expect(s.app.db.select().from(auditEvents).where(eq(auditEvents.action, 'reply_received')).all()).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('landrat@');
  });

  it('matches by a Reference or by the verification code in the subject', async () => {
    const s = await sentAppeal();
    const kleve = s.byEmail('buergermeister@kleve.example');
    const goch = s.byEmail('buergermeisterin@goch.example');
    const deps = { db: s.app.db, clock: s.time.clock, store: s.store };
    expect(await recordIncomingMessage({ ...deps, message: incoming({ messageId: '<a@x>', references: ['<other@y>', kleve.outbox!.messageId!] }) })).toBe('recorded');
    expect(await recordIncomingMessage({ ...deps, message: incoming({ messageId: '<b@x>', subject: `Ihr Brief ${goch.delivery.documentCode!.toLowerCase()}` }) })).toBe('recorded');
    expect(s.app.db.select().from(replies).all().map((row) => row.deliveryId).sort()).toEqual([kleve.delivery.id, goch.delivery.id].sort());
  });

  it('a bounce makes the delivery undeliverable with its reason; an auto-reply is noted, not a reply', async () => {
    const s = await sentAppeal();
    const goch = s.byEmail('buergermeisterin@goch.example');
    const kleve = s.byEmail('buergermeister@kleve.example');
    const deps = { db: s.app.db, clock: s.time.clock, store: s.store };
    const bounce = incoming({
      kind: 'bounce',
      messageId: '<dsn-1@mx.goch.example>',
      subject: 'Undelivered Mail Returned to Sender',
      bounce: { originalMessageId: goch.outbox!.messageId!, recipient: 'buergermeisterin@goch.example', status: '5.7.1', diagnostic: '550 5.7.1 envelope blocked' },
    });
    expect(await recordIncomingMessage({ ...deps, message: bounce })).toBe('recorded');
    expect(await recordIncomingMessage({ ...deps, message: bounce })).toBe('recorded');
    expect(await recordIncomingMessage({ ...deps, message: incoming({ kind: 'auto-reply', messageId: '<ooo@kleve>', subject: 'Abwesenheitsnotiz', inReplyTo: kleve.outbox!.messageId! }) })).toBe('recorded');
    const notices = s.app.db.select().from(deliveryNotices).all();
    expect(notices.map((n) => [n.deliveryId, n.kind, n.status, n.detail])).toEqual([
      [goch.delivery.id, 'bounce', '5.7.1', '550 5.7.1 envelope blocked'],
      [kleve.delivery.id, 'auto-reply', '', 'Abwesenheitsnotiz'],
    ]);
    expect(s.app.db.select().from(replies).all()).toHaveLength(0);
    const actions = s.app.db.select().from(auditEvents).all().map((event) => event.action);
    expect(actions.filter((a) => a === 'bounce_recorded')).toHaveLength(1);
    expect(actions).toContain('auto_reply_noted');
  });

  it('ignores a bounce for a Message-ID never sent, and logs it without personal data', async () => {
    const s = await sentAppeal();
    const lines: { fields: Record<string, unknown>; message: string }[] = [];
    const log = { info: (fields: Record<string, unknown>, message: string) => lines.push({ fields, message }) };
    const result = await recordIncomingMessage({
      db: s.app.db,
      clock: s.time.clock,
      store: s.store,
      log,
      message: incoming({ kind: 'bounce', messageId: '<dsn-x@mx>', from: 'MAILER-DAEMON <postmaster@fremd.example>', bounce: { originalMessageId: '<never-sent@buendnis.example>', recipient: 'jemand@fremd.example', status: '5.1.1', diagnostic: 'user unknown' } }),
    });
    expect(result).toBe('ignored');
    expect(s.app.db.select().from(deliveryNotices).all()).toHaveLength(0);
    expect(s.app.db.select().from(incomingMessages).all()).toHaveLength(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toContain('matches no delivery');
    expect(JSON.stringify(lines)).not.toMatch(/fremd|jemand|never-sent|postmaster/);
  });

  it('an HTML-only reply is kept as text: scripts and tags gone', async () => {
    const s = await sentAppeal();
    const kleve = s.byEmail('buergermeister@kleve.example');
    await recordIncomingMessage({
      db: s.app.db,
      clock: s.time.clock,
      store: s.store,
      message: incoming({ inReplyTo: kleve.outbox!.messageId!, text: '', html: '<p>Guten Tag,</p><script>alert(1)</script><p onclick="x()">wir pr&uuml;fen das.<img src=x onerror=alert(2)></p>' }),
    });
    const body = s.app.db.select().from(replies).get()!.body;
    expect(body).toBe('Guten Tag,\nwir prüfen das.');
  });
});
