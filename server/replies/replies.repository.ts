import { and, asc, count, desc, eq, inArray, isNull, like, lt, max, not } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { byColumns, placeholdersFor, preparedStatements } from '../db/prepared.ts';
import { deliveries, dispatches } from '../dispatch/dispatch.table.ts';
import { mailOutbox } from '../mail/mail.table.ts';
import { answerWaivers, deliveryNotices, incomingMessages, replies, replyFiles, replyLinks, replyReminders, replySettings } from './replies.table.ts';
import type { DeliveryNotice, NewReply, Reply, ReplyFile, ReplyLink, ReplyReminder } from './replies.table.ts';
import { forgottenMessageId, messageIdForms } from '../mailbox/message-key.ts';

/** The query of every letter sent (its reply link). */
const statements = preparedStatements((db) => ({
  insertLink: byColumns((columns, nulls) => db.insert(replyLinks).values(placeholdersFor(columns, nulls) as unknown as typeof replyLinks.$inferInsert).returning().prepare()),
}));

/** The only queries of the replies tables (and their one writer). */
export function repliesRepository(db: Db) {
  return {
    insertLink(values: typeof replyLinks.$inferInsert): ReplyLink {
      return statements(db).insertLink(values).get(values as Record<string, unknown>)!;
    },
    /** A link by its hash, with the delivery it belongs to and the delivery's appeal. */
    findLink(tokenHash: string) {
      return db
        .select({ link: replyLinks, delivery: deliveries, appealId: dispatches.appealId })
        .from(replyLinks)
        .innerJoin(deliveries, eq(deliveries.id, replyLinks.deliveryId))
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .where(eq(replyLinks.tokenHash, tokenHash))
        .get();
    },
    revokeLinks(deliveryId: number, now: Date): number {
      return db
        .update(replyLinks)
        .set({ revokedAt: now })
        .where(and(eq(replyLinks.deliveryId, deliveryId), isNull(replyLinks.revokedAt)))
        .run().changes;
    },
    activeLinkCount(deliveryId: number, now: Date): number {
      return db
        .select({ id: replyLinks.id, expiresAt: replyLinks.expiresAt })
        .from(replyLinks)
        .where(and(eq(replyLinks.deliveryId, deliveryId), isNull(replyLinks.revokedAt)))
        .all()
        .filter((link) => link.expiresAt > now).length;
    },

    insertReply(values: NewReply): Reply {
      return db.insert(replies).values(values).returning().get();
    },
    insertFile(values: typeof replyFiles.$inferInsert): ReplyFile {
      return db.insert(replyFiles).values(values).returning().get();
    },
    /** The replies of an appeal's deliveries, oldest first. */
    repliesOfAppeal(appealId: number): Reply[] {
      return db
        .select({ reply: replies })
        .from(replies)
        .innerJoin(deliveries, eq(deliveries.id, replies.deliveryId))
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .where(eq(dispatches.appealId, appealId))
        .orderBy(asc(replies.receivedAt), asc(replies.id))
        .all()
        .map((row) => row.reply);
    },
    filesOf(replyIds: number[]): ReplyFile[] {
      return replyIds.length === 0 ? [] : db.select().from(replyFiles).where(inArray(replyFiles.replyId, replyIds)).orderBy(asc(replyFiles.id)).all();
    },
    /** A reply, only if it belongs to this appeal. */
    findReply(appealId: number, replyId: number): { reply: Reply; delivery: typeof deliveries.$inferSelect } | undefined {
      return db
        .select({ reply: replies, delivery: deliveries })
        .from(replies)
        .innerJoin(deliveries, eq(deliveries.id, replies.deliveryId))
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .where(and(eq(replies.id, replyId), eq(dispatches.appealId, appealId)))
        .get();
    },
    findReplyById(replyId: number): { reply: Reply; appealId: number } | undefined {
      return db
        .select({ reply: replies, appealId: dispatches.appealId })
        .from(replies)
        .innerJoin(deliveries, eq(deliveries.id, replies.deliveryId))
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .where(eq(replies.id, replyId))
        .get();
    },
    /** A file, only if its reply belongs to this appeal. */
    findFile(appealId: number, fileId: number): ReplyFile | undefined {
      return db
        .select({ file: replyFiles })
        .from(replyFiles)
        .innerJoin(replies, eq(replies.id, replyFiles.replyId))
        .innerJoin(deliveries, eq(deliveries.id, replies.deliveryId))
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .where(and(eq(replyFiles.id, fileId), eq(dispatches.appealId, appealId)))
        .get()?.file;
    },
    setPublished(replyId: number, at: Date | null, mayPublish?: boolean): void {
      db.update(replies)
        .set({ publishedAt: at, ...(mayPublish !== undefined ? { mayPublish } : {}) })
        .where(eq(replies.id, replyId))
        .run();
    },
    /** Published replies of an appeal with the addressee's label, newest first (the public page). */
    publishedReplies(appealId: number) {
      return db
        .select({ reply: replies, label: deliveries.label })
        .from(replies)
        .innerJoin(deliveries, eq(deliveries.id, replies.deliveryId))
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .where(and(eq(dispatches.appealId, appealId), eq(replies.mayPublish, true)))
        .orderBy(desc(replies.receivedAt))
        .all()
        .filter((row) => row.reply.publishedAt !== null);
    },

    // — privacy: an addressee's replies and notices, for the export and the deletion —
    repliesOfDeliveries(deliveryIds: number[]): Reply[] {
      return deliveryIds.length === 0 ? [] : db.select().from(replies).where(inArray(replies.deliveryId, deliveryIds)).orderBy(asc(replies.receivedAt), asc(replies.id)).all();
    },
    noticesOfDeliveries(deliveryIds: number[]): DeliveryNotice[] {
      return deliveryIds.length === 0 ? [] : db.select().from(deliveryNotices).where(inArray(deliveryNotices.deliveryId, deliveryIds)).orderBy(asc(deliveryNotices.receivedAt)).all();
    },
    /**
     * Empties what replies say and who wrote them (no longer published); the rows stay, so the
     * answer rate and the delivery record still count that an answer came and when. Their
     * files' rows go; returns the stored names, to be removed from disk after the commit.
     */
    eraseReplies(replyIds: number[], pseudonym: string): string[] {
      if (replyIds.length === 0) return [];
      const files = this.filesOf(replyIds).map((file) => file.storedName);
      db.delete(replyFiles).where(inArray(replyFiles.replyId, replyIds)).run();
      db.update(replies)
        .set({ authorName: pseudonym, office: '', authorEmail: '', subject: '', body: '', mayPublish: false, publishedAt: null })
        .where(inArray(replies.id, replyIds))
        .run();
      return files;
    },
    /** A bounce's or auto-reply's words (which may name the person) go; kind and time stay. */
    eraseNoticeDetails(deliveryIds: number[]): void {
      if (deliveryIds.length > 0) db.update(deliveryNotices).set({ detail: '' }).where(inArray(deliveryNotices.deliveryId, deliveryIds)).run();
    },

    insertNotice(values: typeof deliveryNotices.$inferInsert): DeliveryNotice {
      return db.insert(deliveryNotices).values(values).returning().get();
    },
    noticesOfAppeal(appealId: number): DeliveryNotice[] {
      return db
        .select({ notice: deliveryNotices })
        .from(deliveryNotices)
        .innerJoin(deliveries, eq(deliveries.id, deliveryNotices.deliveryId))
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .where(eq(dispatches.appealId, appealId))
        .orderBy(asc(deliveryNotices.receivedAt))
        .all()
        .map((row) => row.notice);
    },

    /** Claims a mailbox message by its Message-ID; false when it was recorded before (also when only its digest is left). */
    claimIncoming(messageId: string, now: Date): boolean {
      if (this.isClaimed(messageId)) return false;
      return db.insert(incomingMessages).values({ messageId, outcome: 'claimed', recordedAt: now }).onConflictDoNothing().run().changes > 0;
    },
    isClaimed(messageId: string): boolean {
      return db.select({ id: incomingMessages.messageId }).from(incomingMessages).where(inArray(incomingMessages.messageId, messageIdForms(messageId))).get() !== undefined;
    },
    /** The retention rule: a message recorded before `before` keeps its Message-ID only as a digest (still recognised when seen again). */
    forgetIncomingBefore(before: Date): number {
      const rows = db
        .select({ messageId: incomingMessages.messageId })
        .from(incomingMessages)
        .where(and(lt(incomingMessages.recordedAt, before), not(like(incomingMessages.messageId, 'sha256:%'))))
        .all();
      for (const row of rows) db.update(incomingMessages).set({ messageId: forgottenMessageId(row.messageId) }).where(eq(incomingMessages.messageId, row.messageId)).run();
      return rows.length;
    },
    settleIncoming(messageId: string, deliveryId: number | null, outcome: string): void {
      db.update(incomingMessages).set({ deliveryId, outcome }).where(eq(incomingMessages.messageId, messageId)).run();
    },

    /** The delivery a reminder mail (by its Message-ID) was about. */
    findByReminderMessageId(messageId: string): { deliveryId: number; appealId: number } | undefined {
      return db
        .select({ deliveryId: replyReminders.deliveryId, appealId: dispatches.appealId })
        .from(replyReminders)
        .innerJoin(mailOutbox, eq(mailOutbox.id, replyReminders.outboxId))
        .innerJoin(deliveries, eq(deliveries.id, replyReminders.deliveryId))
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .where(eq(mailOutbox.messageId, messageId))
        .get();
    },
    remindersOfAppeal(appealId: number): (ReplyReminder & { outboxState: string | null })[] {
      return db
        .select({ reminder: replyReminders, outboxState: mailOutbox.state })
        .from(replyReminders)
        .innerJoin(deliveries, eq(deliveries.id, replyReminders.deliveryId))
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .leftJoin(mailOutbox, eq(mailOutbox.id, replyReminders.outboxId))
        .where(eq(dispatches.appealId, appealId))
        .orderBy(asc(replyReminders.id))
        .all()
        .map((row) => ({ ...row.reminder, outboxState: row.outboxState }));
    },
    lastReminderNumber(deliveryId: number): number {
      return db.select({ value: max(replyReminders.number) }).from(replyReminders).where(eq(replyReminders.deliveryId, deliveryId)).get()?.value ?? 0;
    },
    /** Claims the next reminder slot; undefined when another request took it first. */
    insertReminder(values: typeof replyReminders.$inferInsert): ReplyReminder | undefined {
      return db.insert(replyReminders).values(values).onConflictDoNothing().returning().get();
    },
    setReminderOutbox(reminderId: number, outboxId: number): void {
      db.update(replyReminders).set({ outboxId }).where(eq(replyReminders.id, reminderId)).run();
    },
    replyCount(deliveryId: number): number {
      return db.select({ value: count() }).from(replies).where(eq(replies.deliveryId, deliveryId)).get()?.value ?? 0;
    },
    bounced(deliveryId: number): boolean {
      return db.select({ id: deliveryNotices.id }).from(deliveryNotices).where(and(eq(deliveryNotices.deliveryId, deliveryId), eq(deliveryNotices.kind, 'bounce'))).get() !== undefined;
    },

    waiversOfAppeal(appealId: number): number[] {
      return db
        .select({ deliveryId: answerWaivers.deliveryId })
        .from(answerWaivers)
        .innerJoin(deliveries, eq(deliveries.id, answerWaivers.deliveryId))
        .innerJoin(dispatches, eq(dispatches.id, deliveries.dispatchId))
        .where(eq(dispatches.appealId, appealId))
        .all()
        .map((row) => row.deliveryId);
    },
    isWaived(deliveryId: number): boolean {
      return db.select({ id: answerWaivers.deliveryId }).from(answerWaivers).where(eq(answerWaivers.deliveryId, deliveryId)).get() !== undefined;
    },
    setWaiver(deliveryId: number, waived: boolean, now: Date): void {
      if (waived) db.insert(answerWaivers).values({ deliveryId, setAt: now }).onConflictDoNothing().run();
      else db.delete(answerWaivers).where(eq(answerWaivers.deliveryId, deliveryId)).run();
    },

    remindAfterDays(appealId: number): number | undefined {
      return db.select({ days: replySettings.remindAfterDays }).from(replySettings).where(eq(replySettings.appealId, appealId)).get()?.days;
    },
    setRemindAfterDays(appealId: number, days: number): void {
      db.insert(replySettings).values({ appealId, remindAfterDays: days }).onConflictDoUpdate({ target: replySettings.appealId, set: { remindAfterDays: days } }).run();
    },
  };
}

export type RepliesRepository = ReturnType<typeof repliesRepository>;
