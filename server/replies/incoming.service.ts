// What the coalition's mailbox brings back (read by server/mailbox/, which knows no domain and
// hands every message to this handler): a reply, a bounce or an auto-reply, attached to the
// delivery it belongs to. Each message is recorded once, however often it is fetched.
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { dispatchRepository } from '../dispatch/dispatch.repository.ts';
import type { Delivery } from '../dispatch/dispatch.table.ts';
import { normaliseCode } from '../letters/letter-documents.service.ts';
import type { Clock } from '../shared/clock.ts';
import type { IncomingMessage } from '../mailbox/incoming.ts';
import { MAX_REPLY_FILES_BYTES, sniffReplyFile } from './reply-files.ts';
import type { ReplyFileType } from './reply-files.ts';
import { reencodeReplyImage, sniffReplyImage } from './reply-images.ts';
import type { ReplyFileStore } from './reply-files.ts';
import { repliesRepository } from './replies.repository.ts';
import { htmlToText } from './html-text.ts';

// What the mailbox job hands over (server/mailbox/incoming.ts).
export type { IncomingMessage };

/** Where a line about a message goes; it never names a person, an address or a subject. */
export type IncomingLog = { info(fields: Record<string, unknown>, message: string): void };

const bracketed = (id: string) => {
  const trimmed = id.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
};

/** The delivery a message refers to: by our Message-IDs it answers (letter or reminder), else by the verification code in its subject. */
function findDelivery(db: Db, message: IncomingMessage): { delivery: Delivery; appealId: number } | undefined {
  const dispatch = dispatchRepository(db);
  const replies = repliesRepository(db);
  const ids = [message.bounce?.originalMessageId ?? null, message.inReplyTo, ...[...message.references].reverse()].filter((id): id is string => Boolean(id && id.trim()));
  for (const id of ids.map(bracketed)) {
    const byLetter = dispatch.findByLetterMessageId(id);
    if (byLetter) return byLetter;
    const byReminder = replies.findByReminderMessageId(id);
    if (byReminder) {
      const found = dispatch.findInAppeal(byReminder.appealId, byReminder.deliveryId);
      if (found) return { delivery: found.delivery, appealId: byReminder.appealId };
    }
  }
  // A bounce names the Message-ID it is about; a code in its subject would be a guess.
  if (message.kind === 'bounce') return undefined;
  for (const candidate of message.subject.match(/\b[A-Za-z2-9]{4}[- ]?[A-Za-z2-9]{4}\b/g) ?? []) {
    const code = normaliseCode(candidate);
    const found = code ? dispatch.findByDocumentCode(code) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** A stable key for a message without Message-ID, so that fetching it again does not record it twice. */
const messageKey = (message: IncomingMessage) =>
  message.messageId?.trim()
    ? bracketed(message.messageId)
    : `sha256:${createHash('sha256')
        .update([message.from, message.date?.toISOString() ?? '', message.subject, message.text].join('\n'))
        .digest('hex')}`;

/** The sender's address out of "Name <address>", for the reply's author. */
const nameAndAddress = (from: string) => {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  return match ? { name: match[1]!.trim(), address: match[2]!.trim() } : { name: '', address: from.trim() };
};

/**
 * The attachments kept with a reply: PDFs as they are, images re-encoded (reply-images.ts),
 * 20 MB in all; the rest (and an image that cannot be re-encoded) is named in the reply's text.
 */
async function keptAttachments(attachments: IncomingMessage['attachments']) {
  let total = 0;
  const kept: { attachment: IncomingMessage['attachments'][number]; type: ReplyFileType; bytes: Uint8Array }[] = [];
  for (const attachment of attachments) {
    total += attachment.bytes.byteLength;
    if (total > MAX_REPLY_FILES_BYTES) continue;
    const image = sniffReplyImage(attachment.bytes);
    if (image) {
      const reencoded = await reencodeReplyImage(attachment.bytes, image);
      if (reencoded.ok) kept.push({ attachment, type: reencoded.type, bytes: reencoded.bytes });
      continue;
    }
    const type = sniffReplyFile(attachment.bytes);
    if (type?.contentType === 'application/pdf') kept.push({ attachment, type, bytes: attachment.bytes });
  }
  return kept;
}

export async function recordIncomingMessage({ db, clock, store, message, log }: { db: Db; clock: Clock; store: ReplyFileStore; message: IncomingMessage; log?: IncomingLog }): Promise<'recorded' | 'ignored'> {
  const key = messageKey(message);
  const found = findDelivery(db, message);
  if (!found) {
    log?.info({ kind: message.kind, hasReferences: Boolean(message.inReplyTo || message.references.length || message.bounce?.originalMessageId) }, 'incoming message matches no delivery; ignored');
    return 'ignored';
  }
  const { delivery, appealId } = found;
  const receivedAt = message.date ?? clock();
  const repository = repliesRepository(db);
  if (message.kind === 'bounce' || message.kind === 'auto-reply') {
    const recorded = db.transaction((tx) => {
      const repo = repliesRepository(tx);
      if (!repo.claimIncoming(key, clock())) return false;
      const bounce = message.kind === 'bounce';
      repo.insertNotice({
        deliveryId: delivery.id,
        kind: message.kind === 'bounce' ? 'bounce' : 'auto-reply',
        status: bounce ? (message.bounce?.status ?? '').slice(0, 40) : '',
        detail: (bounce ? (message.bounce?.diagnostic ?? '') : message.subject).slice(0, 2000),
        receivedAt,
      });
      repo.settleIncoming(key, delivery.id, message.kind);
      recordAudit({
        db: tx,
        clock,
        appealId,
        actor: 'Postfach',
        action: bounce ? 'bounce_recorded' : 'auto_reply_noted',
        detail: bounce ? `${delivery.label}: unzustellbar (${message.bounce?.status ?? '?'})` : `${delivery.label}: automatische Antwort`,
      });
      return true;
    });
    log?.info({ kind: message.kind, deliveryId: delivery.id, duplicate: !recorded }, 'incoming message recorded');
    return 'recorded';
  }
  // A reply (or a message answering our letter that the mailbox could not classify).
  if (repository.isClaimed(key)) {
    log?.info({ kind: message.kind, deliveryId: delivery.id, duplicate: true }, 'incoming message recorded');
    return 'recorded';
  }
  const body = message.text.trim() || (message.html ? htmlToText(message.html) : '');
  const files = await keptAttachments(message.attachments);
  const skipped = message.attachments.filter((attachment) => !files.some((file) => file.attachment === attachment));
  const stored = files.map(({ attachment, type, bytes }) => ({ attachment, type, size: bytes.byteLength, name: store.write(bytes, type) }));
  const { name, address } = nameAndAddress(message.from);
  let recorded = false;
  try {
    recorded = db.transaction((tx) => {
      const repo = repliesRepository(tx);
      // Claimed in the commit that records it: a second fetch at the same moment records nothing.
      if (!repo.claimIncoming(key, clock())) return false;
      const reply = repo.insertReply({
        deliveryId: delivery.id,
        source: 'mail',
        authorName: name.slice(0, 200),
        authorEmail: address.slice(0, 254),
        subject: message.subject.slice(0, 500),
        body: (skipped.length ? `${body}\n\n[Nicht übernommene Anhänge: ${skipped.map((file) => file.filename).join(', ')}]` : body).slice(0, 200_000),
        receivedAt,
        createdAt: clock(),
      });
      for (const file of stored) repo.insertFile({ replyId: reply.id, storedName: file.name, fileName: file.attachment.filename.slice(0, 200), contentType: file.type.contentType, size: file.size });
      repo.settleIncoming(key, delivery.id, 'reply');
      recordAudit({ db: tx, clock, appealId, actor: 'Postfach', action: 'reply_received', detail: `Antwort von ${delivery.label} per E-Mail` });
      return true;
    });
  } catch (error) {
    for (const file of stored) store.remove(file.name);
    throw error;
  }
  if (!recorded) for (const file of stored) store.remove(file.name);
  log?.info({ kind: message.kind, deliveryId: delivery.id, files: recorded ? stored.length : 0, duplicate: !recorded }, 'incoming message recorded');
  return 'recorded';
}
