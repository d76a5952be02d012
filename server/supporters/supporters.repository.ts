import { and, asc, count, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { supporterCounts, supporterSnapshots, supporters } from './supporters.table.ts';
import type { NewSupporter, Supporter } from './supporters.table.ts';

/** The frozen supporters of a letter, as stored (organisations parsed). */
export type SupporterSnapshot = { organisations: string[]; citizens: number; frozenAt: Date };

/** The writer of the supporters tables (the counts and days are kept by triggers, never from here). */
export function supportersRepository(db: Db) {
  return {
    // — letter snapshot, privacy, demo —

    /** Names of the confirmed supporter organisations, in the order they were confirmed. */
    confirmedOrganisationNames(appealId: number): string[] {
      return db
        .select({ name: supporters.organisationName })
        .from(supporters)
        .where(and(eq(supporters.appealId, appealId), eq(supporters.kind, 'organisation'), eq(supporters.state, 'confirmed')))
        .orderBy(asc(supporters.confirmedAt), asc(supporters.id))
        .all()
        .map((row) => row.name);
    },
    /** Confirmed citizens, from the row the triggers keep (never a COUNT(*)). */
    confirmedCitizenCount(appealId: number): number {
      return db.select({ citizens: supporterCounts.citizens }).from(supporterCounts).where(eq(supporterCounts.appealId, appealId)).get()?.citizens ?? 0;
    },
    findSnapshot(appealId: number): SupporterSnapshot | undefined {
      const row = db.select().from(supporterSnapshots).where(eq(supporterSnapshots.appealId, appealId)).get();
      return row ? { organisations: JSON.parse(row.organisations) as string[], citizens: row.citizens, frozenAt: row.frozenAt } : undefined;
    },
    writeSnapshot(appealId: number, snapshot: SupporterSnapshot): void {
      const values = { organisations: JSON.stringify(snapshot.organisations), citizens: snapshot.citizens, frozenAt: snapshot.frozenAt };
      db.insert(supporterSnapshots)
        .values({ appealId, ...values })
        .onConflictDoUpdate({ target: supporterSnapshots.appealId, set: values })
        .run();
    },
    deleteSnapshot(appealId: number): void {
      db.delete(supporterSnapshots).where(eq(supporterSnapshots.appealId, appealId)).run();
    },
    /**
     * What the supporter list prints: confirmed organisations, and confirmed citizens who agreed
     * to be named (no e-mail), the first `maxCitizens` of them and how many there are in all;
     * with `confirmedBy`, only those confirmed by then.
     */
    listedSupporters(appealId: number, { confirmedBy, maxCitizens }: { confirmedBy?: Date | undefined; maxCitizens: number }) {
      const confirmed = (kind: 'citizen' | 'organisation') =>
        and(eq(supporters.appealId, appealId), eq(supporters.kind, kind), eq(supporters.state, 'confirmed'), confirmedBy ? lte(supporters.confirmedAt, confirmedBy) : undefined);
      return {
        organisations: db
          .select({ name: supporters.organisationName, address: supporters.address, postcode: supporters.postcode, place: supporters.place })
          .from(supporters)
          .where(confirmed('organisation'))
          .orderBy(asc(supporters.confirmedAt), asc(supporters.id))
          .all(),
        citizens: db
          .select({ firstName: supporters.firstName, lastName: supporters.lastName, postcode: supporters.postcode, place: supporters.place })
          .from(supporters)
          .where(and(confirmed('citizen'), eq(supporters.showName, true)))
          .orderBy(asc(supporters.confirmedAt), asc(supporters.id))
          .limit(maxCitizens)
          .all(),
        namedCitizens: db.select({ value: count() }).from(supporters).where(and(confirmed('citizen'), eq(supporters.showName, true))).get()?.value ?? 0,
      };
    },
    /** A person's supporter rows in every appeal, by the hash of their e-mail (found also after the address was dropped). */
    byEmailKey(emailKey: string, appealId?: number): Supporter[] {
      const byKey = eq(supporters.emailKey, emailKey);
      return db
        .select()
        .from(supporters)
        .where(appealId === undefined ? byKey : and(byKey, eq(supporters.appealId, appealId)))
        .orderBy(asc(supporters.id))
        .all();
    },
    supporterOfAppeal(appealId: number, supporterId: number): Supporter | undefined {
      return db.select().from(supporters).where(and(eq(supporters.appealId, appealId), eq(supporters.id, supporterId))).get();
    },
    /** Supporters of an appeal whose name, organisation or place contains the text (the owner's privacy page). */
    searchByName(appealId: number, text: string, limit: number): Supporter[] {
      const pattern = `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      const matches = sql`(${supporters.firstName} || ' ' || ${supporters.lastName} || ' ' || ${supporters.organisationName} || ' ' || ${supporters.place}) LIKE ${pattern} ESCAPE '\\'`;
      return db.select().from(supporters).where(and(eq(supporters.appealId, appealId), matches)).orderBy(asc(supporters.id)).limit(limit).all();
    },
    /** Deletes rows; the triggers lower the counts of those that were confirmed. */
    deleteSupporters(ids: number[]): number {
      if (ids.length === 0) return 0;
      return db.delete(supporters).where(inArray(supporters.id, ids)).run().changes;
    },
    /** Drops the e-mail addresses of these appeals' supporters who did not ask to be kept informed; the emailKey stays. */
    dropEmails(appealIds: number[]): number {
      if (appealIds.length === 0) return 0;
      return db
        .update(supporters)
        .set({ email: null })
        .where(and(inArray(supporters.appealId, appealIds), isNotNull(supporters.email), eq(supporters.keepInformed, false)))
        .run().changes;
    },
    /** Requests never confirmed whose link has expired (or, without an expiry, created before `createdBefore`). */
    deleteExpiredUnconfirmed(now: Date, createdBefore: Date): number {
      const expired = or(lt(supporters.confirmExpiresAt, now), and(isNull(supporters.confirmExpiresAt), lt(supporters.createdAt, createdBefore)));
      return db.delete(supporters).where(and(eq(supporters.state, 'unconfirmed'), expired)).run().changes;
    },
    /** Demo (and test) data, as the public side would have left it: many rows per statement, in the caller's transaction. */
    insertDemoRows(rows: NewSupporter[]): void {
      for (let i = 0; i < rows.length; i += 200) db.insert(supporters).values(rows.slice(i, i + 200)).run();
    },
  };
}
