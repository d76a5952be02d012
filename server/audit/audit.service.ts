import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../shared/spreadsheet.ts';
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
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

const GENESIS = '0'.repeat(64);

function eventHash(previousHash: string, event: Omit<AuditEvent, 'id' | 'hash' | 'previousHash'>): string {
  const content = JSON.stringify([event.appealId, event.at.getTime(), event.actor, event.action, event.detail, event.versionHash, event.ip]);
  return createHash('sha256').update(`${previousHash}\n${content}`, 'utf8').digest('hex');
}

/** Appends an event to the appeal's chain. Call it inside the transaction of the change it records. */
export function recordAudit({ db, clock, ...entry }: AuditEntry): AuditEvent {
  const repository = auditRepository(db);
  const previousHash = repository.lastHash(entry.appealId) ?? GENESIS;
  const event = {
    appealId: entry.appealId,
    at: clock(),
    actor: entry.actor.replace(/\s+/g, ' ').trim(),
    action: entry.action,
    detail: entry.detail ?? '',
    versionHash: entry.versionHash ?? '',
    ip: entry.ip ?? '',
  };
  return repository.insert({ ...event, previousHash, hash: eventHash(previousHash, event) });
}

export type AuditTrail = { events: AuditEvent[]; intact: boolean; firstBrokenId: number | null };

/** The appeal's events and whether each row still hashes to what the next row remembers. */
export function readAuditTrail({ db, appealId }: { db: Db; appealId: number }): AuditTrail {
  const events = auditRepository(db).list(appealId);
  let previousHash = GENESIS;
  for (const event of events) {
    if (event.previousHash !== previousHash || eventHash(previousHash, event) !== event.hash) {
      return { events, intact: false, firstBrokenId: event.id };
    }
    previousHash = event.hash;
  }
  return { events, intact: true, firstBrokenId: null };
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
