import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { appeals } from '../appeals/appeals.table.ts';
import { signatories } from '../signatories/signatories.table.ts';

/**
 * A frozen text of an appeal. Signatures point at the version they were given for, so a
 * signature never counts for a text its signatory did not see.
 */
export const appealVersions = sqliteTable(
  'appeal_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    appealId: integer('appeal_id')
      .notNull()
      .references(() => appeals.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    /** SHA-256 (hex) of the canonical form. */
    hash: text('hash').notNull(),
    /** The canonical form itself (JSON), kept for the diff and for proof. */
    canonical: text('canonical').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [uniqueIndex('appeal_versions_number_idx').on(table.appealId, table.number)],
);

export const signingLinkPurposes = ['sign', 'withdraw'] as const;
export type SigningLinkPurpose = (typeof signingLinkPurposes)[number];

/** A personal link /s/<token> or /w/<token>; only the token's SHA-256 is stored. */
export const signingLinks = sqliteTable(
  'signing_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    signatoryId: integer('signatory_id')
      .notNull()
      .references(() => signatories.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: signingLinkPurposes }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /** null = valid until the appeal is final (withdraw links). */
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (table) => [index('signing_links_signatory_idx').on(table.signatoryId)],
);

/**
 * One row per reminder slot and text version: inserting it claims the slot, so two workers
 * (or a restart) can never send the same reminder twice.
 */
export const reminderClaims = sqliteTable(
  'reminder_claims',
  {
    signatoryId: integer('signatory_id')
      .notNull()
      .references(() => signatories.id, { onDelete: 'cascade' }),
    versionId: integer('version_id')
      .notNull()
      .references(() => appealVersions.id, { onDelete: 'cascade' }),
    slot: integer('slot').notNull(),
    claimedAt: integer('claimed_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.signatoryId, table.versionId, table.slot] })],
);

export type AppealVersion = typeof appealVersions.$inferSelect;
export type SigningLink = typeof signingLinks.$inferSelect;
