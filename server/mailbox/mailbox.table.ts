import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** What became of a message read from the mailbox. */
export type MailboxOutcome = 'recorded' | 'ignored' | 'duplicate' | 'too_large' | 'unreadable' | 'failed';

/**
 * One row per message the mailbox job has looked at: its place in the folder (UIDVALIDITY and
 * UID) and its Message-ID, so that it is handed over once, even when it is seen again – under
 * the same UID, or under a new one after the server renumbered the folder.
 */
export const mailboxMessages = sqliteTable(
  'mailbox_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    folder: text('folder').notNull(),
    uidValidity: integer('uid_validity').notNull(),
    uid: integer('uid').notNull(),
    messageId: text('message_id'),
    size: integer('size').notNull(),
    kind: text('kind'),
    outcome: text('outcome').$type<MailboxOutcome>().notNull(),
    /** Why a message was not handed over (size, parser); never its content. */
    detail: text('detail').notNull().default(''),
    /** Hand-overs tried; a failed one is tried again at most three times. */
    attempts: integer('attempts').notNull().default(1),
    processedAt: integer('processed_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [uniqueIndex('mailbox_messages_place_idx').on(table.folder, table.uidValidity, table.uid), index('mailbox_messages_message_id_idx').on(table.messageId)],
);

/**
 * One row (id 1): when the mailbox was last read, and whether it is unreachable, why (a German
 * sentence) and since when, and when the job tries again. Shown on the outbox and operator pages.
 */
export const mailboxState = sqliteTable('mailbox_state', {
  id: integer('id').primaryKey(),
  lastReadAt: integer('last_read_at', { mode: 'timestamp_ms' }),
  problem: text('problem').notNull().default(''),
  problemSince: integer('problem_since', { mode: 'timestamp_ms' }),
  failures: integer('failures').notNull().default(0),
  retryAt: integer('retry_at', { mode: 'timestamp_ms' }),
});

export type MailboxMessageRow = typeof mailboxMessages.$inferSelect;
export type MailboxStateRow = typeof mailboxState.$inferSelect;
