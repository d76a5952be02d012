import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { statementsOf } from './supporters.statements.ts';
import { appeals } from '../appeals/appeals.table.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { supporterCounts, supporterDays, supporterSnapshots, supporters } from './supporters.table.ts';
import type { CommentState, NewSupporter, Supporter, SupporterKind, SupporterState } from './supporters.table.ts';

export type SupporterWithAppeal = { supporter: Supporter; appeal: Appeal };

/** The frozen supporters of a letter, as stored (organisations parsed). */
export type SupporterSnapshot = { organisations: string[]; citizens: number; frozenAt: Date };

/** What the organiser's list shows of one kind: a state, or the comments waiting for moderation. */
export type SupporterListFilter = { kind: SupporterKind; state: SupporterState } | { comments: 'pending' };

/** Where an export page ends: the next page starts after this (confirmed_at, id). */
export type ExportCursor = { confirmedAt: number; id: number };


/** The only writer of the supporters tables (the counts are kept by triggers, never written here). */
export function supportersRepository(db: Db) {
  // Transactions are new objects each time: their queries are built as usual, the hot ones
  // run on the connection's prepared statements (see citizen-sign.service.ts).
  const hot = () => statementsOf(db);
  return {
    // — public page and citizens —

    /** Confirmed citizens and organisations, from the trigger-kept row (never a COUNT(*)). */
    counts(appealId: number): { citizens: number; organisations: number } {
      return hot().counts.get({ appealId }) ?? { citizens: 0, organisations: 0 };
    },
    /** The latest confirmed citizens who agreed to be named (walks supporters_state_idx backwards). */
    latestNamedCitizens(appealId: number, limit: number) {
      return hot().latestNamedCitizens.all({ appealId, limit });
    },
    confirmedOrganisations(appealId: number) {
      return db
        .select({
          organisationName: supporters.organisationName,
          shortName: supporters.shortName,
          website: supporters.website,
          logoFile: supporters.logoFile,
          consentLogo: supporters.consentLogo,
        })
        .from(supporters)
        .where(and(eq(supporters.appealId, appealId), eq(supporters.kind, 'organisation'), eq(supporters.state, 'confirmed')))
        .orderBy(supporters.confirmedAt, supporters.id)
        .all();
    },
    /** Approved comments of confirmed supporters, newest first. */
    approvedComments(appealId: number, limit: number) {
      return db
        .select({ comment: supporters.comment, firstName: supporters.firstName, lastName: supporters.lastName, place: supporters.place, showName: supporters.showName, confirmedAt: supporters.confirmedAt })
        .from(supporters)
        .where(and(eq(supporters.appealId, appealId), eq(supporters.commentState, 'approved'), eq(supporters.state, 'confirmed')))
        .orderBy(desc(supporters.confirmedAt))
        .limit(limit)
        .all();
    },
    findByEmailKey(appealId: number, kind: SupporterKind, emailKey: string): Supporter | undefined {
      return hot().findByEmailKey.get({ appealId, kind, emailKey });
    },
    findById(id: number): SupporterWithAppeal | undefined {
      return hot().findById.get({ id });
    },
    /** The appeal behind a public address (the page decides whether it is visible). */
    findAppealBySlug(slug: string): Appeal | undefined {
      return hot().appealBySlug.get({ slug });
    },
    findByConfirmHash(hash: string): SupporterWithAppeal | undefined {
      return hot().findByConfirmHash.get({ hash });
    },
    findByWithdrawHash(hash: string): SupporterWithAppeal | undefined {
      return db.select({ supporter: supporters, appeal: appeals }).from(supporters).innerJoin(appeals, eq(appeals.id, supporters.appealId)).where(eq(supporters.withdrawTokenHash, hash)).get();
    },
    insert(values: NewSupporter): Supporter {
      return db.insert(supporters).values(values).returning().get();
    },
    /** A citizen's new, unconfirmed signature (the signing form's hot path). */
    insertCitizen(values: Pick<Supporter, 'appealId' | 'emailKey' | 'firstName' | 'lastName' | 'postcode' | 'place' | 'email' | 'comment' | 'commentState' | 'showName' | 'keepInformed' | 'confirmTokenHash' | 'confirmExpiresAt' | 'withdrawTokenHash' | 'createdAt'>): Supporter {
      return hot().insertCitizen.get(values)!;
    },
    /**
     * A signature started again on the same row (expired link, withdrawn, or a second try):
     * unconfirmed with new links and what was typed this time.
     */
    restart(id: number, values: Pick<Supporter, 'firstName' | 'lastName' | 'postcode' | 'place' | 'email' | 'comment' | 'commentState' | 'showName' | 'keepInformed' | 'confirmTokenHash' | 'confirmExpiresAt' | 'withdrawTokenHash' | 'createdAt'>): void {
      db.update(supporters)
        .set({ ...values, state: 'unconfirmed', confirmedAt: null, withdrawnAt: null, decidedAt: null })
        .where(and(eq(supporters.id, id), inArray(supporters.state, ['unconfirmed', 'withdrawn'])))
        .run();
    },
    /** A new withdraw link for a confirmed supporter (the old one stops working). */
    replaceWithdrawToken(id: number, withdrawTokenHash: string): void {
      db.update(supporters).set({ withdrawTokenHash }).where(eq(supporters.id, id)).run();
    },
    /**
     * The confirm link used: citizens count from now (confirmed_at in the same UPDATE, the
     * trigger files the day by it), organisations wait for the organiser. Conditional: a
     * second use changes nothing and returns false.
     */
    confirm(id: number, kind: SupporterKind, now: Date): boolean {
      if (kind === 'citizen') return hot().confirmCitizen.run({ id, now }).changes === 1;
      return db.update(supporters).set({ state: 'awaiting_approval' }).where(and(eq(supporters.id, id), eq(supporters.state, 'unconfirmed'))).run().changes === 1;
    },
    /** Withdrawn: no longer counted or shown (the trigger lowers the count); the address goes. */
    withdraw(id: number, now: Date): boolean {
      return (
        db
          .update(supporters)
          .set({ state: 'withdrawn', withdrawnAt: now, email: null, confirmTokenHash: null })
          .where(and(eq(supporters.id, id), inArray(supporters.state, ['unconfirmed', 'awaiting_approval', 'confirmed'])))
          .run().changes === 1
      );
    },
    // — organisations and organiser pages —

    /** A new organisation's request; undefined when this e-mail already asked for this appeal (nothing written). */
    insertOrganisation(values: Omit<NewSupporter, 'kind' | 'state' | 'id'>): Supporter | undefined {
      return db
        .insert(supporters)
        .values({ ...values, kind: 'organisation', state: 'unconfirmed' })
        .onConflictDoNothing({ target: [supporters.appealId, supporters.kind, supporters.emailKey] })
        .returning()
        .get();
    },
    findInAppeal(appealId: number, supporterId: number): Supporter | undefined {
      return db.select().from(supporters).where(and(eq(supporters.appealId, appealId), eq(supporters.id, supporterId))).get();
    },
    /** Approval: confirmed_at in the same UPDATE as the state, so that the triggers count it on that day. */
    approveOrganisation(supporterId: number, now: Date): boolean {
      return (
        db
          .update(supporters)
          .set({ state: 'confirmed', confirmedAt: now, decidedAt: now })
          .where(and(eq(supporters.id, supporterId), eq(supporters.kind, 'organisation'), eq(supporters.state, 'awaiting_approval')))
          .run().changes === 1
      );
    },
    rejectOrganisation(supporterId: number, reason: string, now: Date): boolean {
      return (
        db
          .update(supporters)
          .set({ state: 'rejected', rejectReason: reason, decidedAt: now })
          .where(and(eq(supporters.id, supporterId), eq(supporters.kind, 'organisation'), eq(supporters.state, 'awaiting_approval')))
          .run().changes === 1
      );
    },
    /** Moderation of a comment; only a row that has one (not 'none'). */
    setCommentState(supporterId: number, commentState: Exclude<CommentState, 'none'>): boolean {
      return (
        db
          .update(supporters)
          .set({ commentState })
          .where(and(eq(supporters.id, supporterId), inArray(supporters.commentState, ['pending', 'approved', 'hidden'])))
          .run().changes === 1
      );
    },
    /**
     * Rows per kind and state in ONE grouped query over the state index, without the confirmed
     * rows (a million citizens): those come from supporter_counts, kept by the triggers.
     */
    countByKindAndState(appealId: number): { kind: SupporterKind; state: SupporterState; count: number }[] {
      const open = db
        .select({ kind: supporters.kind, state: supporters.state, count: sql<number>`count(*)` })
        .from(supporters)
        .where(
          and(
            eq(supporters.appealId, appealId),
            inArray(supporters.kind, ['citizen', 'organisation']),
            inArray(supporters.state, ['unconfirmed', 'awaiting_approval', 'rejected', 'withdrawn']),
          ),
        )
        .groupBy(supporters.kind, supporters.state)
        .all();
      const confirmed = db.select().from(supporterCounts).where(eq(supporterCounts.appealId, appealId)).get();
      return [
        ...open,
        { kind: 'citizen', state: 'confirmed', count: confirmed?.citizens ?? 0 },
        { kind: 'organisation', state: 'confirmed', count: confirmed?.organisations ?? 0 },
      ];
    },
    countPendingComments(appealId: number): number {
      return db
        .select({ count: sql<number>`count(*)` })
        .from(supporters)
        .where(and(eq(supporters.appealId, appealId), eq(supporters.commentState, 'pending')))
        .get()!.count;
    },
    /**
     * One page of a list, newest first. Kind and state fix the first three columns of the
     * state index, so its order (confirmed_at, id) serves the ORDER BY without sorting.
     */
    listPage(appealId: number, filter: SupporterListFilter, { limit, offset }: { limit: number; offset: number }): Supporter[] {
      if ('comments' in filter) {
        return db
          .select()
          .from(supporters)
          .where(and(eq(supporters.appealId, appealId), eq(supporters.commentState, filter.comments)))
          .orderBy(desc(supporters.id))
          .limit(limit)
          .offset(offset)
          .all();
      }
      return db
        .select()
        .from(supporters)
        .where(and(eq(supporters.appealId, appealId), eq(supporters.kind, filter.kind), eq(supporters.state, filter.state)))
        .orderBy(desc(supporters.confirmedAt), desc(supporters.id))
        .limit(limit)
        .offset(offset)
        .all();
    },
    /** Confirmed supporters of one kind in confirmation order, `limit` after the cursor (keyset over the state index). */
    confirmedAfter(appealId: number, kind: SupporterKind, after: ExportCursor | null, limit: number): Supporter[] {
      const base = and(eq(supporters.appealId, appealId), eq(supporters.kind, kind), eq(supporters.state, 'confirmed'));
      return db
        .select()
        .from(supporters)
        .where(after ? and(base, sql`(${supporters.confirmedAt}, ${supporters.id}) > (${after.confirmedAt}, ${after.id})`) : base)
        .orderBy(supporters.confirmedAt, supporters.id)
        .limit(limit)
        .all();
    },
    /** Confirmed citizens per day (UTC) from `fromDay` (ISO date) on. */
    daysFrom(appealId: number, fromDay: string): { day: string; citizens: number }[] {
      return db
        .select({ day: supporterDays.day, citizens: supporterDays.citizens })
        .from(supporterDays)
        .where(and(eq(supporterDays.appealId, appealId), gte(supporterDays.day, fromDay)))
        .orderBy(supporterDays.day)
        .all();
    },
    // — end of organisations and organiser pages —
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
