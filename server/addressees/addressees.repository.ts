import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { preparedStatements } from '../db/prepared.ts';
import { appeals, memberships } from '../appeals/appeals.table.ts';
import type { Role } from '../appeals/appeals.table.ts';
import { addresseeLists, addressees, appealAddresseeLists } from './addressees.table.ts';
import type { Addressee, AddresseeList } from './addressees.table.ts';
import type { Salutation } from './addressees.table.ts';

export type ListValues = Omit<typeof addresseeLists.$inferInsert, 'id' | 'ownerId' | 'createdAt'>;
export type AddresseeValues = Omit<typeof addressees.$inferInsert, 'id' | 'listId' | 'createdAt' | 'updatedAt'>;

// What every appeal overview asks (its lists and their sizes), prepared once per connection.
const statements = preparedStatements((db) => ({
  appealLists: db
    .select({ list: addresseeLists, collective: appealAddresseeLists.collective })
    .from(appealAddresseeLists)
    .innerJoin(addresseeLists, eq(addresseeLists.id, appealAddresseeLists.listId))
    .where(eq(appealAddresseeLists.appealId, sql.placeholder('appealId')))
    .orderBy(asc(addresseeLists.rank), asc(addresseeLists.name))
    .prepare(),
  countEntries: db.select({ value: count() }).from(addressees).where(eq(addressees.listId, sql.placeholder('listId'))).prepare(),
}));

/** An addressee with every field empty, to fill from a form, a file row or demo data. */
export function emptyAddresseeValues(): Required<AddresseeValues> & { salutation: Salutation } {
  return {
    salutation: '',
    title: '',
    firstName: '',
    lastName: '',
    function: '',
    institution: '',
    department: '',
    street: '',
    postcode: '',
    city: '',
    email: '',
    letterSalutation: '',
    verifiedAt: '',
    note: '',
  };
}

export function addresseesRepository(db: Db) {
  return {
    /** Roles the organiser holds on appeals that use each list (for shared access to lists). */
    appealRolesForLists(organiserId: number, listIds?: number[]) {
      return db
        .select({ listId: appealAddresseeLists.listId, role: memberships.role })
        .from(appealAddresseeLists)
        .innerJoin(memberships, eq(memberships.appealId, appealAddresseeLists.appealId))
        .where(
          listIds
            ? and(eq(memberships.organiserId, organiserId), inArray(appealAddresseeLists.listId, listIds))
            : eq(memberships.organiserId, organiserId),
        )
        .all() as { listId: number; role: Role }[];
    },
    listsByIds(ids: number[]): AddresseeList[] {
      if (ids.length === 0) return [];
      return db.select().from(addresseeLists).where(inArray(addresseeLists.id, ids)).orderBy(asc(addresseeLists.rank), asc(addresseeLists.name)).all();
    },
    listIdsOwnedBy(ownerId: number): number[] {
      return db.select({ id: addresseeLists.id }).from(addresseeLists).where(eq(addresseeLists.ownerId, ownerId)).all().map((row) => row.id);
    },
    findList(listId: number): AddresseeList | undefined {
      return db.select().from(addresseeLists).where(eq(addresseeLists.id, listId)).get();
    },
    findListByName(ownerId: number, name: string): AddresseeList | undefined {
      return db.select().from(addresseeLists).where(and(eq(addresseeLists.ownerId, ownerId), eq(addresseeLists.name, name))).get();
    },
    listsByName(name: string): AddresseeList[] {
      return db.select().from(addresseeLists).where(eq(addresseeLists.name, name)).orderBy(asc(addresseeLists.id)).all();
    },
    countEntries(listIds: number[]): Map<number, number> {
      if (listIds.length === 0) return new Map();
      // A few lists (an appeal's): one prepared count each, cheaper than building the IN query.
      if (listIds.length <= 8) return new Map(listIds.map((listId) => [listId, statements(db).countEntries.get({ listId })?.value ?? 0]));
      const rows = db
        .select({ listId: addressees.listId, value: count() })
        .from(addressees)
        .where(inArray(addressees.listId, listIds))
        .groupBy(addressees.listId)
        .all();
      return new Map(rows.map((row) => [row.listId, row.value]));
    },
    insertList(values: ListValues & { ownerId: number; createdAt: Date }): AddresseeList {
      return db.insert(addresseeLists).values(values).returning().get();
    },
    updateList(listId: number, values: ListValues): void {
      db.update(addresseeLists).set(values).where(eq(addresseeLists.id, listId)).run();
    },
    deleteList(listId: number): void {
      db.delete(addresseeLists).where(eq(addresseeLists.id, listId)).run();
    },
    /** The appeals that use a list, each with the organiser's role on it (null: not in its team). */
    appealsUsingListFor(listId: number, organiserId: number) {
      return db
        .select({ appeal: appeals, role: memberships.role })
        .from(appealAddresseeLists)
        .innerJoin(appeals, eq(appeals.id, appealAddresseeLists.appealId))
        .leftJoin(memberships, and(eq(memberships.appealId, appeals.id), eq(memberships.organiserId, organiserId)))
        .where(eq(appealAddresseeLists.listId, listId))
        .orderBy(asc(appeals.id))
        .all();
    },
    isAppealList(appealId: number, listId: number): boolean {
      return (
        db
          .select({ listId: appealAddresseeLists.listId })
          .from(appealAddresseeLists)
          .where(and(eq(appealAddresseeLists.appealId, appealId), eq(appealAddresseeLists.listId, listId)))
          .get() !== undefined
      );
    },
    appealsUsingList(listId: number) {
      return db
        .select({ slug: appeals.slug, title: appeals.title })
        .from(appealAddresseeLists)
        .innerJoin(appeals, eq(appeals.id, appealAddresseeLists.appealId))
        .where(eq(appealAddresseeLists.listId, listId))
        .all();
    },
    entries(listId: number): Addressee[] {
      return db
        .select()
        .from(addressees)
        .where(eq(addressees.listId, listId))
        .orderBy(asc(addressees.institution), asc(addressees.lastName), asc(addressees.id))
        .all();
    },
    /** The next `limit` entries in the order of entries() after the given one (none: from the start). */
    entriesAfter(listId: number, after: Pick<Addressee, 'institution' | 'lastName' | 'id'> | null, limit: number): Addressee[] {
      return db
        .select()
        .from(addressees)
        .where(and(eq(addressees.listId, listId), after ? sql`(${addressees.institution}, ${addressees.lastName}, ${addressees.id}) > (${after.institution}, ${after.lastName}, ${after.id})` : undefined))
        .orderBy(asc(addressees.institution), asc(addressees.lastName), asc(addressees.id))
        .limit(limit)
        .all();
    },
    findEntry(listId: number, addresseeId: number): Addressee | undefined {
      return db.select().from(addressees).where(and(eq(addressees.listId, listId), eq(addressees.id, addresseeId))).get();
    },
    insertEntry(listId: number, values: AddresseeValues, now: Date): Addressee {
      return db.insert(addressees).values({ ...values, listId, createdAt: now, updatedAt: now }).returning().get();
    },
    updateEntry(addresseeId: number, values: AddresseeValues, now: Date): void {
      db.update(addressees).set({ ...values, updatedAt: now }).where(eq(addressees.id, addresseeId)).run();
    },
    /** Inserts many entries in statements of up to 500 rows (call inside a transaction). */
    insertEntries(listId: number, rows: AddresseeValues[], now: Date): void {
      for (let start = 0; start < rows.length; start += 500) {
        const chunk = rows.slice(start, start + 500).map((values) => ({ ...values, listId, createdAt: now, updatedAt: now }));
        db.insert(addressees).values(chunk).run();
      }
    },
    updateEntryFields(listId: number, addresseeId: number, values: Partial<AddresseeValues>, now: Date): number {
      return db
        .update(addressees)
        .set({ ...values, updatedAt: now })
        .where(and(eq(addressees.listId, listId), eq(addressees.id, addresseeId)))
        .run().changes;
    },
    deleteEntry(addresseeId: number): void {
      db.delete(addressees).where(eq(addressees.id, addresseeId)).run();
    },
    appealLists(appealId: number) {
      return statements(db).appealLists.all({ appealId });
    },
    addAppealList(appealId: number, listId: number, collective: boolean): void {
      db.insert(appealAddresseeLists).values({ appealId, listId, collective }).onConflictDoUpdate({
        target: [appealAddresseeLists.appealId, appealAddresseeLists.listId],
        set: { collective },
      }).run();
    },
    removeAppealList(appealId: number, listId: number): void {
      db.delete(appealAddresseeLists)
        .where(and(eq(appealAddresseeLists.appealId, appealId), eq(appealAddresseeLists.listId, listId)))
        .run();
    },
  };
}
