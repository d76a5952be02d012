// Classification of what comes back to the mailbox, on raw messages (the parser's task run in
// this thread: the same function the worker thread runs).
import { describe, expect, it } from 'vitest';
import { readIncoming } from '../../server/mailbox/parse-message.task.ts';
import { autoReply, exchangeBounce, htmlWithScript, ourMessageId, postfixBounce, reply } from './fixtures.ts';

const parse = (raw: string) => readIncoming(new TextEncoder().encode(raw));

describe('classifying incoming mail', () => {
  it('a reply: threading headers, sender, date, text and its attachment', async () => {
    const message = await parse(reply());
    expect(message).toMatchObject({
      kind: 'reply',
      messageId: '<antwort-1@kreis-kleve.example>',
      inReplyTo: ourMessageId,
      references: ['<vorher@buendnis-kleve.example>', ourMessageId],
      subject: 'AW: Gemeinsamer Appell zur Integration',
      from: 'buero.landrat@kreis-kleve.example',
      html: null,
      bounce: null,
    });
    expect(message.date?.toISOString()).toBe('2026-11-23T08:15:00.000Z');
    expect(message.text).toContain('Der Landrat wird im Kreistag berichten.');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({ filename: 'Antwort.pdf', contentType: 'application/pdf' });
    expect(Buffer.from(message.attachments[0]!.bytes).toString()).toBe('%PDF-1.4\n% Antwort\n');
  });

  it('a message with only a subject is a reply too (matched later by its subject); one with neither subject nor thread is "other"', async () => {
    expect((await parse(reply({ inReplyTo: '', subject: 'Ihr Schreiben vom 22.11.' }))).kind).toBe('reply');
    const bare = ['From: x@example.org', 'To: buendnis@example.org', 'Message-ID: <bare@example.org>', '', 'hallo', ''].join('\r\n');
    expect((await parse(bare)).kind).toBe('other');
  });

  it('a Postfix DSN: the failed recipient, status, diagnostic (unfolded) and the original Message-ID from message/rfc822', async () => {
    const message = await parse(postfixBounce());
    expect(message.kind).toBe('bounce');
    expect(message.bounce).toEqual({
      originalMessageId: ourMessageId,
      recipient: 'buergermeister@goch.example',
      status: '5.1.1',
      diagnostic: '550 5.1.1 <buergermeister@goch.example>: Recipient address rejected: User unknown in virtual mailbox table',
    });
    // The bounce carries the original as evidence, not as an attachment of a reply.
    expect(message.attachments).toEqual([]);
  });

  it('an Exchange NDR with text/rfc822-headers and a folded Message-ID', async () => {
    const message = await parse(exchangeBounce());
    expect(message.kind).toBe('bounce');
    expect(message.bounce).toEqual({ originalMessageId: ourMessageId, recipient: 'poststelle@kreis-kleve.example', status: '5.7.1', diagnostic: '550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized' });
    expect(message.subject).toBe('Unzustellbar: Gemeinsamer Appell');
  });

  it('a DSN that only reports a delay is no bounce (the server still tries)', async () => {
    const message = await parse(exchangeBounce({ action: 'delayed', status: '4.4.7' }));
    expect(message.kind).toBe('other');
    expect(message.bounce).toBeNull();
  });

  it.each([
    ['Auto-Submitted: auto-replied', 'Gemeinsamer Appell'],
    ['X-Autoreply: yes', 'Gemeinsamer Appell'],
    ['X-Autorespond: Abwesend', 'Gemeinsamer Appell'],
    ['Precedence: auto_reply', 'Gemeinsamer Appell'],
    ['X-Mailer: Outlook', 'Abwesenheitsnotiz: Gemeinsamer Appell'],
    ['X-Mailer: Outlook', 'Automatische Antwort: Gemeinsamer Appell'],
    ['X-Mailer: Outlook', 'Out of Office: Gemeinsamer Appell'],
    ['X-Mailer: Outlook', 'AW: Autoreply: Gemeinsamer Appell'],
  ])('an auto-reply (%s, subject %s) is no reply', async (headerLine, subject) => {
    const message = await parse(autoReply([headerLine], { subject }));
    expect(message.kind).toBe('auto-reply');
    expect(message.inReplyTo).toBe(ourMessageId);
  });

  it('Auto-Submitted: no is a person writing', async () => {
    expect((await parse(autoReply(['Auto-Submitted: no']))).kind).toBe('reply');
  });

  it('an HTML reply with scripts is handed over as data: the HTML as a string, the text without tags or script', async () => {
    const message = await parse(htmlWithScript());
    expect(message.kind).toBe('reply');
    expect(typeof message.html).toBe('string');
    expect(message.html).toContain('<script>');
    expect(message.text).toBe('Danke für Ihren Brief & die Unterschriften.');
    expect(message.text).not.toMatch(/alert|document\.title|color:red|</);
  });
});
