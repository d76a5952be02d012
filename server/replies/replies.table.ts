import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { appeals } from '../appeals/appeals.table.ts';
import { deliveries } from '../dispatch/dispatch.table.ts';
import { mailOutbox } from '../mail/mail.table.ts';

// What comes back after a letter was sent (DESIGN §8): replies of the addressees (through the
// reply link, by mail, or recorded by hand), bounces and auto-replies read from the mailbox,
// and reminders to those who stay silent. Everything hangs on a delivery.

/**
 * The reply link `/r/<token>` of one delivery. A new row each time the cover mail is composed
 * (a retry composes it again): only the hash is stored, the token exists only in the mail.
 */
export const replyLinks = sqliteTable(
  'reply_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('reply_links_delivery_idx').on(table.deliveryId)],
);

/** How a reply reached the coalition. */
export const replySources = ['link', 'mail', 'post', 'phone'] as const;
export type ReplySource = (typeof replySources)[number];

export const replies = sqliteTable(
  'replies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    source: text('source', { enum: replySources }).notNull(),
    /** Who wrote, as they gave it (name, office); the e-mail address only for the confirmation. */
    authorName: text('author_name').notNull().default(''),
    office: text('office').notNull().default(''),
    authorEmail: text('author_email').notNull().default(''),
    subject: text('subject').notNull().default(''),
    /** Plain text only: an HTML mail is reduced to its text and never shown as HTML. */
    body: text('body').notNull().default(''),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
    /** The addressee agreed to publication (link form), or the organiser declared it (post, phone). */
    mayPublish: integer('may_publish', { mode: 'boolean' }).notNull().default(false),
    publishedAt: integer('published_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('replies_delivery_idx').on(table.deliveryId)],
);

/** A file of a reply: kept under DATA_DIR/uploads/replies with a random name, served only as a download. */
export const replyFiles = sqliteTable(
  'reply_files',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    replyId: integer('reply_id')
      .notNull()
      .references(() => replies.id, { onDelete: 'cascade' }),
    storedName: text('stored_name').notNull(),
    /** The name as sent, for the download (ASCII-folded when served). */
    fileName: text('file_name').notNull(),
    /** What the bytes are (by their magic number), not what the sender claimed. */
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
  },
  (table) => [index('reply_files_reply_idx').on(table.replyId)],
);

export const noticeKinds = ['bounce', 'auto-reply'] as const;
export type NoticeKind = (typeof noticeKinds)[number];

/** A bounce (the delivery becomes "unzustellbar") or an auto-reply (noted, not a reply). */
export const deliveryNotices = sqliteTable(
  'delivery_notices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: noticeKinds }).notNull(),
    /** Bounce: the DSN status ("5.1.1") and the receiving server's words; auto-reply: its subject. */
    status: text('status').notNull().default(''),
    detail: text('detail').notNull().default(''),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('delivery_notices_delivery_idx').on(table.deliveryId)],
);

/** Every message taken from the mailbox, by its Message-ID: the same mail fetched twice is recorded once. */
export const incomingMessages = sqliteTable('incoming_messages', {
  messageId: text('message_id').primaryKey(),
  deliveryId: integer('delivery_id').references(() => deliveries.id, { onDelete: 'set null' }),
  outcome: text('outcome').notNull(),
  recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
});

/** The reminders to a silent addressee, numbered; a slot is claimed once (unique), so none goes out twice. */
export const replyReminders = sqliteTable(
  'reply_reminders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    outboxId: integer('outbox_id').references(() => mailOutbox.id, { onDelete: 'set null' }),
    /** When it goes out (now, or the day the organiser scheduled). */
    dueAt: integer('due_at', { mode: 'timestamp_ms' }).notNull(),
    createdBy: text('created_by').notNull().default(''),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [uniqueIndex('reply_reminders_slot_idx').on(table.deliveryId, table.number)],
);

/** Deliveries the organiser marked "keine Antwort erwartet" (never reminded, not counted as open). */
export const answerWaivers = sqliteTable('answer_waivers', {
  deliveryId: integer('delivery_id')
    .primaryKey()
    .references(() => deliveries.id, { onDelete: 'cascade' }),
  setAt: integer('set_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Per appeal: days without an answer before a reminder is offered. */
export const replySettings = sqliteTable(
  'reply_settings',
  {
    appealId: integer('appeal_id')
      .notNull()
      .references(() => appeals.id, { onDelete: 'cascade' }),
    remindAfterDays: integer('remind_after_days').notNull().default(21),
  },
  (table) => [primaryKey({ columns: [table.appealId] })],
);

export type ReplyLink = typeof replyLinks.$inferSelect;
export type Reply = typeof replies.$inferSelect;
export type NewReply = typeof replies.$inferInsert;
export type ReplyFile = typeof replyFiles.$inferSelect;
export type DeliveryNotice = typeof deliveryNotices.$inferSelect;
export type ReplyReminder = typeof replyReminders.$inferSelect;
export type ReplySettings = typeof replySettings.$inferSelect;
