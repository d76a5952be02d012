import type { Config, MailAddress } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import type { OutboxRow } from './mail.table.ts';

export type MailAttachment = {
  filename: string;
  content: Buffer | Uint8Array;
  contentType: string;
  /** The same bytes go with many messages (a dispatch's supporter list, its signing record): encoded once, reused. */
  shared?: boolean;
  /** The content already as a MIME body's base64 lines (mail/mime-base64.ts), made where the bytes were made. */
  base64Lines?: Uint8Array;
};

/**
 * What a composer returns. The recipient, sender address and Message-ID come from the outbox
 * row and the configuration; the worker strips line breaks from every header text.
 */
export type MailMessage = {
  subject: string;
  text: string;
  html: string;
  /** Display name of the sender (e.g. the coalition); the address is always MAIL_FROM's. */
  fromName?: string;
  replyTo?: MailAddress;
  attachments?: MailAttachment[];
  /** A follow-up in an existing thread (a reminder after a letter): the Message-IDs it answers. */
  inReplyTo?: string;
  references?: string[];
};

/** Renders views/mail/<name>.html.eta and views/mail/<name>.txt.eta with the same data. */
export type MailRenderer = (name: string, data: Record<string, unknown>) => Promise<{ html: string; text: string }>;

export type ComposerDeps = {
  db: Db;
  clock: Clock;
  config: Config;
  render: MailRenderer;
  /** Stored uploads (logos, signature images) for attachments such as the letter PDF. */
  fileStore: FileStore;
  /** The outbox row being sent (id, recipient, ref, attempts …). */
  row: OutboxRow;
};

/** Builds the message at send time from the row's payload (ids, not content). */
export type Composer = (payload: unknown, deps: ComposerDeps) => Promise<MailMessage>;

/**
 * A composer throws this when the mail is no longer wanted (e.g. the appeal was deleted).
 * The row ends as `failed` with this reason, a German sentence organisers read on the mail
 * and operator pages, and is not retried.
 */
export class MailNotNeeded extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MailNotNeeded';
  }
}
