import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { byColumns, placeholdersFor, preparedStatements } from '../db/prepared.ts';
import { mailOutbox, mailWorkerState } from './mail.table.ts';
import type { MailWorkerState, NewOutboxRow, OutboxRow, OutboxState } from './mail.table.ts';

type Scope = { appealId: number } | { organiserId: number };

/** The condition that keeps a query inside one appeal's or one organiser's mail. */
const inScope = (scope: Scope) => ('appealId' in scope ? eq(mailOutbox.appealId, scope.appealId) : eq(mailOutbox.organiserId, scope.organiserId));

type FinishValues = Partial<NewOutboxRow> & { state: OutboxState; updatedAt: Date };

/** The queries the worker runs for every message. */
const statements = preparedStatements((db) => {
  const now = sql.placeholder('now');
  // The states the worker picks up: new rows and failed rows whose next attempt is due. The
  // index is named, since the planner would rather take mail_outbox_due_idx and sort every waiting row.
  const due = sql`select ${mailOutbox.id} from ${mailOutbox} indexed by mail_outbox_claimable_idx
    where ${mailOutbox.state} in ('queued', 'failed') and ${mailOutbox.nextAttemptAt} <= ${now}
    order by ${mailOutbox.nextAttemptAt}, ${mailOutbox.id} limit ${sql.placeholder('limit')}`;
  return {
    // One statement: the rows it picks are claimable when it writes them (no second check needed).
    claim: db
      .update(mailOutbox)
      .set({ state: 'sending', claimedAt: sql`${now}`, claimedBy: sql`${sql.placeholder('claimedBy')}`, updatedAt: sql`${now}`, nextAttemptAt: null, attempts: sql`${mailOutbox.attempts} + 1` })
      .where(sql`${mailOutbox.id} in (${due})`)
      .returning()
      .prepare(),
    setMessageId: db.update(mailOutbox).set({ messageId: sql`${sql.placeholder('messageId')}` }).where(eq(mailOutbox.id, sql.placeholder('id'))).prepare(),
    findById: db.select().from(mailOutbox).where(eq(mailOutbox.id, sql.placeholder('id'))).prepare(),
    workerState: db.select().from(mailWorkerState).where(eq(mailWorkerState.id, 1)).prepare(),
    // An outcome sets different columns (sent, failed, rejected …): one statement per set of columns.
    finish: byColumns((columns, nulls) =>
      db
        .update(mailOutbox)
        .set(placeholdersFor(columns, nulls) as unknown as FinishValues)
        .where(and(eq(mailOutbox.id, sql.placeholder('id')), eq(mailOutbox.state, 'sending')))
        .prepare(),
    ),
    insert: byColumns((columns, nulls) => db.insert(mailOutbox).values(placeholdersFor(columns, nulls) as unknown as NewOutboxRow).returning().prepare()),
  };
});

export function mailRepository(db: Db) {
  return {
    insert(values: NewOutboxRow): OutboxRow {
      return statements(db).insert(values).get(values as Record<string, unknown>)!;
    },
    findById(id: number): OutboxRow | undefined {
      return statements(db).findById.get({ id });
    },
    findInScope(scope: Scope, id: number): OutboxRow | undefined {
      return db.select().from(mailOutbox).where(and(eq(mailOutbox.id, id), inScope(scope))).get();
    },
    listInScope(scope: Scope, limit: number): OutboxRow[] {
      return db.select().from(mailOutbox).where(inScope(scope)).orderBy(desc(mailOutbox.id)).limit(limit).all();
    },
    countInScope(scope: Scope): number {
      return db.select({ value: count() }).from(mailOutbox).where(inScope(scope)).get()?.value ?? 0;
    },
    findByStoredFile(file: string): OutboxRow | undefined {
      return db.select().from(mailOutbox).where(eq(mailOutbox.storedFile, file)).get();
    },
    listByRef(ref: string): OutboxRow[] {
      return db.select().from(mailOutbox).where(eq(mailOutbox.ref, ref)).orderBy(asc(mailOutbox.id)).all();
    },
    /**
     * Atomically moves up to `limit` due rows to `sending` and returns them. One UPDATE …
     * RETURNING inside an IMMEDIATE transaction: a second worker (in this or another process)
     * can never claim the same row. Rows without a Message-ID get theirs here, before any attempt.
     */
    claimDue(now: Date, limit: number, claimedBy: string, newMessageId: (row: OutboxRow) => string): OutboxRow[] {
      return db.transaction((tx) => mailRepository(tx).claimDueWithin(now, limit, claimedBy, newMessageId), { behavior: 'immediate' });
    },
    /** claimDue inside a transaction the caller opened IMMEDIATE (the worker records the previous outcome in it). */
    claimDueWithin(now: Date, limit: number, claimedBy: string, newMessageId: (row: OutboxRow) => string): OutboxRow[] {
      const claimed = statements(db).claim.all({ now: now.getTime(), limit, claimedBy });
      return claimed.map((row) => {
        if (row.messageId) return row;
        const messageId = newMessageId(row);
        statements(db).setMessageId.run({ id: row.id, messageId });
        return { ...row, messageId };
      });
    },
    /** Records the outcome of an attempt; only a row this worker holds in `sending` changes. */
    finishAttempt(id: number, values: FinishValues): boolean {
      return statements(db).finish(values).run({ ...values, id } as Record<string, unknown>).changes === 1;
    },
    /** Gives a claimed row back untouched (the worker pauses): it does not count as an attempt. */
    release(id: number, now: Date, error: string): void {
      db.update(mailOutbox)
        .set({ state: 'queued', nextAttemptAt: now, attempts: sql`max(${mailOutbox.attempts} - 1, 0)`, lastError: error, updatedAt: now })
        .where(and(eq(mailOutbox.id, id), eq(mailOutbox.state, 'sending')))
        .run();
    },
    listSending(): OutboxRow[] {
      return db.select().from(mailOutbox).where(eq(mailOutbox.state, 'sending')).all();
    },
    /** Rows still `sending` whose worker is gone were in flight when it died: now `uncertain`. */
    markUncertain(ids: number[], now: Date): number[] {
      if (ids.length === 0) return [];
      return db
        .update(mailOutbox)
        .set({ state: 'uncertain', updatedAt: now, lastError: sql`case when ${mailOutbox.lastError} = '' then 'in flight when the worker stopped' else ${mailOutbox.lastError} end` })
        .where(and(inArray(mailOutbox.id, ids), eq(mailOutbox.state, 'sending')))
        .returning({ id: mailOutbox.id })
        .all()
        .map((row) => row.id);
    },
    /** An organiser's decision: queue a finished row again (same Message-ID), as a new attempt. */
    requeue(id: number, now: Date, from: OutboxState[]): boolean {
      return (
        db
          .update(mailOutbox)
          .set({ state: 'queued', nextAttemptAt: now, lastError: '', updatedAt: now })
          .where(and(eq(mailOutbox.id, id), inArray(mailOutbox.state, from)))
          .run().changes === 1
      );
    },
    /** An organiser's decision: an uncertain row did arrive. */
    markUncertainSent(id: number, now: Date): boolean {
      return (
        db
          .update(mailOutbox)
          .set({ state: 'sent', sentAt: now, smtpResponse: 'marked as delivered by an organiser', updatedAt: now })
          .where(and(eq(mailOutbox.id, id), eq(mailOutbox.state, 'uncertain')))
          .run().changes === 1
      );
    },
    countByState(scope?: Scope): Record<OutboxState, number> {
      const counts: Record<OutboxState, number> = { queued: 0, sending: 0, sent: 0, failed: 0, rejected: 0, uncertain: 0 };
      const rows = db
        .select({ state: mailOutbox.state, value: count() })
        .from(mailOutbox)
        .where(scope ? inScope(scope) : undefined)
        .groupBy(mailOutbox.state)
        .all();
      for (const row of rows) counts[row.state] = row.value;
      return counts;
    },
    listInStates(states: OutboxState[], limit: number, scope?: Scope): OutboxRow[] {
      return db
        .select()
        .from(mailOutbox)
        .where(and(inArray(mailOutbox.state, states), scope ? inScope(scope) : undefined)).orderBy(desc(mailOutbox.updatedAt), desc(mailOutbox.id)).limit(limit).all();
    },
    workerState(): MailWorkerState | undefined {
      return statements(db).workerState.get();
    },
    pause(now: Date, until: Date, reason: string): void {
      db.insert(mailWorkerState)
        .values({ id: 1, pausedAt: now, pausedUntil: until, pauseReason: reason })
        .onConflictDoUpdate({
          target: mailWorkerState.id,
          // Keep the time of the first failure while the pause goes on.
          set: { pausedAt: sql`coalesce(${mailWorkerState.pausedAt}, ${now.getTime()})`, pausedUntil: until, pauseReason: reason },
        })
        .run();
    },
    recordSent(now: Date): void {
      db.insert(mailWorkerState)
        .values({ id: 1, lastSentAt: now })
        .onConflictDoUpdate({ target: mailWorkerState.id, set: { pausedAt: null, pausedUntil: null, pauseReason: '', lastSentAt: now } })
        .run();
    },
  };
}

export type MailRepository = ReturnType<typeof mailRepository>;
