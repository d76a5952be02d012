// The supporters repository's prepared statements (its hot paths), kept apart only for length:
// supporters.repository.ts is still the one place that runs them and the one writer.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { appeals } from '../appeals/appeals.table.ts';
import { supporterCounts, supporters } from './supporters.table.ts';
import type { CommentState, SupporterKind } from './supporters.table.ts';

const param = <T>(name: string) => sql.placeholder(name) as unknown as T;

/**
 * The statements of the hot paths (public page, signing, confirming), prepared once per
 * connection: building and preparing a query costs more than running it. They run inside the
 * caller's transaction too (one connection, synchronous).
 */
function hotStatements(db: Db) {
  const withAppeal = { supporter: supporters, appeal: appeals };
  return {
    counts: db
      .select({ citizens: supporterCounts.citizens, organisations: supporterCounts.organisations })
      .from(supporterCounts)
      .where(eq(supporterCounts.appealId, param<number>('appealId')))
      .prepare(),
    latestNamedCitizens: db
      .select({ firstName: supporters.firstName, lastName: supporters.lastName, place: supporters.place })
      .from(supporters)
      .where(and(eq(supporters.appealId, param<number>('appealId')), eq(supporters.kind, 'citizen'), eq(supporters.state, 'confirmed'), eq(supporters.showName, true)))
      .orderBy(desc(supporters.confirmedAt))
      .limit(param<number>('limit'))
      .prepare(),
    findByEmailKey: db
      .select()
      .from(supporters)
      .where(and(eq(supporters.appealId, param<number>('appealId')), eq(supporters.kind, param<SupporterKind>('kind')), eq(supporters.emailKey, param<string>('emailKey'))))
      .prepare(),
    findByConfirmHash: db.select(withAppeal).from(supporters).innerJoin(appeals, eq(appeals.id, supporters.appealId)).where(eq(supporters.confirmTokenHash, param<string>('hash'))).prepare(),
    findById: db.select(withAppeal).from(supporters).innerJoin(appeals, eq(appeals.id, supporters.appealId)).where(eq(supporters.id, param<number>('id'))).prepare(),
    appealBySlug: db.select().from(appeals).where(eq(appeals.slug, param<string>('slug'))).prepare(),
    insertCitizen: db
      .insert(supporters)
      .values({
        appealId: param<number>('appealId'),
        kind: 'citizen',
        emailKey: param<string>('emailKey'),
        firstName: param<string>('firstName'),
        lastName: param<string>('lastName'),
        postcode: param<string>('postcode'),
        place: param<string>('place'),
        email: param<string>('email'),
        comment: param<string>('comment'),
        commentState: param<CommentState>('commentState'),
        showName: param<boolean>('showName'),
        keepInformed: param<boolean>('keepInformed'),
        confirmTokenHash: param<string>('confirmTokenHash'),
        confirmExpiresAt: param<Date>('confirmExpiresAt'),
        withdrawTokenHash: param<string>('withdrawTokenHash'),
        createdAt: param<Date>('createdAt'),
      })
      .returning()
      .prepare(),
    confirmCitizen: db
      .update(supporters)
      .set({ state: 'confirmed', confirmedAt: param<Date>('now') })
      .where(and(eq(supporters.id, param<number>('id')), eq(supporters.state, 'unconfirmed')))
      .prepare(),
  };
}

const prepared = new WeakMap<Db, ReturnType<typeof hotStatements>>();
export function statementsOf(db: Db) {
  let statements = prepared.get(db);
  if (!statements) prepared.set(db, (statements = hotStatements(db)));
  return statements;
}

