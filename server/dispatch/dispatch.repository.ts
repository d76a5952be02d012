import { and, asc, count, desc, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { byColumns, placeholdersFor, preparedStatements } from '../db/prepared.ts';
import { letterDocuments } from '../letters/letter-documents.table.ts';
import { mailOutbox } from '../mail/mail.table.ts';
import type { OutboxRow } from '../mail/mail.table.ts';
import { deliveries, deliveryStates, dispatches } from './dispatch.table.ts';
import type { Delivery, DeliveryState, Dispatch, NewDelivery } from './dispatch.table.ts';

export type DeliveryWithOutbox = { delivery: Delivery; outbox: OutboxRow | null };

/**
 * A delivery's state as deliveryState() derives it (dispatch.service.ts), in SQL: so the log
 * can be counted with one grouped query and filtered and paged by the database.
 */
const deliveryStateSql = sql<DeliveryState>`case
  when ${deliveries.channel} = 'post' then 'post'
  when ${deliveries.channel} = 'invalid' or ${mailOutbox.id} is null then 'skipped'
  when ${mailOutbox.state} = 'failed' then (case when ${mailOutbox.nextAttemptAt} is null then 'failed' else 'retrying' end)
  else ${mailOutbox.state} end`;

/** Counts per state: of all deliveries, and of those by e-mail (the log's rows). */
export type DeliveryCounts = { all: Record<DeliveryState, number>; email: Record<DeliveryState, number> };

export type LogQuery = { dispatchId: number; state?: DeliveryState; offset: number; limit: number };

/** An e-mail delivery is still open while its outbox row is queued, sending, uncertain or failed with a retry due. */
const openOutbox = or(
  inArray(mailOutbox.state, ['queued', 'sending', 'uncertain']),
  and(eq(mailOutbox.state, 'failed'), isNotNull(mailOutbox.nextAttemptAt)),
);

/** The queries of every letter sent (composer and outcome). */
const statements = preparedStatements((db) => ({
  findByAppeal: db.select().from(dispatches).where(eq(dispatches.appealId, sql.placeholder('appealId'))).prepare(),
  findDelivery: db
    .select({ delivery: deliveries, outbox: mailOutbox, dispatch: dispatches })
    .from(deliveries)
    .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
    .leftJoin(mailOutbox, eq(mailOutbox.id, deliveries.outboxId))
    .where(eq(deliveries.id, sql.placeholder('id')))
    .prepare(),
  findDeliveryBrief: db
    .select({ dispatchId: deliveries.dispatchId, documentCode: deliveries.documentCode, finishedAt: dispatches.finishedAt })
    .from(deliveries)
    .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
    .where(eq(deliveries.id, sql.placeholder('id')))
    .prepare(),
  hasOpen: db
    .select({ id: deliveries.id })
    .from(deliveries)
    .innerJoin(mailOutbox, eq(mailOutbox.id, deliveries.outboxId))
    .where(and(eq(deliveries.dispatchId, sql.placeholder('dispatchId')), openOutbox))
    .orderBy(desc(deliveries.id))
    .limit(1)
    .prepare(),
  counts: db
    .select({ state: deliveryStateSql, email: sql<number>`${deliveries.channel} = 'email'`, value: count() })
    .from(deliveries)
    .leftJoin(mailOutbox, eq(mailOutbox.id, deliveries.outboxId))
    .where(eq(deliveries.dispatchId, sql.placeholder('dispatchId')))
    .groupBy(sql`1, 2`)
    .prepare(),
  insertDelivery: byColumns((columns, nulls) => db.insert(deliveries).values(placeholdersFor(columns, nulls) as unknown as NewDelivery).returning().prepare()),
  setOutbox: db.update(deliveries).set({ outboxId: sql`${sql.placeholder('outboxId')}` }).where(eq(deliveries.id, sql.placeholder('id'))).prepare(),
  setDocument: db
    .update(deliveries)
    .set({ documentCode: sql`${sql.placeholder('code')}`, documentSha256: sql`${sql.placeholder('sha256')}` })
    .where(eq(deliveries.id, sql.placeholder('id')))
    .prepare(),
}));

export function dispatchRepository(db: Db) {
  return {
    findByAppeal(appealId: number): Dispatch | undefined {
      return statements(db).findByAppeal.get({ appealId });
    },
    findById(id: number): Dispatch | undefined {
      return db.select().from(dispatches).where(eq(dispatches.id, id)).get();
    },
    insertDispatch(values: typeof dispatches.$inferInsert): Dispatch {
      return db.insert(dispatches).values(values).returning().get();
    },
    insertDelivery(values: NewDelivery): Delivery {
      return statements(db).insertDelivery(values).get(values as Record<string, unknown>)!;
    },
    setOutbox(deliveryId: number, outboxId: number): void {
      statements(db).setOutbox.run({ id: deliveryId, outboxId });
    },
    setDocument(deliveryId: number, code: string, sha256: string): void {
      statements(db).setDocument.run({ id: deliveryId, code, sha256 });
    },
    findDelivery(id: number): (DeliveryWithOutbox & { dispatch: Dispatch }) | undefined {
      return statements(db).findDelivery.get({ id });
    },
    /** What the worker's hook needs of a delivery (one small query per letter). */
    findDeliveryBrief(id: number): { dispatchId: number; documentCode: string | null; finishedAt: Date | null } | undefined {
      return statements(db).findDeliveryBrief.get({ id });
    },
    /** One grouped query: how many deliveries are in each state (the progress counts). */
    countByState(dispatchId: number): DeliveryCounts {
      const zero = () => Object.fromEntries(deliveryStates.map((state) => [state, 0])) as Record<DeliveryState, number>;
      const counts: DeliveryCounts = { all: zero(), email: zero() };
      for (const row of statements(db).counts.all({ dispatchId })) {
        counts.all[row.state] += row.value;
        if (row.email) counts.email[row.state] += row.value;
      }
      return counts;
    },
    /** One page of the log: e-mail deliveries in order, all or those in one state. */
    listLogPage({ dispatchId, state, offset, limit }: LogQuery): DeliveryWithOutbox[] {
      return db
        .select({ delivery: deliveries, outbox: mailOutbox })
        .from(deliveries)
        .leftJoin(mailOutbox, eq(mailOutbox.id, deliveries.outboxId))
        .where(and(eq(deliveries.dispatchId, dispatchId), eq(deliveries.channel, 'email'), state ? sql`${deliveryStateSql} = ${state}` : undefined))
        .orderBy(asc(deliveries.id))
        .limit(limit)
        .offset(offset)
        .all();
    },
    /** The deliveries that do not go by e-mail (by post, or an unusable address). */
    listNotByEmail(dispatchId: number): Delivery[] {
      return db
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.dispatchId, dispatchId), inArray(deliveries.channel, ['post', 'invalid'])))
        .orderBy(asc(deliveries.id))
        .all();
    },
    /** Deliveries in these states (e.g. those that need a decision), in order. */
    listInStates(dispatchId: number, states: DeliveryState[]): DeliveryWithOutbox[] {
      return db
        .select({ delivery: deliveries, outbox: mailOutbox })
        .from(deliveries)
        .leftJoin(mailOutbox, eq(mailOutbox.id, deliveries.outboxId))
        .where(and(eq(deliveries.dispatchId, dispatchId), inArray(deliveryStateSql, states)))
        .orderBy(asc(deliveries.id))
        .all();
    },
    listDeliveries(dispatchId: number): DeliveryWithOutbox[] {
      return db
        .select({ delivery: deliveries, outbox: mailOutbox })
        .from(deliveries)
        .leftJoin(mailOutbox, eq(mailOutbox.id, deliveries.outboxId))
        .where(eq(deliveries.dispatchId, dispatchId))
        .orderBy(asc(deliveries.id))
        .all();
    },
    /** Whether any e-mail delivery is still open; cheap while sending (looks from the newest delivery back). */
    hasOpen(dispatchId: number): boolean {
      return statements(db).hasOpen.get({ dispatchId }) !== undefined;
    },
    /** Codes of letters that went out but whose document does not say so yet (repair after a crash). */
    sentUnmarkedDocuments(dispatchId: number): { code: string; sentAt: Date }[] {
      return db
        .select({ code: letterDocuments.code, sentAt: mailOutbox.sentAt })
        .from(deliveries)
        .innerJoin(mailOutbox, eq(mailOutbox.id, deliveries.outboxId))
        .innerJoin(letterDocuments, eq(letterDocuments.code, deliveries.documentCode))
        .where(and(eq(deliveries.dispatchId, dispatchId), eq(mailOutbox.state, 'sent'), isNull(letterDocuments.sentAt)))
        .all()
        .map((row) => ({ code: row.code, sentAt: row.sentAt ?? new Date(0) }));
    },
    /** Marks the dispatch finished, once (returns false if already done). */
    /** Claims the thanks to the first signatories: true only for the one call that queues them. */
    claimThanks(dispatchId: number, now: Date): boolean {
      return db.update(dispatches).set({ thanksQueuedAt: now }).where(and(eq(dispatches.id, dispatchId), isNull(dispatches.thanksQueuedAt))).run().changes === 1;
    },
    finish(dispatchId: number, now: Date): boolean {
      return (
        db
          .update(dispatches)
          .set({ finishedAt: now })
          .where(and(eq(dispatches.id, dispatchId), isNull(dispatches.finishedAt)))
          .run().changes > 0
      );
    },
    // — replies —
    /** The e-mail delivery whose letter mail had this Message-ID (with angle brackets), and its appeal. */
    findByLetterMessageId(messageId: string): { delivery: Delivery; appealId: number } | undefined {
      return db
        .select({ delivery: deliveries, appealId: dispatches.appealId })
        .from(deliveries)
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .innerJoin(mailOutbox, eq(mailOutbox.id, deliveries.outboxId))
        .where(eq(mailOutbox.messageId, messageId))
        .get();
    },
    /** The delivery whose letter carries this verification code, and its appeal. */
    findByDocumentCode(code: string): { delivery: Delivery; appealId: number } | undefined {
      return db
        .select({ delivery: deliveries, appealId: dispatches.appealId })
        .from(deliveries)
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .where(eq(deliveries.documentCode, code))
        .get();
    },
    /** One delivery with its outbox row, only if it belongs to this appeal (else undefined: a 404). */
    findInAppeal(appealId: number, deliveryId: number): DeliveryWithOutbox | undefined {
      return db
        .select({ delivery: deliveries, outbox: mailOutbox })
        .from(deliveries)
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .leftJoin(mailOutbox, eq(mailOutbox.id, deliveries.outboxId))
        .where(and(eq(deliveries.id, deliveryId), eq(dispatches.appealId, appealId)))
        .get();
    },
    // — end replies —
    /** A decision reopened a delivery (resend): the dispatch runs again; the appeal stays "versendet". */
    reopen(dispatchId: number): void {
      db.update(dispatches).set({ finishedAt: null }).where(eq(dispatches.id, dispatchId)).run();
    },
  };
}

export type DispatchRepository = ReturnType<typeof dispatchRepository>;
