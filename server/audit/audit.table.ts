import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { appeals } from '../appeals/appeals.table.ts';

/**
 * Append-only trail of what happened to an appeal. Each row carries the hash of the previous
 * row of the same appeal, so an edited or deleted row breaks the chain visibly.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    appealId: integer('appeal_id')
      .notNull()
      .references(() => appeals.id, { onDelete: 'cascade' }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    /** "Organisator:in Andrea Beispiel", "AWO Kreisverband Kleve e.V. (Małgorzata Kowalska)", "System". */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    /** Free text in German: what exactly (reason of a decline, recipient of a mail …). */
    detail: text('detail').notNull().default(''),
    versionHash: text('version_hash').notNull().default(''),
    /** Truncated client address (IPv4 /24, IPv6 /48). */
    ip: text('ip').notNull().default(''),
    previousHash: text('previous_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (table) => [index('audit_events_appeal_idx').on(table.appealId, table.id)],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
