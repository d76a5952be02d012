import { and, eq, inArray, isNotNull, like, lt, max, ne, not, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { mailboxMessages, mailboxState } from './mailbox.table.ts';
import type { MailboxMessageRow, MailboxOutcome, MailboxStateRow } from './mailbox.table.ts';
import { forgottenMessageId, messageIdForms } from './message-key.ts';

/** Outcomes after which a message with the same Message-ID is not handed over again. */
const settled: MailboxOutcome[] = ['recorded', 'ignored', 'too_large', 'unreadable'];

/** A failed hand-over is tried again until it has been tried this often. */
export const MAX_HANDOVER_ATTEMPTS = 3;

export type MessagePlace = { folder: string; uidValidity: number; uid: number };

/** The only writer of mailbox_messages and mailbox_state. */
export function mailboxRepository(db: Db) {
  return {
    /** The highest UID looked at in this folder under this UIDVALIDITY (0: none). */
    lastUid(folder: string, uidValidity: number): number {
      const row = db
        .select({ uid: max(mailboxMessages.uid) })
        .from(mailboxMessages)
        .where(and(eq(mailboxMessages.folder, folder), eq(mailboxMessages.uidValidity, uidValidity)))
        .get();
      return row?.uid ?? 0;
    },
    /** UIDs whose hand-over failed and may be tried again. */
    retryableUids(folder: string, uidValidity: number): number[] {
      return db
        .select({ uid: mailboxMessages.uid })
        .from(mailboxMessages)
        .where(and(eq(mailboxMessages.folder, folder), eq(mailboxMessages.uidValidity, uidValidity), eq(mailboxMessages.outcome, 'failed'), lt(mailboxMessages.attempts, MAX_HANDOVER_ATTEMPTS)))
        .all()
        .map((row) => row.uid);
    },
    find(place: MessagePlace): MailboxMessageRow | undefined {
      return db
        .select()
        .from(mailboxMessages)
        .where(and(eq(mailboxMessages.folder, place.folder), eq(mailboxMessages.uidValidity, place.uidValidity), eq(mailboxMessages.uid, place.uid)))
        .get();
    },
    /** Whether a message with this Message-ID was already dealt with (in any folder, under any UIDVALIDITY). */
    messageIdSettled(messageId: string): boolean {
      return db
        .select({ id: mailboxMessages.id })
        .from(mailboxMessages)
        .where(and(inArray(mailboxMessages.messageId, messageIdForms(messageId)), inArray(mailboxMessages.outcome, settled)))
        .limit(1)
        .get() !== undefined;
    },
    /** Records what became of a message (a second look at a failed one counts one attempt more). */
    record(place: MessagePlace, values: { messageId: string | null; size: number; kind: string | null; outcome: MailboxOutcome; detail?: string; at: Date }): void {
      const existing = this.find(place);
      const row = { messageId: values.messageId, size: values.size, kind: values.kind, outcome: values.outcome, detail: values.detail ?? '', processedAt: values.at };
      if (existing) db.update(mailboxMessages).set({ ...row, attempts: existing.attempts + 1 }).where(eq(mailboxMessages.id, existing.id)).run();
      else db.insert(mailboxMessages).values({ ...place, ...row }).run();
    },
    /**
     * The retention rule (privacy/retention.ts): a row looked at before `before` keeps its place
     * (folder, UIDVALIDITY, UID), outcome and time, and its Message-ID only as a digest; the
     * detail (a size or a parser's words) goes. No message content is ever stored here.
     */
    forgetBefore(before: Date): number {
      const rows = db
        .select({ id: mailboxMessages.id, messageId: mailboxMessages.messageId })
        .from(mailboxMessages)
        .where(and(lt(mailboxMessages.processedAt, before), or(and(isNotNull(mailboxMessages.messageId), not(like(mailboxMessages.messageId, 'sha256:%'))), ne(mailboxMessages.detail, ''))))
        .all();
      for (const row of rows) db.update(mailboxMessages).set({ messageId: row.messageId === null ? null : forgottenMessageId(row.messageId), detail: '' }).where(eq(mailboxMessages.id, row.id)).run();
      return rows.length;
    },
    outcomes(): Pick<MailboxMessageRow, 'uid' | 'uidValidity' | 'messageId' | 'kind' | 'outcome' | 'attempts' | 'detail'>[] {
      return db
        .select({ uid: mailboxMessages.uid, uidValidity: mailboxMessages.uidValidity, messageId: mailboxMessages.messageId, kind: mailboxMessages.kind, outcome: mailboxMessages.outcome, attempts: mailboxMessages.attempts, detail: mailboxMessages.detail })
        .from(mailboxMessages)
        .orderBy(mailboxMessages.id)
        .all();
    },
    state(): MailboxStateRow | undefined {
      return db.select().from(mailboxState).where(eq(mailboxState.id, 1)).get();
    },
    /** The mailbox was read: any problem is over. */
    recordRead(at: Date): void {
      const values = { lastReadAt: at, problem: '', problemSince: null, failures: 0, retryAt: null };
      db.insert(mailboxState).values({ id: 1, ...values }).onConflictDoUpdate({ target: mailboxState.id, set: values }).run();
    },
    /** The mailbox could not be read: why (German), since when (the first failure in a row), and when to try again. */
    recordProblem(problem: string, at: Date, retryAt: Date): MailboxStateRow {
      const previous = this.state();
      const values = { problem, problemSince: previous?.problemSince ?? at, failures: (previous?.failures ?? 0) + 1, retryAt };
      db.insert(mailboxState).values({ id: 1, ...values }).onConflictDoUpdate({ target: mailboxState.id, set: values }).run();
      return this.state()!;
    },
  };
}

export type MailboxRepository = ReturnType<typeof mailboxRepository>;
