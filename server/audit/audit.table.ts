import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { appeals } from '../appeals/appeals.table.ts';

/**
 * Append-only trail of what happened to an appeal. Each row carries the hash of the previous
 * row of the same appeal, so an edited or deleted row breaks the chain visibly.
 *
 * The personal part of a row (actor and detail; the ip) is not hashed into the chain itself
 * but through a salted digest (server/shared/audit-chain.ts). Deleting a person's data
 * replaces that part with a pseudonym and clears the salt: the digest and the chain stay, so
 * the chain still verifies, and the digest no longer lets anyone confirm a guess of the
 * original text. A row whose digest is empty is in the format before the digests (a chain
 * that was already broken when the digests came, see server/db/audit-chain-upgrade.ts).
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
    /** Random salt of the actor/detail digest; '' once the personal part was pseudonymised. */
    personalSalt: text('personal_salt').notNull().default(''),
    /** sha256(salt, [actor, detail]); what the chain hash covers instead of the text. */
    personalDigest: text('personal_digest').notNull().default(''),
    /** Random salt of the ip digest; '' once the address was removed (retention or deletion). */
    ipSalt: text('ip_salt').notNull().default(''),
    ipDigest: text('ip_digest').notNull().default(''),
    previousHash: text('previous_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (table) => [index('audit_events_appeal_idx').on(table.appealId, table.id)],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
