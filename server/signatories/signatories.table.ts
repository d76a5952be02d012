import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { appeals } from '../appeals/appeals.table.ts';

/** A member organisation of the coalition, as it appears in the letterhead and the signature block. */
export const organisations = sqliteTable(
  'organisations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    appealId: integer('appeal_id')
      .notNull()
      .references(() => appeals.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    shortName: text('short_name').notNull().default(''),
    website: text('website').notNull().default(''),
    /** Postal address, one line per text line. */
    address: text('address').notNull().default(''),
    /** File name of the re-encoded PNG under DATA_DIR/uploads/logos; null = no logo. */
    logoFile: text('logo_file'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('organisations_appeal_idx').on(table.appealId)],
);

export const signatoryTiers = ['first', 'supporter'] as const;
export type SignatoryTier = (typeof signatoryTiers)[number];

export const signatoryStatuses = [
  'not_invited',
  'invited',
  'viewed',
  'signed',
  'declined',
  'withdrawn',
  'needs_reconfirmation',
] as const;
export type SignatoryStatus = (typeof signatoryStatuses)[number];

export const signatureKinds = ['typed', 'drawn', 'image'] as const;
export type SignatureKind = (typeof signatureKinds)[number];

/** An organisation signing through a named representative. */
export const signatories = sqliteTable(
  'signatories',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    appealId: integer('appeal_id')
      .notNull()
      .references(() => appeals.id, { onDelete: 'cascade' }),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    representativeName: text('representative_name').notNull(),
    representativeFunction: text('representative_function').notNull().default(''),
    representativeEmail: text('representative_email').notNull(),
    tier: text('tier', { enum: signatoryTiers }).notNull().default('first'),
    status: text('status', { enum: signatoryStatuses }).notNull().default('not_invited'),
    /** Order in the signature block (ascending). */
    position: integer('position').notNull(),
    /** The text version this signature was given for (appeal_versions.id); null = not signed. */
    signedVersionId: integer('signed_version_id'),
    signedAt: integer('signed_at', { mode: 'timestamp_ms' }),
    signatureKind: text('signature_kind', { enum: signatureKinds }),
    /** Re-encoded PNG under DATA_DIR/uploads/signatures for drawn or uploaded signatures. */
    signatureFile: text('signature_file'),
    declineReason: text('decline_reason').notNull().default(''),
    /** Separate consents given when signing (DESIGN §9: nothing is published without them). */
    consentPublic: integer('consent_public', { mode: 'boolean' }).notNull().default(false),
    consentLogo: integer('consent_logo', { mode: 'boolean' }).notNull().default(false),
    invitedAt: integer('invited_at', { mode: 'timestamp_ms' }),
    lastActivityAt: integer('last_activity_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('signatories_appeal_idx').on(table.appealId, table.position)],
);

export type Organisation = typeof organisations.$inferSelect;
export type Signatory = typeof signatories.$inferSelect;
export type NewSignatory = typeof signatories.$inferInsert;
