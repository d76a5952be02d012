import type { Config } from '../config.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatDateTime } from '../shared/dates.ts';
import { formatBytes } from './dispatch.mails.ts';
import { LOG_PAGE_SIZE, deliveryStates } from './dispatch.service.ts';
import type { DeliveryState, DispatchLogPage, DispatchPlan, DispatchStatus, PlannedDelivery, SampleMail } from './dispatch.service.ts';
import type { Delivery } from './dispatch.table.ts';

export const deliveryStateLabel = (state: DeliveryState) => t(`dispatch.state.${state}` as MessageKey);

const plannedItem = (entry: PlannedDelivery) => ({ label: entry.recipient.label, email: entry.email, address: entry.recipient.addressLines.join(', ') });

const addressText = (address: { name: string; address: string }) => (address.name ? `${address.name} <${address.address}>` : address.address);

export function presentConfirmation({ plan, sample, config }: { plan: DispatchPlan; sample: SampleMail | undefined; config: Config }) {
  const message = sample?.message;
  return {
    emailCount: plan.email.length,
    postCount: plan.post.length,
    invalidCount: plan.invalid.length,
    post: plan.post.map(plannedItem),
    invalid: plan.invalid.map(plannedItem),
    sample: sample && message
      ? {
          from: addressText({ name: message.fromName ?? config.mail.from.name, address: config.mail.from.address }),
          replyTo: message.replyTo ? addressText(message.replyTo) : t('dispatch.confirm.noReplyTo'),
          to: addressText({ name: sample.recipient.label, address: plan.email[0]!.email }),
          subject: message.subject,
          text: message.text,
          attachmentName: message.attachments?.[0]?.filename ?? '',
          attachmentSize: formatBytes(sample.letter.bytes.byteLength),
          code: sample.letter.code,
          size: formatBytes(sample.size),
          totalSize: formatBytes(sample.size * plan.email.length),
          tooLarge: sample.tooLarge,
        }
      : undefined,
  };
}

/** States the log can be filtered by (the states of e-mail deliveries). */
const logStates: DeliveryState[] = ['queued', 'sending', 'retrying', 'sent', 'failed', 'rejected', 'uncertain'];

export const isLogState = (value: unknown): value is DeliveryState => (logStates as unknown[]).includes(value);

/** The address of one page of the log: `?state=…&page=…`, both left out when they are the default. */
export function logHref(base: string, state: DeliveryState | undefined, page: number): string {
  const query = [state ? `state=${state}` : '', page > 1 ? `page=${page}` : ''].filter(Boolean).join('&');
  return `${base}${query ? `?${query}` : ''}#dispatch-log`;
}

export function presentProgress({ status, log, notByEmail, base }: { status: DispatchStatus; log: DispatchLogPage; notByEmail: Delivery[]; base: string }) {
  const total = deliveryStates.reduce((sum, state) => sum + status.emailCounts[state], 0);
  const done = status.counts.sent + status.counts.failed + status.counts.rejected;
  return {
    startedAt: formatDateTime(status.dispatch.createdAt),
    startedBy: status.dispatch.startedByName,
    finishedAt: status.dispatch.finishedAt ? formatDateTime(status.dispatch.finishedAt) : '',
    running: status.running,
    total,
    done,
    percent: total === 0 ? 100 : Math.floor((done / total) * 100),
    pause: status.pause ? { reason: status.pause.reason, since: formatDateTime(status.pause.since), until: status.pause.until ? formatDateTime(status.pause.until) : '' } : null,
    // Each count of an e-mail state links to the log filtered by it.
    counts: deliveryStates
      .map((state) => ({ state, label: deliveryStateLabel(state), count: status.counts[state], href: isLogState(state) && status.emailCounts[state] > 0 ? logHref(base, state, 1) : '', current: log.state === state }))
      .filter((item) => item.count > 0 || ['queued', 'sent'].includes(item.state)),
    uncertainCount: status.counts.uncertain,
    postCount: status.counts.post + status.counts.skipped,
    post: notByEmail.map((delivery) => ({ label: delivery.label, email: delivery.email, address: delivery.addressLines.replace(/\n/g, ', '), invalid: delivery.channel === 'invalid' })),
    filter: log.state ? { label: deliveryStateLabel(log.state), allHref: logHref(base, undefined, 1) } : null,
    pager: {
      page: log.page,
      pages: log.pages,
      total: log.total,
      from: log.total === 0 ? 0 : (log.page - 1) * LOG_PAGE_SIZE + 1,
      to: (log.page - 1) * LOG_PAGE_SIZE + log.rows.length,
      previousHref: log.page > 1 ? logHref(base, log.state, log.page - 1) : '',
      nextHref: log.page < log.pages ? logHref(base, log.state, log.page + 1) : '',
    },
    log: log.rows.map(({ delivery, outbox, state }) => ({
      id: delivery.id,
      label: delivery.label,
      email: delivery.email,
      state,
      stateLabel: deliveryStateLabel(state),
      attempts: outbox?.attempts ?? 0,
      lastError: outbox?.lastError ?? '',
      nextAttempt: state === 'retrying' && outbox?.nextAttemptAt ? formatDateTime(outbox.nextAttemptAt) : '',
      time: outbox?.sentAt ? formatDateTime(outbox.sentAt) : outbox ? formatDateTime(outbox.updatedAt) : '',
      messageId: outbox?.messageId ?? '',
      code: delivery.documentCode ?? '',
      sha256: delivery.documentSha256 ?? '',
      sha256Short: delivery.documentSha256 ? `${delivery.documentSha256.slice(0, 12)}…` : '',
      canResend: state === 'failed' || state === 'rejected' || state === 'uncertain',
      canMarkDelivered: state === 'uncertain',
    })),
  };
}
