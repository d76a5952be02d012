import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import type { MailConfig } from '../config.ts';

export type SendResult = {
  response: string;
  messageId: string;
  /** The file transport's .eml file name (DATA_DIR/mail), recorded on the outbox row. */
  storedAs?: string;
};

export type MailTransport = {
  /** 'smtp' with SMTP_URL; 'file' writes each message as .eml into DATA_DIR/mail. */
  kind: 'smtp' | 'file';
  /** Where mail goes, for logs and pages (no password). */
  description: string;
  send(message: SendMailOptions): Promise<SendResult>;
  close(): void;
};

/**
 * nodemailer with a pooled SMTP transport when SMTP_URL is set (connections and rate from
 * SMTP_POOL and SMTP_RATE_PER_SECOND, DKIM when configured); otherwise the file transport.
 */
export function createMailTransport(config: MailConfig): MailTransport {
  return config.smtp ? createSmtpTransport(config) : createFileTransport(config);
}

function createSmtpTransport(config: MailConfig): MailTransport {
  const smtp = config.smtp!;
  const transporter = nodemailer.createTransport({
    pool: true,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.auth ? { auth: smtp.auth } : {}),
    maxConnections: config.pool,
    maxMessages: 500,
    ...(config.ratePerSecond > 0 ? { rateDelta: 1000, rateLimit: config.ratePerSecond } : {}),
    ...(config.dkim ? { dkim: config.dkim } : {}),
    // A server that is down should pause the worker quickly, not after minutes.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    kind: 'smtp',
    description: smtp.displayUrl,
    async send(message) {
      const info = await transporter.sendMail(message);
      return { response: String(info.response ?? ''), messageId: String(info.messageId ?? '') };
    },
    close: () => transporter.close(),
  };
}

/** File names sort by time: 20261122T100000-<random>.eml */
export const emlFilePattern = /^(\d{8}T\d{6})-([a-f0-9]{12})\.eml$/;

function createFileTransport(config: MailConfig): MailTransport {
  const transporter = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    ...(config.dkim ? { dkim: config.dkim } : {}),
  });
  return {
    kind: 'file',
    description: config.dir,
    async send(message) {
      const info = await transporter.sendMail(message);
      mkdirSync(config.dir, { recursive: true, mode: 0o700 });
      const date = message.date instanceof Date ? message.date : new Date();
      const stamp = date.toISOString().replace(/[-:]/g, '').slice(0, 15);
      const name = `${stamp}-${randomBytes(6).toString('hex')}.eml`;
      // Written under a temporary name and renamed, so the viewer never lists half a file.
      const temporary = join(config.dir, `.${name}.tmp`);
      // Only the app's user may read them: they hold personal signing and withdraw links.
      writeFileSync(temporary, info.message as Buffer, { mode: 0o600 });
      renameSync(temporary, join(config.dir, name));
      return { response: `250 stored as ${name}`, messageId: String(info.messageId ?? ''), storedAs: name };
    },
    close: () => transporter.close(),
  };
}
