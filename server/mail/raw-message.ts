// A composed message as it goes out: the headers the worker sets (sender, recipient,
// Message-ID, date) and, for a sample or a download, the whole message as MIME bytes.
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import type { Config } from '../config.ts';
import { headerText } from './header-text.ts';
import type { OutboxRow } from './mail.table.ts';
import type { MailMessage } from './mail.types.ts';

export type MessageEnvelope = Pick<OutboxRow, 'recipient' | 'recipientName' | 'messageId'>;

/**
 * What nodemailer gets for a composed message: sender address from MAIL_FROM (display name
 * from the composer), recipient and Message-ID from the row; every header text goes through
 * headerText (no line breaks, so nothing can be injected).
 */
export function messageOptions({ config, envelope, message, date }: { config: Config; envelope: MessageEnvelope; message: MailMessage; date: Date }): SendMailOptions {
  return {
    from: { name: headerText(message.fromName ?? config.mail.from.name), address: config.mail.from.address },
    to: { name: headerText(envelope.recipientName), address: envelope.recipient },
    ...(message.replyTo ? { replyTo: { name: headerText(message.replyTo.name), address: message.replyTo.address } } : {}),
    subject: headerText(message.subject),
    text: message.text,
    html: message.html,
    ...(envelope.messageId ? { messageId: envelope.messageId } : {}),
    ...(message.inReplyTo ? { inReplyTo: headerText(message.inReplyTo) } : {}),
    ...(message.references?.length ? { references: message.references.map(headerText) } : {}),
    date,
    attachments: (message.attachments ?? []).map((attachment) => ({
      filename: headerText(attachment.filename),
      // A view of the same bytes, not a copy (a letter is about 130 KB).
      content: Buffer.from(attachment.content.buffer, attachment.content.byteOffset, attachment.content.byteLength),
      contentType: attachment.contentType,
    })),
  };
}

// Builds messages in memory only; it has no connection to close.
let builder: ReturnType<typeof nodemailer.createTransport> | undefined;

/** The whole message (RFC 822, CRLF line ends) exactly as the worker would send it. */
export async function buildRawMessage(options: { config: Config; envelope: MessageEnvelope; message: MailMessage; date: Date }): Promise<Buffer> {
  builder ??= nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await builder.sendMail(messageOptions(options));
  return info.message as Buffer;
}

/** A Message-ID in the sender's domain, e.g. for a sample that is never sent. */
export const messageIdFor = (config: Config, local: string) => `<${local}@${config.mail.from.address.split('@')[1] ?? 'mitzeichnen.invalid'}>`;
