import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { appeals } from '../appeals/appeals.table.ts';
import { mailOutbox } from '../mail/mail.table.ts';
import { organisers } from '../organisers/organisers.table.ts';

/**
 * "Jetzt versenden" of one appeal. At most one per appeal (unique appealId): a second click,
 * a second tab or the CLI running at the same time cannot start a second dispatch.
 */
export const dispatches = sqliteTable('dispatches', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  appealId: integer('appeal_id')
    .notNull()
    .unique()
    .references(() => appeals.id, { onDelete: 'cascade' }),
  /** ISO day the letters are rendered for: a retry on a later day gives the same PDF and code. */
  day: text('day').notNull(),
  startedBy: integer('started_by').references(() => organisers.id, { onDelete: 'set null' }),
  /** Who started it, as shown in the log ("Organisator:in …" or "Kommandozeile"). */
  startedByName: text('started_by_name').notNull().default(''),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  /** When every delivery was sent or decided (the appeal became "versendet"). */
  finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  /** When the thanks with the final letter were queued to the first signatories (once per appeal). */
  thanksQueuedAt: integer('thanks_queued_at', { mode: 'timestamp_ms' }),
});

/**
 * How a letter goes out: by e-mail (through the outbox), by post (no e-mail address), or not
 * at all until someone fixes the address (invalid e-mail address: listed, skipped, reported).
 */
export const deliveryChannels = ['email', 'post', 'invalid'] as const;
export type DeliveryChannel = (typeof deliveryChannels)[number];

/**
 * One row per addressee (or per list addressed as a group) of a dispatch. The state of an
 * e-mail delivery is the state of its outbox row (queued → sending → sent | failed | rejected |
 * uncertain), read through the join and never copied: the worker records it in one place.
 */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dispatchId: integer('dispatch_id')
      .notNull()
      .references(() => dispatches.id, { onDelete: 'cascade' }),
    /** The addressee, or null for a collective letter to a whole list (then listId). */
    addresseeId: integer('addressee_id'),
    listId: integer('list_id'),
    /** Snapshot at dispatch time: who and where (the directory may change later). */
    label: text('label').notNull(),
    email: text('email').notNull().default(''),
    addressLines: text('address_lines').notNull().default(''),
    channel: text('channel', { enum: deliveryChannels }).notNull(),
    outboxId: integer('outbox_id')
      .unique()
      .references(() => mailOutbox.id, { onDelete: 'set null' }),
    /** The letter document attached (set when the message is composed). */
    documentCode: text('document_code'),
    documentSha256: text('document_sha256'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('deliveries_dispatch_idx').on(table.dispatchId)],
);

/** What the organiser sees of a delivery: its channel, or the state of its outbox row. */
export type DeliveryState = 'queued' | 'sending' | 'sent' | 'retrying' | 'failed' | 'rejected' | 'uncertain' | 'post' | 'skipped';
export const deliveryStates: DeliveryState[] = ['queued', 'sending', 'retrying', 'sent', 'failed', 'rejected', 'uncertain', 'post', 'skipped'];

export type Dispatch = typeof dispatches.$inferSelect;
export type Delivery = typeof deliveries.$inferSelect;
export type NewDelivery = typeof deliveries.$inferInsert;
