// Replies of addressees: the reply link /r/<token> (issued with the cover mail), the reply
// form behind it, replies recorded by hand, publication and "keine Antwort erwartet".
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Delivery } from '../dispatch/dispatch.table.ts';
import { dispatchRepository } from '../dispatch/dispatch.repository.ts';
import type { MessageKey } from '../i18n/index.ts';
import { enqueueMail, isValidMailAddress } from '../mail/mail.service.ts';
import type { Clock } from '../shared/clock.ts';
import { readForm } from '../shared/form.ts';
import type { FormResult } from '../shared/form.ts';
import { hashToken, newToken } from '../shared/tokens.ts';
import type { UploadedFile } from '../shared/uploaded-file.ts';
import { MAX_REPLY_FILES_BYTES, sniffReplyFile } from './reply-files.ts';
import { reencodeReplyImage, sniffReplyImage } from './reply-images.ts';
import type { ReplyFileStore, ReplyFileType } from './reply-files.ts';
import { repliesRepository } from './replies.repository.ts';
import type { NewReply, Reply, ReplySource } from './replies.table.ts';

/** A reply link works for a year: answers from public bodies can take months. */
export const REPLY_LINK_DAYS = 365;
export const REPLY_CONFIRMATION_KIND = 'reply-confirmation';
export type ReplyConfirmationPayload = { replyId: number };

/**
 * A new reply link for a delivery: the URL for the mail, and the write of its hash (run in the
 * transaction that records the letter). The token itself is never stored.
 */
export function issueReplyLink({ baseUrl, deliveryId, now }: { baseUrl: string; deliveryId: number; now: Date }): { url: string; record: (tx: Db) => void } {
  const token = newToken();
  return {
    url: `${baseUrl}/r/${token}`,
    record: (tx) => {
      repliesRepository(tx).insertLink({ deliveryId, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + REPLY_LINK_DAYS * 86_400_000), createdAt: now });
    },
  };
}

export type ReplyLinkCheck =
  | { ok: true; delivery: Delivery; appeal: Appeal; linkId: number }
  | { ok: false; problem: 'unknown' | 'expired' | 'revoked'; appeal?: Appeal };

export function checkReplyLink({ db, clock, token }: { db: Db; clock: Clock; token: string }): ReplyLinkCheck {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, problem: 'unknown' };
  const found = repliesRepository(db).findLink(hashToken(token));
  const appeal = found ? appealsRepository(db).findById(found.appealId) : undefined;
  if (!found || !appeal) return { ok: false, problem: 'unknown' };
  if (found.link.revokedAt) return { ok: false, problem: 'revoked', appeal };
  if (found.link.expiresAt <= clock()) return { ok: false, problem: 'expired', appeal };
  return { ok: true, delivery: found.delivery, appeal, linkId: found.link.id };
}

export type ReplyInput = { authorName: string; office: string; authorEmail: string; body: string; mayPublish: boolean };

/** The reply form (link) and the organiser's form for a reply by post or phone share these fields. */
export function readReplyForm(body: unknown, { manual = false }: { manual?: boolean } = {}): FormResult<ReplyInput & { source: ReplySource; receivedOn: string }> {
  const form = readForm(body);
  const value = {
    authorName: form.line('authorName', { max: 200 }),
    office: form.line('office', { max: 200 }),
    authorEmail: form.email('authorEmail'),
    body: form.text('body', { required: true, max: 50_000 }),
    mayPublish: form.checkbox('mayPublish'),
    source: manual ? form.choice('source', ['post', 'phone'] as const, 'post') : ('link' as ReplySource),
    receivedOn: manual ? form.date('receivedOn') : '',
  };
  return form.result(value);
}

export type CheckedFile = { bytes: Uint8Array; type: ReplyFileType; fileName: string };

/**
 * The files of a reply: each must be a PDF or an image (PNG, JPEG, WebP) by its content (an
 * executable named .pdf is refused), together at most 20 MB. Images are re-encoded (no
 * metadata, bounded: see reply-images.ts). Returns the field's problem or the files.
 */
export async function checkReplyFiles(files: (UploadedFile | undefined)[]): Promise<{ ok: true; files: CheckedFile[] } | { ok: false; error: MessageKey }> {
  const chosen = files.filter((file): file is UploadedFile => file !== undefined);
  if (chosen.some((file) => file.tooLarge) || chosen.reduce((sum, file) => sum + file.size, 0) > MAX_REPLY_FILES_BYTES) return { ok: false, error: 'replies.error.filesTooLarge' };
  const checked: CheckedFile[] = [];
  for (const file of chosen) {
    const fileName = file.filename.slice(0, 200);
    const image = sniffReplyImage(file.bytes);
    if (image) {
      const reencoded = await reencodeReplyImage(file.bytes, image);
      if (!reencoded.ok) return { ok: false, error: reencoded.error };
      checked.push({ bytes: reencoded.bytes, type: reencoded.type, fileName });
      continue;
    }
    const type = sniffReplyFile(file.bytes);
    if (type?.contentType !== 'application/pdf') return { ok: false, error: 'replies.error.fileType' };
    checked.push({ bytes: file.bytes, type, fileName });
  }
  return { ok: true, files: checked };
}

/** Writes the files first (outside the transaction), then the reply and its rows in one commit. */
function storeReply({
  db,
  clock,
  store,
  delivery,
  appealId,
  reply,
  files,
  audit,
}: {
  db: Db;
  clock: Clock;
  store: ReplyFileStore;
  delivery: Delivery;
  appealId: number;
  reply: Omit<NewReply, 'deliveryId' | 'createdAt'>;
  files: CheckedFile[];
  audit: { actor: string; detail: string; ip?: string };
}): Reply {
  const stored = files.map((file) => ({ file, name: store.write(file.bytes, file.type) }));
  try {
    return db.transaction((tx) => {
      const repository = repliesRepository(tx);
      const row = repository.insertReply({ ...reply, deliveryId: delivery.id, createdAt: clock() });
      for (const { file, name } of stored) repository.insertFile({ replyId: row.id, storedName: name, fileName: file.fileName, contentType: file.type.contentType, size: file.bytes.byteLength });
      recordAudit({ db: tx, clock, appealId, actor: audit.actor, action: 'reply_received', detail: audit.detail, ...(audit.ip ? { ip: audit.ip } : {}) });
      if (reply.source === 'link' && reply.authorEmail && isValidMailAddress(reply.authorEmail)) {
        enqueueMail({ db: tx, clock, mail: { kind: REPLY_CONFIRMATION_KIND, payload: { replyId: row.id } satisfies ReplyConfirmationPayload, to: reply.authorEmail, toName: reply.authorName, ref: `reply:${row.id}`, appealId } });
      }
      return row;
    });
  } catch (error) {
    for (const { name } of stored) store.remove(name);
    throw error;
  }
}

/** A reply through the link: recorded with its files; a confirmation goes to the address given. */
export function submitLinkReply({ db, clock, store, check, input, files, ip }: { db: Db; clock: Clock; store: ReplyFileStore; check: Extract<ReplyLinkCheck, { ok: true }>; input: ReplyInput; files: CheckedFile[]; ip: string }): Reply {
  const now = clock();
  return storeReply({
    db,
    clock,
    store,
    delivery: check.delivery,
    appealId: check.appeal.id,
    reply: { source: 'link', authorName: input.authorName, office: input.office, authorEmail: input.authorEmail, body: input.body, mayPublish: input.mayPublish, receivedAt: now },
    files,
    audit: { actor: check.delivery.label, detail: `Antwort über den Antwort-Link${files.length ? `, ${files.length} Datei(en)` : ''}`, ip },
  });
}

/** A reply that came by post or phone, recorded by an organiser (with a scan, if any). */
export function recordManualReply({
  db,
  clock,
  store,
  appeal,
  deliveryId,
  input,
  files,
  actor,
}: {
  db: Db;
  clock: Clock;
  store: ReplyFileStore;
  appeal: Appeal;
  deliveryId: number;
  input: ReplyInput & { source: ReplySource; receivedOn: string };
  files: CheckedFile[];
  actor: string;
}): Reply | undefined {
  const found = dispatchRepository(db).findInAppeal(appeal.id, deliveryId);
  if (!found) return undefined;
  const receivedAt = input.receivedOn ? new Date(`${input.receivedOn}T12:00:00Z`) : clock();
  return storeReply({
    db,
    clock,
    store,
    delivery: found.delivery,
    appealId: appeal.id,
    // For a postal or phone reply the organiser declares that it may be published.
    reply: { source: input.source, authorName: input.authorName, office: input.office, authorEmail: '', body: input.body, mayPublish: input.mayPublish, receivedAt },
    files,
    audit: { actor, detail: `Antwort von ${found.delivery.label} (${input.source === 'phone' ? 'Telefon' : 'Post'}) eingetragen` },
  });
}

/** Publishes or withdraws a reply on the public page; only with the addressee's consent (or the organiser's declaration). */
export function setReplyPublished({ db, clock, appeal, replyId, publish, actor }: { db: Db; clock: Clock; appeal: Appeal; replyId: number; publish: boolean; actor: string }): 'ok' | 'noConsent' | 'notFound' {
  const found = repliesRepository(db).findReply(appeal.id, replyId);
  if (!found) return 'notFound';
  if (publish && !found.reply.mayPublish) return 'noConsent';
  db.transaction((tx) => {
    repliesRepository(tx).setPublished(replyId, publish ? clock() : null);
    recordAudit({ db: tx, clock, appealId: appeal.id, actor, action: publish ? 'reply_published' : 'reply_unpublished', detail: `Antwort von ${found.delivery.label}` });
  });
  return 'ok';
}

/** "keine Antwort erwartet" on or off: such an addressee is never reminded and not counted as open. */
export function setNoAnswerExpected({ db, clock, appeal, deliveryId, waived }: { db: Db; clock: Clock; appeal: Appeal; deliveryId: number; waived: boolean }): boolean {
  if (!dispatchRepository(db).findInAppeal(appeal.id, deliveryId)) return false;
  repliesRepository(db).setWaiver(deliveryId, waived, clock());
  return true;
}

/** "Antwort-Link sperren": every reply link of the delivery stops working. */
export function revokeReplyLinks({ db, clock, appeal, deliveryId, actor }: { db: Db; clock: Clock; appeal: Appeal; deliveryId: number; actor: string }): boolean {
  const found = dispatchRepository(db).findInAppeal(appeal.id, deliveryId);
  if (!found) return false;
  db.transaction((tx) => {
    repliesRepository(tx).revokeLinks(deliveryId, clock());
    recordAudit({ db: tx, clock, appealId: appeal.id, actor, action: 'link_revoked', detail: `Antwort-Link von ${found.delivery.label}` });
  });
  return true;
}

/** The stored file of a reply of this appeal, for the download. */
export function replyFileFor({ db, store, appeal, fileId }: { db: Db; store: ReplyFileStore; appeal: Appeal; fileId: number }) {
  const file = repliesRepository(db).findFile(appeal.id, fileId);
  const bytes = file ? store.read(file.storedName) : undefined;
  return file && bytes ? { file, bytes } : undefined;
}
