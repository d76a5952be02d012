// The replies to an addressee's letters (issue 15) for the export and the deletion of a
// person's data: what they wrote back (text, files, dates), and the bounces and auto-replies
// of their deliveries. Deleting empties the replies (the row stays as "an answer came on …",
// so answer rates and the delivery record still add up), removes their files, and forgets
// the words of bounce notices; the confirmation mails go like other mails of the person.
import type { Db } from '../db/client.ts';
import { repliesRepository } from '../replies/replies.repository.ts';
import { privacyRepository } from './privacy.repository.ts';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** The replies and notices of these deliveries, as the person gets them. */
export function repliesExport({ db, deliveryIds }: { db: Db; deliveryIds: number[] }) {
  const repository = repliesRepository(db);
  const rows = repository.repliesOfDeliveries(deliveryIds);
  const files = repository.filesOf(rows.map((reply) => reply.id));
  return {
    replies: rows.map((reply) => ({
      source: reply.source,
      authorName: reply.authorName,
      office: reply.office,
      authorEmail: reply.authorEmail,
      subject: reply.subject,
      text: reply.body,
      receivedAt: iso(reply.receivedAt),
      mayPublish: reply.mayPublish,
      publishedAt: iso(reply.publishedAt),
      files: files.filter((file) => file.replyId === reply.id).map((file) => ({ fileName: file.fileName, contentType: file.contentType, size: file.size })),
    })),
    deliveryNotices: repository.noticesOfDeliveries(deliveryIds).map((notice) => ({ kind: notice.kind, status: notice.status, detail: notice.detail, receivedAt: iso(notice.receivedAt) })),
  };
}

export type RepliesExport = ReturnType<typeof repliesExport>;

/**
 * Empties the replies of these deliveries and the words of their notices, and pseudonymises
 * the confirmation mails sent to the repliers. Returns what the caller removes after the
 * commit (stored files, .eml files by Message-ID) and the names to pseudonymise in the audit trail.
 */
export function eraseReplies({ db, clock, deliveryIds, pseudonym }: { db: Db; clock: () => Date; deliveryIds: number[]; pseudonym: string }) {
  const repository = repliesRepository(db);
  const rows = repository.repliesOfDeliveries(deliveryIds);
  const mails = rows.flatMap((reply) => privacyRepository(db).outboxByRef(`reply:${reply.id}`));
  privacyRepository(db).pseudonymiseOutbox(mails.map((mail) => mail.id), pseudonym, clock());
  const mentions = rows.flatMap((reply) => [reply.authorName, reply.authorEmail]).filter((value) => value.trim().length >= 3);
  const files = repository.eraseReplies(rows.map((reply) => reply.id), pseudonym);
  repository.eraseNoticeDetails(deliveryIds);
  return { replies: rows.length, files, mentions: [...new Set(mentions)], mails: mails.length, messageIds: mails.flatMap((mail) => (mail.messageId ? [mail.messageId] : [])) };
}
