import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organisers } from '../organisers/organisers.table.ts';
import { appeals, roles } from './appeals.table.ts';

/**
 * An invitation to an appeal's team for a person without an account: the mail's link (only its
 * hash is stored, valid 7 days) leads to choosing name and password; the role follows. Without
 * an appeal it is the operator's invitation to the installation (admin page).
 */
export const teamInvitations = sqliteTable(
  'team_invitations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    appealId: integer('appeal_id').references(() => appeals.id, { onDelete: 'cascade' }),
    /** Stored lower-case. */
    email: text('email').notNull(),
    role: text('role', { enum: roles }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** Named in the mail and on the page; null once that account is deleted. */
    invitedBy: integer('invited_by').references(() => organisers.id, { onDelete: 'set null' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    acceptedAt: integer('accepted_at', { mode: 'timestamp_ms' }),
    /** Withdrawn by an owner, or replaced by a newer invitation to the same address. */
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (table) => [index('team_invitations_appeal_idx').on(table.appealId), index('team_invitations_email_idx').on(table.email)],
);

export type TeamInvitation = typeof teamInvitations.$inferSelect;
