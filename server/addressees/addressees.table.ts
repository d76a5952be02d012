import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { appeals } from '../appeals/appeals.table.ts';
import { organisers } from '../organisers/organisers.table.ts';

export const salutations = ['Herr', 'Frau', ''] as const;
export type Salutation = (typeof salutations)[number];

/**
 * A reusable list of addressees (e.g. "Bürgermeister:innen im Kreis Kleve"). Besides its
 * members it describes how the list is addressed as a group: the line in the master letter,
 * the group salutation, and the postal/e-mail address that receives a collective letter.
 */
export const addresseeLists = sqliteTable(
  'addressee_lists',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => organisers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Rank of the office for combined salutations: lower comes first (Landrat 10, Kreistag 20 …). */
    rank: integer('rank').notNull().default(50),
    /** Line in the master letter: "An die Mitglieder des Kreistages". */
    groupAddressLine: text('group_address_line').notNull().default(''),
    /** "Sehr geehrte Mitglieder des Kreistages," */
    groupSalutation: text('group_salutation').notNull().default(''),
    /** Where a collective letter goes ("Kreis Kleve", "Mitglieder des Kreistages", Nassauerallee …). */
    groupInstitution: text('group_institution').notNull().default(''),
    groupRecipient: text('group_recipient').notNull().default(''),
    groupStreet: text('group_street').notNull().default(''),
    groupPostcode: text('group_postcode').notNull().default(''),
    groupCity: text('group_city').notNull().default(''),
    groupEmail: text('group_email').notNull().default(''),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('addressee_lists_owner_idx').on(table.ownerId)],
);

export const addressees = sqliteTable(
  'addressees',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    listId: integer('list_id')
      .notNull()
      .references(() => addresseeLists.id, { onDelete: 'cascade' }),
    salutation: text('salutation', { enum: salutations }).notNull().default(''),
    /** Academic titles as written in the address: "Dr.", "Prof. Dr.". */
    title: text('title').notNull().default(''),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    /** Office or role: "Landrat", "Bürgermeisterin", "Vorsitzende des Integrationsausschusses". */
    function: text('function').notNull().default(''),
    institution: text('institution').notNull().default(''),
    department: text('department').notNull().default(''),
    street: text('street').notNull().default(''),
    /** Always a string: leading zeros matter (01067 Dresden). */
    postcode: text('postcode').notNull().default(''),
    city: text('city').notNull().default(''),
    email: text('email').notNull().default(''),
    /** Pre-composed salutation that overrides the generated one. */
    letterSalutation: text('letter_salutation').notNull().default(''),
    /** ISO date on which the entry was last checked against an official source. */
    verifiedAt: text('verified_at').notNull().default(''),
    note: text('note').notNull().default(''),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('addressees_list_idx').on(table.listId)],
);

/** The lists an appeal is addressed to; `collective` = one letter to the whole group. */
export const appealAddresseeLists = sqliteTable(
  'appeal_addressee_lists',
  {
    appealId: integer('appeal_id')
      .notNull()
      .references(() => appeals.id, { onDelete: 'cascade' }),
    listId: integer('list_id')
      .notNull()
      .references(() => addresseeLists.id, { onDelete: 'cascade' }),
    collective: integer('collective', { mode: 'boolean' }).notNull().default(false),
  },
  (table) => [
    primaryKey({ columns: [table.appealId, table.listId] }),
    index('appeal_addressee_lists_list_idx').on(table.listId),
  ],
);

export type AddresseeList = typeof addresseeLists.$inferSelect;
export type Addressee = typeof addressees.$inferSelect;
export type AppealAddresseeList = typeof appealAddresseeLists.$inferSelect;
