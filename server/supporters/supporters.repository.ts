import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { appeals } from '../appeals/appeals.table.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { supporterCounts, supporterDays, supporters } from './supporters.table.ts';
import type { CommentState, NewSupporter, Supporter, SupporterKind, SupporterState } from './supporters.table.ts';

/** What the organiser's list shows of one kind: a state, or the comments waiting for moderation. */
export type SupporterListFilter = { kind: SupporterKind; state: SupporterState } | { comments: 'pending' };

/** Where an export page ends: the next page starts after this (confirmed_at, id). */
export type ExportCursor = { confirmedAt: number; id: number };

/** The writer of the supporters tables (the counts and days are kept by triggers, never from here). */
export function supportersRepository(db: Db) {
  return {
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
    findWithAppeal(supporterId: number): { supporter: Supporter; appeal: Appeal } | undefined {
      return db
        .select({ supporter: supporters, appeal: appeals })
        .from(supporters)
        .innerJoin(appeals, eq(appeals.id, supporters.appealId))
        .where(eq(supporters.id, supporterId))
        .get();
    },
    /**
     * An organisation confirmed its e-mail address: it now waits for the organisers. The link's
     * hash stays, so that a second click can be told "already confirmed".
     */
    markOrganisationAwaitingApproval(supporterId: number): boolean {
      return (
        db
          .update(supporters)
          .set({ state: 'awaiting_approval' })
          .where(and(eq(supporters.id, supporterId), eq(supporters.kind, 'organisation'), eq(supporters.state, 'unconfirmed')))
          .run().changes === 1
      );
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
    confirmedCounts(appealId: number): { citizens: number; organisations: number } {
      const row = db.select().from(supporterCounts).where(eq(supporterCounts.appealId, appealId)).get();
      return { citizens: row?.citizens ?? 0, organisations: row?.organisations ?? 0 };
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
  };
}
