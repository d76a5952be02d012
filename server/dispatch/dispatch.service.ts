// Sending a final appeal: the plan (who gets it by e-mail, who by post, whose address is
// unusable), the sample message, the test send, "Jetzt versenden" and the organiser's
// decisions on single deliveries. Rendering and sending happen in the outbox worker.
import { mailTextFor } from '../appeals/mail-texts.service.ts';
import { isLetterFinal, mayStartSending } from '../appeals/appeal-lifecycle.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { attachedSigningRecord, attachedSupporterList } from './letter-attachments.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { MessageKey } from '../i18n/index.ts';
import { buildRecipients, channelOf } from '../letters/recipients.ts';
import { currentTextHash } from '../signing/versions.ts';
import type { LetterRecipient } from '../letters/recipients.ts';
import { combinePrintFile, markDocumentSent } from '../letters/letter-documents.service.ts';
import { prepareLetterIssuer } from '../letters/letters.service.ts';
import type { IssuedLetter, LetterIssuerCache } from '../letters/letters.service.ts';
import { enqueueMail, getOutboxStatus, isValidMailAddress, markMailDelivered, resendMail } from '../mail/mail.service.ts';
import type { MailMessage, MailRenderer } from '../mail/mail.types.ts';
import { buildRawMessage, messageIdFor } from '../mail/raw-message.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDate } from '../shared/dates.ts';
import { createFileStore } from '../shared/file-store.ts';
import {
  APPEAL_LETTER_KIND,
  MAX_MESSAGE_BYTES,
  buildLetterMail,
  renderDeliveryLetter,
} from './dispatch.mails.ts';
import { forwardingGroup, signingOrganisations } from './letter-subject.ts';
import type { AppealLetterPayload } from './dispatch.mails.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import type { DeliveryWithOutbox } from './dispatch.repository.ts';
import { settleDispatch } from './dispatch.settle.ts';
import { deliveryStates } from './dispatch.table.ts';
import type { DeliveryChannel, DeliveryState, Dispatch } from './dispatch.table.ts';

export type DispatchDeps = { db: Db; clock: Clock };
export type Actor = { organiserId: number | null; name: string };

export type PlannedDelivery = { recipient: LetterRecipient; channel: DeliveryChannel; email: string };

/** Every letter of the appeal and how it goes out. */
export function planDispatch({ db, appeal }: { db: Db; appeal: Appeal }) {
  const planned: PlannedDelivery[] = buildRecipients({ db, appeal }).personal.map((recipient) => ({ recipient, channel: channelOf(recipient), email: recipient.email.trim() }));
  return {
    all: planned,
    email: planned.filter((entry) => entry.channel === 'email'),
    post: planned.filter((entry) => entry.channel === 'post'),
    invalid: planned.filter((entry) => entry.channel === 'invalid'),
  };
}

export type DispatchPlan = ReturnType<typeof planDispatch>;

export type SampleMail = {
  recipient: LetterRecipient;
  letter: IssuedLetter;
  message: MailMessage;
  /** The whole message as it would go out (RFC 822), and its size. */
  raw: Buffer;
  size: number;
  tooLarge: boolean;
};

/** The message of the first e-mail addressee exactly as the worker would build it (for the confirmation page). */
export async function sampleMail({
  db,
  clock,
  config,
  cache,
  render,
  appeal,
  plan,
  maxMessageBytes = MAX_MESSAGE_BYTES,
}: DispatchDeps & { config: Config; cache: LetterIssuerCache; render: MailRenderer; appeal: Appeal; plan: DispatchPlan; maxMessageBytes?: number }): Promise<SampleMail | undefined> {
  const first = plan.email[0];
  if (!first || !appeal.body.trim()) return undefined;
  const day = dispatchRepository(db).findByAppeal(appeal.id)?.day ?? isoDate(clock());
  const letter = await renderDeliveryLetter({ db, clock, config, cache, appeal, day, recipient: first.recipient });
  const message = await buildLetterMail({
    supporterList: await attachedSupporterList({ db, clock, config, appeal, day }),
    signingRecord: await attachedSigningRecord({ db, clock, config, appeal }),
    appeal,
    organisations: signingOrganisations({ db, appeal }),
    recipient: letter.recipient,
    letter,
    forwardTo: forwardingGroup({ db, appeal, recipient: letter.recipient }),
    baseUrl: config.baseUrl,
    render,
    coverText: mailTextFor({ db, appeal, kind: 'cover' }),
  });
  const envelope = { recipient: first.email, recipientName: first.recipient.label, messageId: messageIdFor(config, 'mz.beispiel') };
  const raw = await buildRawMessage({ config, envelope, message, date: clock() });
  return { recipient: first.recipient, letter, message, raw, size: raw.length, tooLarge: raw.length > maxMessageBytes };
}

/** Queues the sample letter to the organiser's own address, marked as a test. */
export function sendTestMail({ db, clock, appeal, plan, to, toName }: DispatchDeps & { appeal: Appeal; plan: DispatchPlan; to: string; toName: string }): { ok: true } | { ok: false; error: MessageKey } {
  if (!isLetterFinal(appeal)) return { ok: false, error: 'dispatch.error.notFinal' };
  const first = plan.email[0] ?? plan.all[0];
  if (!first) return { ok: false, error: 'dispatch.error.noAddressees' };
  if (!isValidMailAddress(to)) return { ok: false, error: 'dispatch.error.organiserEmail' };
  const day = dispatchRepository(db).findByAppeal(appeal.id)?.day ?? isoDate(clock());
  const payload: AppealLetterPayload = { test: true, appealId: appeal.id, day, addresseeId: first.recipient.addresseeId, listId: first.recipient.listId };
  enqueueMail({ db, clock, mail: { kind: APPEAL_LETTER_KIND, payload, to, toName, ref: `dispatch-test:${appeal.id}`, appealId: appeal.id } });
  return { ok: true };
}

export type StartResult =
  | { ok: true; dispatch: Dispatch; email: number; post: number; invalid: number }
  | { ok: false; error: MessageKey; dispatch?: Dispatch };

/**
 * "Jetzt versenden": the appeal moves to "wird versendet" ('startSending'), with one delivery
 * per letter and one outbox row per e-mail, all in one IMMEDIATE transaction. At most one
 * dispatch per appeal (checked inside the transaction and by a unique index), so a second
 * click, a second tab or the CLI never sends anything twice.
 */
export function startDispatch({ db, clock, appeal, actor }: DispatchDeps & { appeal: Appeal; actor: Actor }): StartResult {
  const result = db.transaction(
    (tx): StartResult => {
      const repository = dispatchRepository(tx);
      const existing = repository.findByAppeal(appeal.id);
      if (existing) return { ok: false, error: 'dispatch.error.alreadyStarted', dispatch: existing };
      const current = appealsRepository(tx).findById(appeal.id);
      if (!current || !mayStartSending(current)) return { ok: false, error: 'dispatch.error.notFinal' };
      const plan = planDispatch({ db: tx, appeal: current });
      if (plan.all.length === 0) return { ok: false, error: 'dispatch.error.noAddressees' };
      const now = clock();
      if (!appealsRepository(tx).applyEvent(current.id, 'startSending', now)) return { ok: false, error: 'dispatch.error.notFinal' };
      const dispatch = repository.insertDispatch({ appealId: current.id, day: isoDate(now), startedBy: actor.organiserId, startedByName: actor.name, createdAt: now });
      for (const entry of plan.all) {
        const delivery = repository.insertDelivery({
          dispatchId: dispatch.id,
          addresseeId: entry.recipient.addresseeId,
          listId: entry.recipient.listId,
          label: entry.recipient.label,
          email: entry.email,
          addressLines: entry.recipient.addressLines.join('\n'),
          channel: entry.channel,
          createdAt: now,
        });
        if (entry.channel !== 'email') continue;
        const row = enqueueMail({
          db: tx,
          clock,
          mail: { kind: APPEAL_LETTER_KIND, payload: { deliveryId: delivery.id } satisfies AppealLetterPayload, to: entry.email, toName: entry.recipient.label, ref: `delivery:${delivery.id}`, appealId: current.id },
        });
        repository.setOutbox(delivery.id, row.id);
      }
      recordAudit({
        db: tx,
        clock,
        appealId: current.id,
        actor: actor.name,
        action: 'dispatch_started',
        detail: `${plan.email.length} per E-Mail, ${plan.post.length} per Post, ${plan.invalid.length} mit ungültiger Adresse`,
      });
      return { ok: true, dispatch, email: plan.email.length, post: plan.post.length, invalid: plan.invalid.length };
    },
    { behavior: 'immediate' },
  );
  // Only letters by post: nothing to wait for.
  if (result.ok) settleDispatch({ db, clock, dispatchId: result.dispatch.id });
  return result;
}

export { deliveryStates };
export type { DeliveryState };

/** Keep in step with the SQL of the same name in dispatch.repository.ts (a test compares them). */
export function deliveryState({ delivery, outbox }: DeliveryWithOutbox): DeliveryState {
  if (delivery.channel === 'post') return 'post';
  if (delivery.channel === 'invalid' || !outbox) return 'skipped';
  if (outbox.state === 'failed') return outbox.nextAttemptAt ? 'retrying' : 'failed';
  return outbox.state;
}

/** Still changing by itself (the progress page refreshes while this is true). */
export const isRunningState = (state: DeliveryState) => state === 'queued' || state === 'sending' || state === 'retrying';

/** Rows of the log on one page. */
export const LOG_PAGE_SIZE = 100;

/**
 * The dispatch of an appeal and its counts per state (one grouped query, however many letters),
 * or undefined before "Jetzt versenden". Cheap enough for the page that reloads while sending.
 */
export function dispatchStatus({ db, clock, appeal }: DispatchDeps & { appeal: Appeal }) {
  const repository = dispatchRepository(db);
  const dispatch = repository.findByAppeal(appeal.id);
  if (!dispatch) return undefined;
  // Repairs documents and the appeal state if a hook was missed (the process died in between).
  settleDispatch({ db, clock, dispatchId: dispatch.id });
  const { all: counts, email: emailCounts } = repository.countByState(dispatch.id);
  const pause = getOutboxStatus({ db }).pause;
  return {
    dispatch: repository.findById(dispatch.id)!,
    counts,
    /** The same per state, of the e-mail deliveries only (the rows of the log). */
    emailCounts,
    running: deliveryStates.some((state) => isRunningState(state) && counts[state] > 0),
    pause,
  };
}

/** Deliveries in these states, e.g. those that need a decision (the CLI's summary). */
export function deliveriesInStates({ db, dispatchId, states }: { db: Db; dispatchId: number; states: DeliveryState[] }) {
  return dispatchRepository(db)
    .listInStates(dispatchId, states)
    .map((row) => ({ ...row, state: deliveryState(row) }));
}

/**
 * One page of the log (e-mail deliveries, all or in one state), `LOG_PAGE_SIZE` rows. The
 * page number is clamped to the pages there are.
 */
export function dispatchLogPage({ db, status, state, page }: { db: Db; status: DispatchStatus; state?: DeliveryState; page: number }) {
  const total = state ? status.emailCounts[state] : deliveryStates.reduce((sum, each) => sum + status.emailCounts[each], 0);
  const pages = Math.max(1, Math.ceil(total / LOG_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const rows = dispatchRepository(db)
    .listLogPage({ dispatchId: status.dispatch.id, ...(state ? { state } : {}), offset: (current - 1) * LOG_PAGE_SIZE, limit: LOG_PAGE_SIZE })
    .map((row) => ({ ...row, state: deliveryState(row) }));
  return { rows, total, page: current, pages, ...(state ? { state } : {}) };
}

export type DispatchLogPage = ReturnType<typeof dispatchLogPage>;

/** What the progress page shows: the status, one page of the log, and the letters by post. */
export function dispatchProgress({ db, clock, appeal, state, page }: DispatchDeps & { appeal: Appeal; state?: DeliveryState; page: number }) {
  const status = dispatchStatus({ db, clock, appeal });
  if (!status) return undefined;
  return { status, log: dispatchLogPage({ db, status, ...(state ? { state } : {}), page }), notByEmail: dispatchRepository(db).listNotByEmail(status.dispatch.id) };
}

export type DispatchStatus = NonNullable<ReturnType<typeof dispatchStatus>>;

function deliveryOfAppeal({ db, appeal, deliveryId }: { db: Db; appeal: Appeal; deliveryId: number }) {
  const found = dispatchRepository(db).findDelivery(deliveryId);
  if (!found || found.dispatch.appealId !== appeal.id || !found.outbox) return undefined;
  return found;
}

/** "erneut senden": a failed, rejected or uncertain letter goes out again (same Message-ID, same letter). */
export function resendDelivery({ db, clock, appeal, deliveryId, actor }: DispatchDeps & { appeal: Appeal; deliveryId: number; actor: Actor }): boolean {
  return db.transaction((tx) => {
    const found = deliveryOfAppeal({ db: tx, appeal, deliveryId });
    if (!found || !resendMail({ db: tx, clock, id: found.outbox!.id })) return false;
    dispatchRepository(tx).reopen(found.dispatch.id);
    recordAudit({ db: tx, clock, appealId: appeal.id, actor: actor.name, action: 'delivery_resent', detail: `${found.delivery.label} <${found.delivery.email}>` });
    return true;
  });
}

/** "als zugestellt markieren" for an uncertain letter (the organiser knows it arrived). */
export function markDeliveryDelivered({ db, clock, appeal, deliveryId, actor }: DispatchDeps & { appeal: Appeal; deliveryId: number; actor: Actor }): boolean {
  const done = db.transaction((tx) => {
    const found = deliveryOfAppeal({ db: tx, appeal, deliveryId });
    if (!found || !markMailDelivered({ db: tx, clock, id: found.outbox!.id })) return undefined;
    if (found.delivery.documentCode) markDocumentSent({ db: tx, code: found.delivery.documentCode, sentAt: clock() });
    recordAudit({ db: tx, clock, appealId: appeal.id, actor: actor.name, action: 'delivery_marked_delivered', detail: `${found.delivery.label} <${found.delivery.email}>` });
    return found.dispatch.id;
  });
  if (done === undefined) return false;
  settleDispatch({ db, clock, dispatchId: done });
  return true;
}

/** One PDF with the letters that go by post (no e-mail address, or an unusable one), for printing. */
export async function postPrintFile({ db, clock, config, appeal }: DispatchDeps & { config: Config; appeal: Appeal }): Promise<{ bytes: Uint8Array; fileName: string } | undefined> {
  const dispatch = dispatchRepository(db).findByAppeal(appeal.id);
  const targets = dispatch
    ? dispatchRepository(db)
        .listDeliveries(dispatch.id)
        .filter((row) => row.delivery.channel !== 'email')
        .map((row) => ({ addresseeId: row.delivery.addresseeId, listId: row.delivery.listId }))
    : planDispatch({ db, appeal })
        .all.filter((entry) => entry.channel !== 'email')
        .map((entry) => ({ addresseeId: entry.recipient.addresseeId, listId: entry.recipient.listId }));
  if (targets.length === 0) return undefined;
  const issuer = prepareLetterIssuer({ db, fileStore: createFileStore(config.uploadsDir), clock, baseUrl: config.baseUrl, seal: config.seal, appeal, day: dispatch?.day ?? isoDate(clock()) });
  const letters: IssuedLetter[] = [];
  for (const target of targets) {
    const selection = target.addresseeId !== null ? { addresseeId: target.addresseeId } : { listId: target.listId ?? -1 };
    try {
      letters.push(...(await issuer.issue({ personal: selection })).personal);
    } catch {
      // An addressee deleted since the dispatch has no letter any more.
    }
  }
  if (letters.length === 0) return undefined;
  const print = await combinePrintFile({ db, clock, appeal, letters, textVersionHash: currentTextHash({ db, appeal }) });
  return { bytes: print.bytes, fileName: letters[0]!.fileName.replace(/_[^_]+\.pdf$/, '_per-post.pdf') };
}
