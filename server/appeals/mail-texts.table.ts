import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organisers } from '../organisers/organisers.table.ts';
import { appeals } from './appeals.table.ts';

/** The mails whose words an organiser may adapt per appeal. */
export const mailTextKinds = ['invitation', 'reminder', 'cover'] as const;
export type MailTextKind = (typeof mailTextKinds)[number];

/**
 * An appeal's own wording of a mail. No row means the default of the catalogue, so that an
 * improved default also reaches older appeals. Placeholders ({{appeal}} …) are substituted as
 * text when the mail is composed (server/appeals/mail-texts.ts), never run as template code.
 */
export const appealMailTexts = sqliteTable(
  'appeal_mail_texts',
  {
    appealId: integer('appeal_id')
      .notNull()
      .references(() => appeals.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: mailTextKinds }).notNull(),
    /** '' = the generated subject (the letter's cover mail only). */
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    updatedBy: integer('updated_by').references(() => organisers.id, { onDelete: 'set null' }),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.appealId, table.kind] })],
);

export type AppealMailText = typeof appealMailTexts.$inferSelect;
