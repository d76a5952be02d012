import { createHash } from 'node:crypto';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { appeals } from '../appeals/appeals.table.ts';

// The second tier of an appeal (DESIGN §8): citizens and further organisations who support
// it on the public page. They do not sign the letter; the letter may name them (frozen at
// finalising) and count them.

export const supporterKinds = ['citizen', 'organisation'] as const;
export type SupporterKind = (typeof supporterKinds)[number];

/**
 *   unconfirmed ──confirm link──▶ confirmed                 (citizens)
 *   unconfirmed ──confirm link──▶ awaiting_approval ──approve──▶ confirmed   (organisations)
 *                                                 └──reject───▶ rejected
 *   confirmed ──withdraw link──▶ withdrawn
 * Only `confirmed` counts and is shown.
 */
export const supporterStates = ['unconfirmed', 'awaiting_approval', 'confirmed', 'rejected', 'withdrawn'] as const;
export type SupporterState = (typeof supporterStates)[number];

/** Comments are shown only after an organiser approved them. */
export const commentStates = ['none', 'pending', 'approved', 'hidden'] as const;
export type CommentState = (typeof commentStates)[number];

export const supporters = sqliteTable(
  'supporters',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    appealId: integer('appeal_id')
      .notNull()
      .references(() => appeals.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: supporterKinds }).notNull(),
    state: text('state', { enum: supporterStates }).notNull().default('unconfirmed'),
    /** Citizens: their own name. Organisations: the representative's name. */
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    postcode: text('postcode').notNull().default(''),
    place: text('place').notNull().default(''),
    /** Null once deleted by retention (DESIGN §9) or on request; the signature still counts. */
    email: text('email'),
    /**
     * SHA-256 of the normalised (trimmed, lower-case) e-mail: one signature per address and
     * appeal, also after the address itself has been deleted.
     */
    emailKey: text('email_key').notNull(),
    comment: text('comment').notNull().default(''),
    commentState: text('comment_state', { enum: commentStates }).notNull().default('none'),
    /** Consent: name (citizens: "Vorname N., Ort"; organisations: name and logo) on the public page. */
    showName: integer('show_name', { mode: 'boolean' }).notNull().default(false),
    /** Consent: the coalition may write to this address about the appeal after it is sent. */
    keepInformed: integer('keep_informed', { mode: 'boolean' }).notNull().default(false),
    // Organisations only.
    organisationName: text('organisation_name').notNull().default(''),
    shortName: text('short_name').notNull().default(''),
    website: text('website').notNull().default(''),
    /** Postal address, one line per text line. */
    address: text('address').notNull().default(''),
    representativeFunction: text('representative_function').notNull().default(''),
    /** Re-encoded PNG under DATA_DIR/uploads/logos; null = no logo. */
    logoFile: text('logo_file'),
    consentLogo: integer('consent_logo', { mode: 'boolean' }).notNull().default(false),
    /** The representative declared to be authorised to speak for the organisation. */
    authorityDeclared: integer('authority_declared', { mode: 'boolean' }).notNull().default(false),
    rejectReason: text('reject_reason').notNull().default(''),
    /** Only SHA-256 of the links' tokens is stored (DESIGN §9). */
    confirmTokenHash: text('confirm_token_hash').unique(),
    confirmExpiresAt: integer('confirm_expires_at', { mode: 'timestamp_ms' }),
    withdrawTokenHash: text('withdraw_token_hash').unique(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    confirmedAt: integer('confirmed_at', { mode: 'timestamp_ms' }),
    decidedAt: integer('decided_at', { mode: 'timestamp_ms' }),
    withdrawnAt: integer('withdrawn_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    uniqueIndex('supporters_email_idx').on(table.appealId, table.kind, table.emailKey),
    index('supporters_state_idx').on(table.appealId, table.kind, table.state, table.confirmedAt),
    // Comments by moderation state: the page's approved ones and the organiser's queue
    // without walking a million signatures.
    index('supporters_comment_idx').on(table.appealId, table.commentState, table.confirmedAt),
  ],
);

/**
 * Confirmed supporters per appeal, kept by triggers (migration 0007) in the same transaction
 * as every change of `supporters`: the public page never counts rows per request.
 */
export const supporterCounts = sqliteTable('supporter_counts', {
  appealId: integer('appeal_id')
    .primaryKey()
    .references(() => appeals.id, { onDelete: 'cascade' }),
  citizens: integer('citizens').notNull().default(0),
  organisations: integer('organisations').notNull().default(0),
});

/** Confirmed citizens per calendar day (UTC) of confirmation, for the organiser's chart; kept by the same triggers. */
export const supporterDays = sqliteTable(
  'supporter_days',
  {
    appealId: integer('appeal_id')
      .notNull()
      .references(() => appeals.id, { onDelete: 'cascade' }),
    day: text('day').notNull(),
    citizens: integer('citizens').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.appealId, table.day] })],
);

/**
 * What the letter says of its supporters, frozen when the appeal is finalised (null columns
 * until then; a reopen clears the row). Later withdrawals change the page, not the letter.
 */
export const supporterSnapshots = sqliteTable('supporter_snapshots', {
  appealId: integer('appeal_id')
    .primaryKey()
    .references(() => appeals.id, { onDelete: 'cascade' }),
  /** JSON array of organisation names in the order printed. */
  organisations: text('organisations').notNull(),
  citizens: integer('citizens').notNull(),
  frozenAt: integer('frozen_at', { mode: 'timestamp_ms' }).notNull(),
});

/** `supporters.emailKey`: the normalised address's SHA-256 (one signature per address, kind and appeal). */
export const emailKeyOf = (email: string) => createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex');

export type Supporter = typeof supporters.$inferSelect;
export type NewSupporter = typeof supporters.$inferInsert;
