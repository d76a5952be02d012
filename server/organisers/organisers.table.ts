import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const notifyModes = ['immediate', 'digest'] as const;
export type NotifyMode = (typeof notifyModes)[number];

export const organisers = sqliteTable('organisers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Stored lower-case; unique. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  /** The operator: the first account (setup) or `create-organiser --admin`. */
  isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
  /** Set while the operator has disabled the account: no login, every session ended. */
  disabledAt: integer('disabled_at', { mode: 'timestamp_ms' }),
  /** The TOTP secret (base32), sealed with the app's secret; null: no second factor. */
  totpSecret: text('totp_secret'),
  /** A secret shown as QR code but not yet confirmed with a code (sealed as well). */
  totpPendingSecret: text('totp_pending_secret'),
  /** The last accepted TOTP time step: a code is never accepted twice. */
  totpLastStep: integer('totp_last_step').notNull().default(0),
  /** News of signatures on the appeals one owns: each by mail right away, or one digest a day. */
  notifyMode: text('notify_mode', { enum: notifyModes }).notNull().default('immediate'),
  /** Up to when the daily digest has covered the events (null: never sent one). */
  digestSentAt: integer('digest_sent_at', { mode: 'timestamp_ms' }),
});

/** Links sent to an organiser: password reset (1 hour) and e-mail change (to the new address). */
export const accountTokens = sqliteTable(
  'account_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    organiserId: integer('organiser_id')
      .notNull()
      .references(() => organisers.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['password-reset', 'email-change'] }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** The address an e-mail change goes to. */
    newEmail: text('new_email'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    /** Used, or replaced by a newer link. */
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
  },
  (table) => [index('account_tokens_organiser_idx').on(table.organiserId)],
);

/** Ten single-use recovery codes per account with a second factor, stored as SHA-256. */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    organiserId: integer('organiser_id')
      .notNull()
      .references(() => organisers.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
  },
  (table) => [index('recovery_codes_organiser_idx').on(table.organiserId)],
);

/** A login whose password was right and whose second factor is still asked for (10 minutes). */
export const loginChallenges = sqliteTable('login_challenges', {
  tokenHash: text('token_hash').primaryKey(),
  organiserId: integer('organiser_id')
    .notNull()
    .references(() => organisers.id, { onDelete: 'cascade' }),
  next: text('next').notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Server-side sessions: the cookie holds a random token, the table only its SHA-256. */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    organiserId: integer('organiser_id')
      .notNull()
      .references(() => organisers.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('sessions_organiser_idx').on(table.organiserId)],
);

/** The account's own security events (logins, failures, changes), shown on its account page; 90 days. */
export const accountEvents = sqliteTable(
  'account_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    organiserId: integer('organiser_id')
      .notNull()
      .references(() => organisers.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    /** What the operator's actions concern (the account's e-mail address at the time). */
    detail: text('detail').notNull().default(''),
    /** The client network (/24 or /48), never the full address. */
    network: text('network').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('account_events_organiser_idx').on(table.organiserId, table.at)],
);

export type Organiser = typeof organisers.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type AccountToken = typeof accountTokens.$inferSelect;
