import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import { mailRepository } from './mail.repository.ts';
import type { OutboxRow, OutboxState } from './mail.table.ts';

const mailAddress = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

/** Whether the worker can send to this address (no display name, no line breaks). */
export function isValidMailAddress(address: string): boolean {
  return address.length <= 254 && mailAddress.test(address);
}

export type EnqueueMail = {
  /** A kind with a registered composer (each domain registers its kinds, e.g. registerDispatchMailKinds). */
  kind: string;
  /** Given to the composer at send time: ids and choices, not rendered text. */
  payload: Record<string, unknown>;
  to: string;
  toName?: string;
  /** Free key to find the row again, e.g. "delivery:42". */
  ref?: string;
  /** The appeal whose team may read this mail (its mail pages); omit for account mail. */
  appealId?: number;
  /** The organiser account the mail goes to ("Meine E-Mails"), e.g. the member-added mail. */
  organiserId?: number;
  /** A fixed Message-ID "<…@…>"; by default the worker assigns one before the first attempt. */
  messageId?: string;
  /** Not before this time (default: now). */
  notBefore?: Date;
};

/**
 * Queues one e-mail. Only inserts a row, so it belongs inside the caller's transaction
 * (`db` may be a transaction); the worker composes and sends it later.
 */
export function enqueueMail({ db, clock, mail }: { db: Db; clock: Clock; mail: EnqueueMail }): OutboxRow {
  if (!isValidMailAddress(mail.to)) throw new Error(`Cannot queue mail to an invalid address: ${JSON.stringify(mail.to)}`);
  if (mail.messageId !== undefined && !/^<[^<>\s]+@[^<>\s]+>$/.test(mail.messageId)) {
    throw new Error(`Invalid Message-ID: ${JSON.stringify(mail.messageId)}`);
  }
  const now = clock();
  return mailRepository(db).insert({
    kind: mail.kind,
    payload: JSON.stringify(mail.payload),
    recipient: mail.to,
    recipientName: mail.toName ?? '',
    ref: mail.ref ?? null,
    appealId: mail.appealId ?? null,
    organiserId: mail.organiserId ?? null,
    messageId: mail.messageId ?? null,
    state: 'queued',
    nextAttemptAt: mail.notBefore ?? now,
    createdAt: now,
    updatedAt: now,
  });
}

export function getOutboxRow({ db, id }: { db: Db; id: number }): OutboxRow | undefined {
  return mailRepository(db).findById(id);
}

export function listOutboxRowsByRef({ db, ref }: { db: Db; ref: string }): OutboxRow[] {
  return mailRepository(db).listByRef(ref);
}

/** "erneut senden": a failed, rejected or uncertain row goes out again with the same Message-ID. */
export function resendMail({ db, clock, id }: { db: Db; clock: Clock; id: number }): boolean {
  return mailRepository(db).requeue(id, clock(), ['failed', 'rejected', 'uncertain']);
}

/** "als zugestellt markieren" for an uncertain row. */
export function markMailDelivered({ db, clock, id }: { db: Db; clock: Clock; id: number }): boolean {
  return mailRepository(db).markUncertainSent(id, clock());
}

export type OutboxStatus = {
  counts: Record<OutboxState, number>;
  pause: { since: Date; until: Date | null; reason: string } | null;
  problems: OutboxRow[];
};

/**
 * Whose mail a page shows: an appeal's (its team) or an organiser's own account mail. Every
 * read of stored mail goes through a scope, so no page lists another coalition's mail.
 */
export type MailScope = { appealId: number } | { organiserId: number };

/**
 * The outbox state. With a scope: counts and problems of that scope's rows only (the pause of
 * the worker is the installation's and shown to all). Without: every row (CLI, dispatch).
 */
export function getOutboxStatus({ db, scope }: { db: Db; scope?: MailScope }): OutboxStatus {
  const repository = mailRepository(db);
  const state = repository.workerState();
  return {
    counts: repository.countByState(scope),
    pause: state?.pausedAt ? { since: state.pausedAt, until: state.pausedUntil, reason: state.pauseReason } : null,
    problems: repository.listInStates(['failed', 'rejected', 'uncertain'], 200, scope),
  };
}

/** The newest `limit` rows of a scope (newest first) and how many there are. */
export function listScopedMails({ db, scope, limit = 200 }: { db: Db; scope: MailScope; limit?: number }): { rows: OutboxRow[]; total: number } {
  const repository = mailRepository(db);
  return { rows: repository.listInScope(scope, limit), total: repository.countInScope(scope) };
}

/** One outbox row, only if it belongs to the scope (otherwise undefined: a 404 for the page). */
export function getScopedMail({ db, scope, id }: { db: Db; scope: MailScope; id: number }): OutboxRow | undefined {
  return mailRepository(db).findInScope(scope, id);
}

/** The row whose last attempt the file transport stored under this file name (old /mail links). */
export function findMailByStoredFile({ db, file }: { db: Db; file: string }): OutboxRow | undefined {
  return mailRepository(db).findByStoredFile(file);
}
