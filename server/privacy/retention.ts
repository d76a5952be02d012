// The daily retention job: what is kept only for a while (README "Security and privacy").
// - E-mails: after RETENTION_MAIL_DAYS the outbox row of a finished message keeps its state,
//   time, recipient and subject, but its payload (which may hold a sealed personal link)
//   shrinks to the ids that place it in its appeal; the .eml files of the file transport go.
// - Client addresses: after RETENTION_IP_DAYS they are removed from the audit trail (the
//   chain covers a salted digest of the address, so it stays verifiable).
// - Supporters: SUPPORTER_EMAIL_RETENTION_DAYS after an appeal was sent, its supporters' e-mail
//   addresses go unless they asked to be kept informed (the hash stays: no second signature);
//   unconfirmed requests go once their confirmation link has expired.
// - The mailbox's record of what it read (mailbox_messages, incoming_messages): after
//   RETENTION_MAIL_DAYS a row keeps its place, outcome and time and the Message-ID only as a
//   digest (enough that the same mail is never handed over twice); the detail goes. No mail
//   content is stored there. Replies, their files and notices live as long as the appeal.
// - Letter records and their bytes stay as long as the appeal exists.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import { removeAuditIps } from '../audit/audit.service.ts';
import { emlFilePattern } from '../mail/transport.ts';
import { privacyRepository } from './privacy.repository.ts';
import { mailboxRepository } from '../mailbox/mailbox.repository.ts';
import { repliesRepository } from '../replies/replies.repository.ts';
import { applySupporterRetention } from '../supporters/supporter-privacy.service.ts';
import type { SupporterRetentionResult } from '../supporters/supporter-privacy.service.ts';

const DAY = 24 * 60 * 60 * 1000;

export type RetentionResult = { outboxRows: number; emlFiles: number; auditIps: number; mailboxMessages: number } & SupporterRetentionResult;

/** Keeps the numbers and booleans of a payload (ids, flags) and drops every text. */
function expiredPayload(payload: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    parsed = {};
  }
  const kept = Object.fromEntries(
    Object.entries(parsed && typeof parsed === 'object' ? parsed : {}).filter(([, value]) => typeof value === 'number' || typeof value === 'boolean' || value === null),
  );
  return JSON.stringify({ ...kept, expired: true });
}

/** The time an .eml file was written, from its name (20261122T100000-….eml, UTC). */
export function emlFileTime(name: string): Date | undefined {
  const match = emlFilePattern.exec(name);
  if (!match) return undefined;
  const stamp = match[1]!;
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function removeOldEmlFiles(dir: string, before: Date): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const time = emlFileTime(name);
    if (time && time < before) {
      rmSync(join(dir, name), { force: true });
      removed += 1;
    }
  }
  return removed;
}

/** Applies the retention settings once; safe to run any number of times. */
export function applyRetention({ db, clock, config }: { db: Db; clock: Clock; config: Pick<Config, 'retention' | 'mail'> }): RetentionResult {
  const now = clock().getTime();
  const mailBefore = new Date(now - config.retention.mailDays * DAY);
  const ipBefore = new Date(now - config.retention.ipDays * DAY);
  const outboxRows = db.transaction((tx) => {
    const rows = privacyRepository(tx).expiredOutbox(mailBefore);
    for (const row of rows) privacyRepository(tx).setOutboxPayload(row.id, expiredPayload(row.payload));
    return rows.length;
  });
  const emlFiles = removeOldEmlFiles(config.mail.dir, mailBefore);
  const auditIps = removeAuditIps({ db, before: ipBefore });
  const mailboxMessages = db.transaction((tx) => mailboxRepository(tx).forgetBefore(mailBefore) + repliesRepository(tx).forgetIncomingBefore(mailBefore));
  const sentAppealIds = privacyRepository(db).appealsSentBefore(new Date(now - config.retention.supporterEmailDays * DAY));
  const supporters = applySupporterRetention({ db, now: new Date(now), sentAppealIds });
  return { outboxRows, emlFiles, auditIps, mailboxMessages, ...supporters };
}
