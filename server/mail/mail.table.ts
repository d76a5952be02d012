import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Delivery states (DESIGN §7). queued → sending → sent | failed | rejected | uncertain.
 * - failed: 4xx or network error; retried while `nextAttemptAt` is set, final when it is null.
 * - rejected: the server answered 5xx; never retried, `lastError` keeps its answer.
 * - uncertain: found in `sending` when a worker started (the process died mid-send); SMTP
 *   cannot tell whether it arrived, so it is never re-sent automatically.
 */
export const outboxStates = ['queued', 'sending', 'sent', 'failed', 'rejected', 'uncertain'] as const;
export type OutboxState = (typeof outboxStates)[number];

export const mailOutbox = sqliteTable(
  'mail_outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Which composer builds the message at send time ('member-added', …). */
    kind: text('kind').notNull(),
    /** JSON given to the composer: ids, not rendered content. */
    payload: text('payload').notNull().default('{}'),
    recipient: text('recipient').notNull(),
    recipientName: text('recipient_name').notNull().default(''),
    /** Free key of the domain that queued it, e.g. "delivery:42", to find the row again. */
    ref: text('ref'),
    /**
     * The appeal whose team may see this mail (its mail page and outbox); null for account
     * mail. A plain id: the mail layer knows no appeals. Filled by enqueueMail's callers.
     */
    appealId: integer('appeal_id'),
    /** The organiser account this mail was sent to (their "Meine E-Mails"); null otherwise. */
    organiserId: integer('organiser_id'),
    /** The .eml file the file transport wrote for the last attempt (DATA_DIR/mail); null with SMTP. */
    storedFile: text('stored_file'),
    state: text('state', { enum: outboxStates }).notNull().default('queued'),
    /** Stable Message-ID (with angle brackets), fixed before the first attempt. */
    messageId: text('message_id').unique(),
    /** Subject as composed at the last attempt (for the status page). */
    subject: text('subject').notNull().default(''),
    attempts: integer('attempts').notNull().default(0),
    /** Earliest time of the next attempt; null when no attempt is due (sending or final). */
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }),
    lastError: text('last_error').notNull().default(''),
    /** The server's answer to the accepted message ("250 OK …"). */
    smtpResponse: text('smtp_response').notNull().default(''),
    claimedAt: integer('claimed_at', { mode: 'timestamp_ms' }),
    /** Which worker holds it: "<host>:<pid>:<random>" (so a restart knows whose rows were in flight). */
    claimedBy: text('claimed_by').notNull().default(''),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    index('mail_outbox_due_idx').on(table.state, table.nextAttemptAt),
    // The worker's claim walks this in order and stops at the first due row; with the index
    // above it sorted every waiting row on each claim (0.6 ms a letter with 10,000 waiting).
    index('mail_outbox_claimable_idx').on(table.nextAttemptAt, table.id).where(sql`state in ('queued', 'failed')`),
    index('mail_outbox_ref_idx').on(table.ref),
    index('mail_outbox_appeal_idx').on(table.appealId, table.id),
    index('mail_outbox_organiser_idx').on(table.organiserId, table.id),
  ],
);

/**
 * One row (id 1): whether the worker is paused because the mail server refused the login
 * or the connection, why, and when it tries again. Shown on /mail/outbox.
 */
export const mailWorkerState = sqliteTable('mail_worker_state', {
  id: integer('id').primaryKey(),
  pausedAt: integer('paused_at', { mode: 'timestamp_ms' }),
  pausedUntil: integer('paused_until', { mode: 'timestamp_ms' }),
  pauseReason: text('pause_reason').notNull().default(''),
  lastSentAt: integer('last_sent_at', { mode: 'timestamp_ms' }),
});

export type OutboxRow = typeof mailOutbox.$inferSelect;
export type NewOutboxRow = typeof mailOutbox.$inferInsert;
export type MailWorkerState = typeof mailWorkerState.$inferSelect;
