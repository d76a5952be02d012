import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../shared/spreadsheet.ts';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import { GENESIS, eventHash, firstBrokenRow, isPseudonymised, sealPersonal } from '../shared/audit-chain.ts';
import { auditRepository } from './audit.repository.ts';
import type { AuditEvent } from './audit.table.ts';

export const auditActions = [
  'text_versioned',
  'opened_for_signing',
  'invited',
  'viewed',
  'signed',
  'declined',
  'withdrawn',
  'reconfirmation_requested',
  'reminded',
  'link_revoked',
  'finalised',
  'reopened',
  'mail_sent',
  'dispatch_started',
  'dispatch_finished',
  'delivery_resent',
  'delivery_marked_delivered',
  'personal_data_deleted',
  'supporter_approved',
  'supporter_rejected',
  'supporters_exported',
  // — replies —
  'reply_received',
  'bounce_recorded',
  'auto_reply_noted',
  'addressee_reminded',
  'reply_published',
  'reply_unpublished',
] as const;
export type AuditAction = (typeof auditActions)[number];

export type AuditEntry = {
  db: Db;
  clock: Clock;
  appealId: number;
  actor: string;
  action: AuditAction;
  detail?: string;
  versionHash?: string;
  ip?: string;
};

/** Appends an event to the appeal's chain. Call it inside the transaction of the change it records. */
export function recordAudit({ db, clock, ...entry }: AuditEntry): AuditEvent {
  const repository = auditRepository(db);
  const previousHash = repository.lastHash(entry.appealId) ?? GENESIS;
  const fields = {
    appealId: entry.appealId,
    at: clock(),
    actor: entry.actor.replace(/\s+/g, ' ').trim(),
    action: entry.action,
    detail: entry.detail ?? '',
    versionHash: entry.versionHash ?? '',
    ip: entry.ip ?? '',
  };
  const event = { ...fields, ...sealPersonal(fields) };
  return repository.insert({ ...event, previousHash, hash: eventHash(previousHash, event) });
}

export type AuditTrail = { events: AuditEvent[]; intact: boolean; firstBrokenId: number | null };

/**
 * The appeal's events and whether each row still hashes to what the next row remembers, and
 * its readable personal text to its digest. A pseudonymised row's text is not checked (its
 * salt is gone on purpose); the page marks such rows.
 */
export function readAuditTrail({ db, appealId }: { db: Db; appealId: number }): AuditTrail {
  const events = auditRepository(db).list(appealId);
  const broken = firstBrokenRow(events);
  return { events, intact: broken === undefined, firstBrokenId: broken?.id ?? null };
}

export { isPseudonymised };

/** What replaces a deleted person in the audit trail and elsewhere. */
export const PSEUDONYM = 'gelöschte Person';

/**
 * Replaces every mention of a person (their name, their e-mail address) in the appeal's events
 * by the pseudonym, removes the address, and clears the salts: the digests and hashes stay, so
 * the chain still verifies. Returns how many events changed.
 */
export function pseudonymiseAuditEvents({ db, appealId, mentions }: { db: Db; appealId?: number; mentions: string[] }): number {
  const needles = usableMentions(mentions);
  if (needles.length === 0) return 0;
  const repository = auditRepository(db);
  let changed = 0;
  for (const event of repository.mentioning(needles, appealId)) {
    const replace = (text: string) => needles.reduce((result, needle) => replaceAllInsensitive(result, needle, PSEUDONYM), text);
    repository.pseudonymise(event.id, { actor: replace(event.actor), detail: replace(event.detail) });
    changed += 1;
  }
  return changed;
}

function replaceAllInsensitive(text: string, needle: string, replacement: string): string {
  const lower = text.toLowerCase();
  const target = needle.toLowerCase();
  let result = '';
  let from = 0;
  for (let at = lower.indexOf(target); at !== -1; at = lower.indexOf(target, from)) {
    result += text.slice(from, at) + replacement;
    from = at + target.length;
  }
  return result + text.slice(from);
}

/** The events that mention a person (name or e-mail address), for the export of their data. */
export function auditEventsMentioning({ db, appealId, mentions }: { db: Db; appealId?: number; mentions: string[] }): AuditEvent[] {
  const needles = usableMentions(mentions);
  return needles.length === 0 ? [] : auditRepository(db).mentioning(needles, appealId);
}

const usableMentions = (mentions: string[]) => [...new Set(mentions.map((mention) => mention.trim()).filter((mention) => mention.length >= 3))].sort((a, b) => b.length - a.length);

/** Removes the client addresses of events older than `before` (the retention setting). */
export function removeAuditIps({ db, before }: { db: Db; before: Date }): number {
  return auditRepository(db).removeIpsBefore(before);
}

/** Keeps only the network part of a client address: IPv4 /24, IPv6 /48 (one implementation, in shared/). */
export { truncateIp } from '../shared/privacy-log.ts';

/** CSV for Excel: `;`, UTF-8 with BOM, CRLF. */
export function auditCsv({ events, labels }: { events: AuditEvent[]; labels: (action: string) => string }): string {
  const rows = events.map((event) =>
    [event.at.toISOString(), event.actor, labels(event.action), event.detail, event.versionHash, event.ip, event.hash].map(neutraliseFormula),
  );
  return `\uFEFF${stringify([['Zeit (UTC)', 'Wer', 'Was', 'Einzelheiten', 'Textfassung (SHA-256)', 'Netz', 'Prüfsumme'], ...rows], { delimiter: ';', record_delimiter: '\r\n' })}`;
}
