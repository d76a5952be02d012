import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { appeals } from '../appeals/appeals.table.ts';

/** supporter_list: the "Unterstützerliste" that goes with the letter mails; signing_record: the "Zeichnungsnachweis" (no CHECK constraint: no migration). */
export const letterDocumentKinds = ['master', 'personal', 'print', 'supporter_list', 'signing_record'] as const;
export type LetterDocumentKind = (typeof letterDocumentKinds)[number];

/**
 * Every PDF the app has issued, by its verification code (printed in the footer). The
 * SHA-256 proves later that a file is exactly the one issued. Rows are reused when the same
 * input is rendered again (`inputKey`), so repeated previews do not add rows.
 */
export const letterDocuments = sqliteTable(
  'letter_documents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** ABCD-EFGH from an alphabet without 0/O and 1/I. */
    code: text('code').notNull().unique(),
    sha256: text('sha256').notNull(),
    appealId: integer('appeal_id')
      .notNull()
      .references(() => appeals.id, { onDelete: 'cascade' }),
    textVersionHash: text('text_version_hash').notNull(),
    kind: text('kind', { enum: letterDocumentKinds }).notNull(),
    /** Null for the master, a collective letter to a whole list, or a print file. */
    addresseeId: integer('addressee_id'),
    addresseeListId: integer('addressee_list_id'),
    /** Snapshot of the address lines as printed (the addressee may change or be deleted later). */
    addressLines: text('address_lines').notNull().default(''),
    /** Snapshot of the signatories as printed: JSON [{ name, function, organisation, signedAt }]. */
    signatories: text('signatories').notNull().default('[]'),
    draft: integer('draft', { mode: 'boolean' }).notNull(),
    pageCount: integer('page_count').notNull().default(0),
    byteSize: integer('byte_size').notNull().default(0),
    /** Hash of everything the bytes were rendered from; equal input → equal bytes → same row. */
    inputKey: text('input_key').notNull(),
    renderedAt: integer('rendered_at', { mode: 'timestamp_ms' }).notNull(),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    /** Who the electronic seal of the file names (the certificate's holder); null: not sealed. */
    sealedBy: text('sealed_by'),
  },
  (table) => [index('letter_documents_appeal_idx').on(table.appealId), index('letter_documents_input_idx').on(table.inputKey)],
);

export type LetterDocument = typeof letterDocuments.$inferSelect;
export type NewLetterDocument = typeof letterDocuments.$inferInsert;
