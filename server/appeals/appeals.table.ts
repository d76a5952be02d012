import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organisers } from '../organisers/organisers.table.ts';

export const appealKinds = ['aufruf', 'antrag', 'resolution', 'offener_brief'] as const;
export type AppealKind = (typeof appealKinds)[number];

export const appealStates = ['draft', 'signing', 'final', 'sending', 'sent'] as const;
export type AppealState = (typeof appealStates)[number];

/** When the public page (if switched on) becomes visible: from signing on, or only once final. */
export const publicFromOptions = ['signing', 'final'] as const;
export type PublicFrom = (typeof publicFromOptions)[number];

export const roles = ['owner', 'editor', 'viewer'] as const;
export type Role = (typeof roles)[number];

export const appeals = sqliteTable('appeals', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Readable and stable: set once from the title, used in every URL of the appeal. */
  slug: text('slug').notNull().unique(),
  kind: text('kind', { enum: appealKinds }).notNull(),
  state: text('state', { enum: appealStates }).notNull().default('draft'),
  coalitionName: text('coalition_name').notNull(),
  title: text('title').notNull(),
  /** One subtitle line per text line ("Antrag zur Sitzung des Kreisausschusses am …"). */
  subtitle: text('subtitle').notNull().default(''),
  place: text('place').notNull().default(''),
  /** The coalition's postal address ("c/o …", street, town), one part per line: the letter's return line and footer. */
  senderAddress: text('sender_address').notNull().default(''),
  /** The letter ends with "Gleichlautende Schreiben an: …" naming the other addressees. */
  letterNamesRecipients: integer('letter_names_recipients', { mode: 'boolean' }).notNull().default(true),
  /** ISO calendar date printed in the letter; empty = the date it is rendered. */
  letterDate: text('letter_date').notNull().default(''),
  reference: text('reference').notNull().default(''),
  /** When set, every letter uses this salutation instead of the generated one. */
  salutationOverride: text('salutation_override').notNull().default(''),
  /** Letter text in the Markdown subset of server/appeals/letter-text.ts. */
  body: text('body').notNull().default(''),
  closing: text('closing').notNull().default('Mit freundlichen Grüßen'),
  contactName: text('contact_name').notNull().default(''),
  contactFunction: text('contact_function').notNull().default(''),
  contactEmail: text('contact_email').notNull().default(''),
  contactPhone: text('contact_phone').notNull().default(''),
  /** "Kopie an" entries, one per line. */
  ccLines: text('cc_lines').notNull().default(''),
  /** "Anlagen" entries, one per line. */
  attachmentLines: text('attachment_lines').notNull().default(''),
  /** Once: print the "Erstunterzeichner:" list below the signatures. No longer offered: the signature grid names each first signatory once. */
  listFirstSignatories: integer('list_first_signatories', { mode: 'boolean' }).notNull().default(false),
  publicPage: integer('public_page', { mode: 'boolean' }).notNull().default(false),
  publicFrom: text('public_from', { enum: publicFromOptions }).notNull().default('signing'),
  /** ISO date after which supporters can no longer sign; empty = open until sending. */
  supportClosesOn: text('support_closes_on').notNull().default(''),
  /** Number of citizens the coalition aims for (shown on the page); 0 = no goal. */
  supportGoal: integer('support_goal').notNull().default(0),
  /** The letter names the confirmed supporter organisations ("Unterstützt von: …"). */
  letterNamesSupporters: integer('letter_names_supporters', { mode: 'boolean' }).notNull().default(false),
  /** The letter gives the number of confirmed citizens ("sowie 1.234 Bürgerinnen und Bürger"). */
  letterCountsCitizens: integer('letter_counts_citizens', { mode: 'boolean' }).notNull().default(false),
  /** Every letter mail carries a second PDF "Unterstützerliste". */
  supporterListAttached: integer('supporter_list_attached', { mode: 'boolean' }).notNull().default(false),
  /** Every letter mail carries the "Zeichnungsnachweis" as a further PDF. */
  signingRecordAttached: integer('signing_record_attached', { mode: 'boolean' }).notNull().default(false),
  /** ISO date until which first signatories are asked to answer (shown in invitations). */
  signingDeadline: text('signing_deadline').notNull().default(''),
  createdBy: integer('created_by').references(() => organisers.id, { onDelete: 'set null' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Organiser × appeal × role. No row means the appeal does not exist for that organiser. */
export const memberships = sqliteTable(
  'memberships',
  {
    appealId: integer('appeal_id')
      .notNull()
      .references(() => appeals.id, { onDelete: 'cascade' }),
    organiserId: integer('organiser_id')
      .notNull()
      .references(() => organisers.id, { onDelete: 'cascade' }),
    role: text('role', { enum: roles }).notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.appealId, table.organiserId] }),
    index('memberships_organiser_idx').on(table.organiserId),
  ],
);

export type Appeal = typeof appeals.$inferSelect;
export type NewAppeal = typeof appeals.$inferInsert;
export type Membership = typeof memberships.$inferSelect;
