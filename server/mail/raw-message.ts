// A composed message as it goes out: the headers the worker sets (sender, recipient,
// Message-ID, date) and, for a sample or a download, the whole message as MIME bytes.
import nodemailer from 'nodemailer';
import MimeNode from 'nodemailer/lib/mime-node';
import type { SendMailOptions } from 'nodemailer';
import type { Config } from '../config.ts';
import { headerText } from './header-text.ts';
import { mimeBase64 } from './mime-base64.ts';
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
    attachments: (message.attachments ?? []).map((attachment) => {
      const part = { filename: headerText(attachment.filename), contentType: attachment.contentType };
      if (attachment.base64Lines) return { raw: attachmentPart(part, attachment.base64Lines) };
      return attachment.shared ? { raw: sharedPart(attachment.content, part) } : { ...part, content: viewOf(attachment.content) };
    }),
  };
}

/** A view of the same bytes, not a copy (a letter is about 130 KB). */
const viewOf = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

type Part = { filename: string; contentType: string };

/**
 * An attachment's whole MIME part (headers, blank line, base64 lines) exactly as nodemailer
 * writes an attachment given as bytes, for lines encoded elsewhere: nodemailer sends it as is.
 * Without a last line end: the multipart writes one before the next boundary.
 */
function attachmentPart(part: Part, base64Lines: Uint8Array): Buffer {
  // A child of a throwaway multipart: a part's headers only (a root would add Date, Message-ID).
  const node = new MimeNode('multipart/mixed', { newline: 'windows' }).createChild(part.contentType, { filename: part.filename, newline: 'windows' });
  // Headers in the order nodemailer writes them for an attachment given as bytes.
  node.setHeader('Content-Transfer-Encoding', 'base64');
  node.setHeader('Content-Disposition', 'attachment');
  return Buffer.concat([Buffer.from(`${node.buildHeaders()}\r\n\r\n`), base64Lines]);
}

/** MIME parts of shared attachments, by their bytes: base64 and headers made once for a whole dispatch. */
const sharedParts = new WeakMap<Uint8Array, Map<string, Buffer>>();

function sharedPart(bytes: Uint8Array, part: Part): Buffer {
  let parts = sharedParts.get(bytes);
  if (!parts) sharedParts.set(bytes, (parts = new Map()));
  const key = `${part.contentType}\n${part.filename}`;
  let encoded = parts.get(key);
  if (!encoded) parts.set(key, (encoded = attachmentPart(part, mimeBase64(bytes))));
  return encoded;
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
