import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { decodeWords, readEml } from '../../server/mail/eml-reader.ts';
import { createMailRenderer } from '../../server/mail/mail.templates.ts';
import { headerText } from '../../server/mail/header-text.ts';
import { createTemplates } from '../../server/shared/templates.ts';

async function build(message: SendMailOptions): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail(message);
  return info.message as Buffer;
}

describe('the mail viewer’s MIME reader', () => {
  it('reads what nodemailer writes exactly as postal-mime does: umlauts, long lines, attachments', async () => {
    const long = `Sehr geehrte Frau Bürgermeisterin, ${'wir – die Träger der freien Wohlfahrtspflege – bitten Sie um Unterstützung. '.repeat(8)}`;
    const raw = await build({
      from: { name: 'Aktionsbündnis für Integration im Kreis Kleve', address: 'buendnis@example.org' },
      to: { name: 'Müller, Jürgen', address: 'jm@example.org' },
      subject: 'Gemeinsamer Aufruf von AWO, Caritas, DGB, Diakonie … : „Integration braucht Struktur“',
      text: `${long}\n\nMit freundlichen Grüßen\n`,
      html: `<p>${long}</p><p>Grüße €</p>`,
      attachments: [
        { filename: '2026-11-22_Gemeinsamer-Aufruf_Kreis-Kleve.pdf', content: Buffer.from('%PDF-1.7 ä'), contentType: 'application/pdf' },
        { filename: 'Übersicht der Stellungnahmen mit sehr langem Namen für die Kreistagsmitglieder.txt', content: 'Grüße', contentType: 'text/plain' },
      ],
    });
    const expected = await PostalMime.parse(raw);
    const own = readEml(raw);
    expect(own.header('subject')).toBe(expected.subject);
    expect(own.header('from')).toBe('Aktionsbündnis für Integration im Kreis Kleve <buendnis@example.org>');
    // The name travels as one encoded word, so the decoded header shows it without quotes.
    expect(own.header('to')).toBe('Müller, Jürgen <jm@example.org>');
    expect(own.text?.trim()).toBe(expected.text?.trim());
    expect(own.html?.trim()).toBe(expected.html?.trim());
    expect(own.attachments.map((a) => [a.filename, a.contentType, a.content.toString('utf8')])).toEqual([
      ['2026-11-22_Gemeinsamer-Aufruf_Kreis-Kleve.pdf', 'application/pdf', '%PDF-1.7 ä'],
      ['Übersicht der Stellungnahmen mit sehr langem Namen für die Kreistagsmitglieder.txt', 'text/plain', 'Grüße'],
    ]);
  });

  it('decodes encoded words in Q and B form and latin-1', () => {
    expect(decodeWords('=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus?= =?UTF-8?B?S2xldmU=?=')).toBe('Grüße ausKleve');
    expect(decodeWords('=?ISO-8859-1?Q?Bedburg-Hau_=FCber?=')).toBe('Bedburg-Hau über');
    expect(readEml(Buffer.from('Subject: plain\r\n\r\nbody')).text).toBe('body');
  });
});

describe('mail text', () => {
  it('strips line breaks and control characters from header text', () => {
    expect(headerText('Aufruf\r\nBcc: a@b.example\u2028X\tY  Z ')).toBe('Aufruf Bcc: a@b.example X Y Z');
  });

  it('prints the text part raw (no HTML entities) and escapes the HTML part', async () => {
    const render = createMailRenderer(createTemplates());
    const { html, text } = await render('appeals/member-added', {
      subject: 'S',
      recipientName: 'Jörg & Co <x>',
      addedBy: 'Ana "A" O’Neil',
      appealTitle: 'Brief <b>fett</b> & mehr',
      coalitionName: 'AWO & Caritas',
      kindLabel: 'Aufruf',
      roleLabel: 'Bearbeiter:in',
      roleHelp: 'darf alles',
      link: 'http://mitzeichnen.test/appeals/x?a=1&b=2',
      footer: 'Fuß',
    });
    expect(text).toContain('Guten Tag Jörg & Co <x>,');
    expect(text).toContain('„Brief <b>fett</b> & mehr“');
    expect(text).toContain('http://mitzeichnen.test/appeals/x?a=1&b=2');
    expect(text).not.toContain('&amp;');
    expect(html).toContain('Jörg &amp; Co &lt;x&gt;');
    expect(html).toContain('„Brief &lt;b&gt;fett&lt;/b&gt; &amp; mehr“');
    expect(html).not.toContain('<b>fett</b>');
    await expect(render('../layouts/main', {})).rejects.toThrow(/Invalid mail template name/);
  });
});
