import type { MailboxConfig } from '../config.ts';
import type { Db } from '../db/client.ts';
import { mailboxRepository } from './mailbox.repository.ts';

export type MailboxStatus = {
  /** IMAP_URL without the password. */
  server: string;
  lastReadAt: Date | null;
  problem: { text: string; since: Date; retryAt: Date | null } | null;
};

/** Whether the mailbox is read and how that goes; null when IMAP_URL is not set. State only: no message, no count. */
export function getMailboxStatus({ db, mailbox }: { db: Db; mailbox: MailboxConfig | undefined }): MailboxStatus | null {
  if (!mailbox) return null;
  const state = mailboxRepository(db).state();
  return {
    server: mailbox.displayUrl,
    lastReadAt: state?.lastReadAt ?? null,
    problem: state?.problem && state.problemSince ? { text: state.problem, since: state.problemSince, retryAt: state.retryAt } : null,
  };
}
