// Attachments that go with every letter of a dispatch (the supporter list, the signing record)
// are encoded once and reused, and the letter's base64 lines come from the PDF worker (issue
// 18): the message must be byte for byte what nodemailer makes of the attachments given as bytes.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import PostalMime from 'postal-mime';
import { testConfig } from '../helpers/app.ts';
import { buildRawMessage } from '../../server/mail/raw-message.ts';
import { mimeBase64 } from '../../server/mail/mime-base64.ts';
import type { MailMessage } from '../../server/mail/mail.types.ts';

const config = testConfig({ MAIL_FROM: 'Aktionsbündnis Kleve <buendnis@example.org>' });
const envelope = { recipient: 'buero@gemeinde.example', recipientName: 'Bürgermeisterin Beispielstadt', messageId: '<mz.1.test@example.org>' };
const date = new Date('2026-11-22T10:00:00Z');
// Lines of dots and bare line ends in a binary: nothing may be lost or changed on the way.
const list = Buffer.concat([Buffer.from('%PDF-1.7\n.\r\n..\n'), randomBytes(50_000)]);
const record = randomBytes(7_000);
const letter = randomBytes(20_000);

const message = (shared: boolean, linesMadeElsewhere = false): MailMessage => ({
  subject: 'Gemeinsamer Antrag',
  text: 'Sehr geehrte Frau Bürgermeisterin,\n\nanbei unser Antrag.',
  html: '<p>Sehr geehrte Frau Bürgermeisterin,</p><p>anbei unser Antrag.</p>',
  attachments: [
    { filename: '2026-11-22_Antrag_Beispielstadt.pdf', content: letter, contentType: 'application/pdf', ...(linesMadeElsewhere ? { base64Lines: mimeBase64(letter) } : {}) },
    { filename: '2026-11-22_kleve-antrag_unterstuetzerliste-mit-einem-sehr-langen-dateinamen.pdf', content: list, contentType: 'application/pdf', shared },
    { filename: 'Zeichnungsnachweis.pdf', content: record, contentType: 'application/pdf', shared },
  ],
});

/** The message with its MIME boundaries (random per message) named alike. */
const normalised = (raw: Buffer) => raw.toString('latin1').replace(/--_NmP-[0-9a-f]+-Part_\d+/g, '--boundary');

describe('shared attachments', () => {
  it('are encoded once per dispatch and give the same message as attachments given as bytes', async () => {
    const plain = await buildRawMessage({ config, envelope, message: message(false), date });
    const first = await buildRawMessage({ config, envelope, message: message(true), date });
    const again = await buildRawMessage({ config, envelope, message: message(true), date });
    const withLines = await buildRawMessage({ config, envelope, message: message(true, true), date });
    expect(normalised(first)).toBe(normalised(plain));
    expect(normalised(again)).toBe(normalised(plain));
    expect(normalised(withLines)).toBe(normalised(plain));

    const parsed = await PostalMime.parse(again);
    expect(parsed.attachments.map((attachment) => [attachment.filename, attachment.mimeType, attachment.disposition])).toEqual([
      ['2026-11-22_Antrag_Beispielstadt.pdf', 'application/pdf', 'attachment'],
      ['2026-11-22_kleve-antrag_unterstuetzerliste-mit-einem-sehr-langen-dateinamen.pdf', 'application/pdf', 'attachment'],
      ['Zeichnungsnachweis.pdf', 'application/pdf', 'attachment'],
    ]);
    expect(Buffer.from(parsed.attachments[1]!.content as ArrayBuffer).equals(list)).toBe(true);
    expect(Buffer.from(parsed.attachments[2]!.content as ArrayBuffer).equals(record)).toBe(true);
    const fromLines = await PostalMime.parse(withLines);
    expect(Buffer.from(fromLines.attachments[0]!.content as ArrayBuffer).equals(letter)).toBe(true);
  });

  it('are base64 lines of 76 characters whatever the length of the bytes', () => {
    for (const length of [0, 1, 2, 3, 56, 57, 58, 114, 1000]) {
      const bytes = randomBytes(length);
      const expected = (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
      expect(Buffer.from(mimeBase64(bytes)).toString('latin1')).toBe(expected);
    }
  });
});
