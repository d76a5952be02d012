// The letter e-mail: one message per addressee with the personalised PDF attached, composed
// by the outbox worker at send time (render → send → record).
import { appealSender } from '../appeals/appeals.mails.ts';
import { isLetterFinal } from '../appeals/appeal-lifecycle.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { inGroupCommit } from '../db/commit-group.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { markDocumentSent } from '../letters/letter-documents.service.ts';
import { createLetterIssuerCache } from '../letters/letters.service.ts';
import type { IssuedLetter, LetterIssuerCache, LetterSelection } from '../letters/letters.service.ts';
import { verificationUrl } from '../letter-pdf/letter-identity.ts';
import type { LetterRecipient } from '../letters/recipients.ts';
import { attachedSigningRecord, attachedSupporterList } from './letter-attachments.ts';
import type { IssuedSupporterList } from '../letters/supporter-list.service.ts';
import type { IssuedSigningRecord } from '../letters/signing-record.service.ts';
import { defaultMailText, renderMailText } from '../appeals/mail-texts.ts';
import type { MailTemplate } from '../appeals/mail-texts.ts';
import { mailTextFor } from '../appeals/mail-texts.service.ts';
import { MailNotNeeded } from '../mail/mail.types.ts';
import type { Composer, MailMessage, MailRenderer } from '../mail/mail.types.ts';
import type { ComposerRegistry, MailKindHooks } from '../mail/composers.ts';
import type { OutboxRow } from '../mail/mail.table.ts';
import type { Clock } from '../shared/clock.ts';
import { createFileStore } from '../shared/file-store.ts';
import { AppError } from '../shared/app-error.ts';
import { transliterate } from '../shared/transliterate.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import { forwardingGroup, letterSubject, organisationList, signingOrganisations } from './letter-subject.ts';
import { settleDispatch } from './dispatch.settle.ts';

/** Several municipalities accept at most 10 MB per message, attachments included. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export const APPEAL_LETTER_KIND = 'appeal-letter';

/** What the outbox row carries: a delivery, or a test send of one addressee's letter. */
export type AppealLetterPayload =
  | { deliveryId: number }
  | { test: true; appealId: number; day: string; addresseeId: number | null; listId: number | null };

/** Bytes the message will have on the wire: base64 attachments (76-character lines), text parts and headers. */
export function estimateMessageBytes(message: Pick<MailMessage, 'text' | 'html' | 'attachments' | 'subject'>): number {
  const base64 = (n: number) => Math.ceil(n / 3) * 4;
  const attachments = (message.attachments ?? []).reduce((sum, attachment) => {
    const encoded = base64(attachment.content.byteLength);
    return sum + encoded + Math.ceil(encoded / 76) * 2 + 300;
  }, 0);
  // Quoted-printable grows German text by a few per cent; count generously.
  const parts = Math.ceil((Buffer.byteLength(message.text) + Buffer.byteLength(message.html)) * 1.2);
  return attachments + parts + 4096 + Buffer.byteLength(message.subject) * 2;
}

export const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toLocaleString('de-DE', { maximumFractionDigits: 1 })} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

const kindPhrase = (appeal: Appeal) => t(`dispatch.kindPhrase.${appeal.kind}` as MessageKey);

/** The message for one addressee's letter (also the sample on the confirmation page). */
export async function buildLetterMail({
  appeal,
  organisations,
  recipient,
  letter,
  forwardTo,
  baseUrl,
  render,
  testFor,
  supporterList,
  signingRecord,
  coverText = defaultMailText('cover'),
  replyUrl,
}: {
  appeal: Appeal;
  organisations: string[];
  recipient: LetterRecipient;
  letter: Pick<IssuedLetter, 'bytes' | 'code' | 'fileName' | 'base64Lines'>;
  /** The "Unterstützerliste", attached as a second PDF when the appeal says so. */
  supporterList?: Pick<IssuedSupporterList, 'bytes' | 'fileName'> | undefined;
  /** The "Zeichnungsnachweis", attached as a further PDF when the appeal says so. */
  signingRecord?: Pick<IssuedSigningRecord, 'bytes' | 'fileName'> | undefined;
  forwardTo: string;
  baseUrl: string;
  render: MailRenderer;
  /** A test send: the label of the addressee whose letter this is. */
  testFor?: string;
  /** The cover text in the appeal's own words (appeals/mail-texts.ts); the default otherwise. */
  coverText?: MailTemplate;
  /** The addressee's reply link /r/<token> (replies/), when one was issued for this delivery. */
  replyUrl?: string;
}): Promise<MailMessage> {
  const cover = renderMailText(coverText, {
    letter: `${kindPhrase(appeal)} „${appeal.title}“`,
    appeal: appeal.title,
    organisations: organisationList(organisations, 200) || appeal.coalitionName,
    coalition: appeal.coalitionName,
    contact: appeal.contactName || appeal.coalitionName,
    addressee: recipient.label,
  });
  const ownSubject = cover.subject ? (forwardTo ? `${cover.subject} – ${t('dispatch.forwarding', { group: forwardTo })}` : cover.subject) : '';
  const subject = `${testFor ? `${t('dispatch.testPrefix')} ` : ''}${ownSubject || letterSubject(appeal, organisations, forwardTo)}`;
  const url = verificationUrl(baseUrl, letter.code);
  const { html, text } = await render('dispatch/appeal-letter', {
    subject,
    testNote: testFor ? t('dispatch.testNote', { label: testFor }) : '',
    // A letter the office forwards: the mail speaks to the office, the letter to the members.
    salutation: forwardTo ? t('dispatch.mail.officeSalutation') : recipient.salutation,
    intro: cover.text,
    introHtml: cover.html,
    forwarding: forwardTo ? t('dispatch.mail.forwarding', { group: forwardTo }) : '',
    attachment: [
      t('dispatch.mail.attachment', { fileName: letter.fileName, size: formatBytes(letter.bytes.byteLength) }),
      ...(supporterList ? [t('supporterList.mailAttachment', { fileName: asciiFileName(supporterList.fileName), size: formatBytes(supporterList.bytes.byteLength) })] : []),
      ...(signingRecord ? [t('signingRecord.mailAttachment', { fileName: asciiFileName(signingRecord.fileName), size: formatBytes(signingRecord.bytes.byteLength) })] : []),
    ].join(' '),
    verifyIntro: t('dispatch.mail.verify', { code: letter.code }),
    verifyUrl: url,
    reply: appeal.contactName ? t('dispatch.mail.reply', { name: appeal.contactName }) : '',
    replyLinkIntro: replyUrl ? t('replies.mail.linkIntro') : '',
    replyUrl: replyUrl ?? '',
    closing: appeal.closing || 'Mit freundlichen Grüßen',
    contactName: appeal.contactName,
    contactFunction: appeal.contactFunction,
    coalitionName: appeal.coalitionName,
    contactPhone: appeal.contactPhone,
    contactEmail: appeal.contactEmail,
    signatureLines: [appeal.contactName, appeal.contactFunction, appeal.coalitionName, appeal.contactPhone ? `Tel. ${appeal.contactPhone}` : '', appeal.contactEmail].filter((line) => line.trim() !== ''),
  });
  return {
    subject,
    html,
    text,
    ...appealSender(appeal),
    attachments: [
      { filename: asciiFileName(letter.fileName), content: letter.bytes, contentType: 'application/pdf', ...(letter.base64Lines ? { base64Lines: letter.base64Lines } : {}) },
      ...(supporterList ? [{ filename: asciiFileName(supporterList.fileName), content: supporterList.bytes, contentType: 'application/pdf', shared: true }] : []),
      ...(signingRecord ? [{ filename: asciiFileName(signingRecord.fileName), content: signingRecord.bytes, contentType: 'application/pdf', shared: true }] : []),
    ],
  };
}

/** File names in mail must be plain ASCII (some mail systems of public bodies mangle anything else). */
export function asciiFileName(name: string): string {
  const ascii = transliterate(name)
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-');
  return ascii.endsWith('.pdf') ? ascii : `${ascii.replace(/\.+$/, '')}.pdf`;
}

const selectionOf = (recipient: { addresseeId: number | null; listId: number | null }): LetterSelection['personal'] =>
  recipient.addresseeId !== null ? { addresseeId: recipient.addresseeId } : { listId: recipient.listId ?? -1 };

/** Renders one addressee's letter through the cached issuer of the appeal. */
export async function renderDeliveryLetter({
  db,
  clock,
  config,
  cache,
  appeal,
  day,
  recipient,
  withinRecord,
  replyUrl,
}: {
  db: Db;
  clock: Clock;
  config: Config;
  cache: LetterIssuerCache;
  appeal: Appeal;
  day: string;
  recipient: { addresseeId: number | null; listId: number | null };
  /** Runs in the transaction that records the letter. */
  withinRecord?: (tx: Db, letter: IssuedLetter) => void;
  /** The delivery's reply link, printed on the letter's last page. */
  replyUrl?: string | undefined;
}): Promise<IssuedLetter> {
  const issuer = cache.issuerFor({ db, fileStore: createFileStore(config.uploadsDir), clock, baseUrl: config.baseUrl, seal: config.seal, appeal, day });
  try {
    // The letter's record commits (before the mail goes out) with the writes of the moment: the
    // worker's other slots' claims and records share one fsync.
    const commit = (record: (tx: Db) => void) => inGroupCommit(db, () => record(db));
    const result = await issuer.issue({ personal: selectionOf(recipient) }, { ...(withinRecord ? { withinRecord: (tx: Db, letters: IssuedLetter[]) => withinRecord(tx, letters[0]!) } : {}), ...(replyUrl ? { replyUrl } : {}), commit, forMail: true });
    return result.personal[0]!;
  } catch (error) {
    if (error instanceof AppError && error.messageKey === 'letterPdf.unknownAddressee') throw new MailNotNeeded(t('dispatch.addresseeGone'));
    throw error;
  }
}

/**
 * Issues the reply link of a delivery when its mail is composed (injected from replies/, a
 * higher layer): the URL for the mail, and the write of its hash, done in the transaction that
 * records the letter (no extra commit per letter).
 */
export type ReplyLinkIssuer = (deliveryId: number, now: Date) => { url: string; record: (tx: Db) => void };

/**
 * The letter e-mail for the worker's registry: its composer, with its own cache of prepared
 * letters (one layout per appeal, each letter only stamps the address, salutation and code),
 * and the outcome hook that marks the document sent and settles the dispatch.
 */
export function registerDispatchMailKinds(registry: ComposerRegistry, { maxMessageBytes = MAX_MESSAGE_BYTES, replyLink }: { maxMessageBytes?: number; replyLink?: ReplyLinkIssuer } = {}): void {
  const cache = createLetterIssuerCache();
  // The signing organisations of a final appeal do not change; looked up once per appeal version.
  const organisationsCache = new Map<string, string[]>();
  const organisationsOf = (db: Db, appeal: Appeal) => {
    const key = `${appeal.id}:${appeal.updatedAt.getTime()}`;
    let names = organisationsCache.get(key);
    if (!names) {
      if (organisationsCache.size > 20) organisationsCache.clear();
      names = signingOrganisations({ db, appeal });
      organisationsCache.set(key, names);
    }
    return names;
  };

  const composer: Composer = async (payload, { db, clock, config, render }) => {
    const data = payload as AppealLetterPayload;
    const repository = dispatchRepository(db);
    let appealId: number;
    let day: string;
    let target: { addresseeId: number | null; listId: number | null };
    let deliveryId: number | undefined;
    let testFor: string | undefined;
    if ('deliveryId' in data) {
      const found = repository.findDelivery(data.deliveryId);
      if (!found) throw new MailNotNeeded(t('dispatch.deliveryGone'));
      appealId = found.dispatch.appealId;
      day = found.dispatch.day;
      target = { addresseeId: found.delivery.addresseeId, listId: found.delivery.listId };
      deliveryId = found.delivery.id;
    } else {
      appealId = data.appealId;
      day = data.day;
      target = { addresseeId: data.addresseeId, listId: data.listId };
    }
    const appeal = appealsRepository(db).findById(appealId);
    if (!appeal) throw new MailNotNeeded(t('dispatch.appealGone'));
    // A letter goes out only as the final text (never as a draft after a reopen).
    if (!isLetterFinal(appeal)) throw new MailNotNeeded(t('dispatch.notFinalAnymore'));
    const link = deliveryId !== undefined && replyLink ? replyLink(deliveryId, clock()) : undefined;
    // The letter's document row, the delivery's document code and its reply link are recorded in one commit.
    const letter = await renderDeliveryLetter({
      db,
      clock,
      config,
      cache,
      appeal,
      day,
      recipient: target,
      replyUrl: link?.url,
      ...(deliveryId !== undefined
        ? {
            withinRecord: (tx: Db, issued: IssuedLetter) => {
              dispatchRepository(tx).setDocument(deliveryId, issued.code, issued.sha256);
              link?.record(tx);
            },
          }
        : {}),
    });
    if (deliveryId === undefined) testFor = letter.recipient.label;
    const message = await buildLetterMail({
      supporterList: await attachedSupporterList({ db, clock, config, appeal, day }),
      signingRecord: await attachedSigningRecord({ db, clock, config, appeal }),
      appeal,
      organisations: organisationsOf(db, appeal),
      recipient: letter.recipient,
      letter,
      forwardTo: forwardingGroup({ db, appeal, recipient: letter.recipient }),
      baseUrl: config.baseUrl,
      render,
      coverText: mailTextFor({ db, appeal, kind: 'cover' }),
      ...(testFor ? { testFor } : {}),
      ...(link ? { replyUrl: link.url } : {}),
    });
    const size = estimateMessageBytes(message);
    if (size > maxMessageBytes) throw new MailNotNeeded(t('dispatch.tooLarge', { size: formatBytes(size), limit: formatBytes(maxMessageBytes) }));
    return message;
  };

  const hooks: MailKindHooks = {
    // In the transaction that records the outcome: the document is marked sent in the same commit.
    recordOutcome(tx: Db, row: OutboxRow, { clock }) {
      const deliveryId = row.ref?.startsWith('delivery:') ? Number(row.ref.slice('delivery:'.length)) : undefined;
      if (!deliveryId) return;
      const repository = dispatchRepository(tx);
      const found = repository.findDeliveryBrief(deliveryId);
      if (!found) return;
      if (row.state === 'sent' && found.documentCode) markDocumentSent({ db: tx, code: found.documentCode, sentAt: row.sentAt ?? clock() });
      // The full check (and the repair of missed documents) only once nothing is open any more.
      if (!found.finishedAt && !repository.hasOpen(found.dispatchId)) settleDispatch({ db: tx, clock, dispatchId: found.dispatchId });
    },
  };
  registry.register(APPEAL_LETTER_KIND, composer, hooks);
}
