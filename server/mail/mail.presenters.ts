import { t, formatNumber } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatDateTime } from '../shared/dates.ts';
import type { EmlMessage } from './eml-reader.ts';
import type { OutboxStatus } from './mail.service.ts';
import { outboxStates } from './mail.table.ts';
import type { OutboxRow, OutboxState } from './mail.table.ts';

export const outboxStateLabel = (state: OutboxState) => t(`mail.state.${state}` as MessageKey);

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString('de-DE', { maximumFractionDigits: 1 })} MB`;
}

/** One row of a mail list: an outbox row of the page's scope, linked when its .eml file exists. */
export function presentMailListItem(base: string, row: OutboxRow, size: number | undefined) {
  return {
    href: size === undefined ? '' : `${base}/${row.id}`,
    time: formatDateTime(row.sentAt ?? row.createdAt),
    to: row.recipientName ? `${row.recipientName} <${row.recipient}>` : row.recipient,
    subject: row.subject || t('mail.noSubject'),
    state: row.state,
    stateLabel: outboxStateLabel(row.state),
    size: size === undefined ? '' : formatSize(size),
  };
}

const shownHeaders = ['date', 'from', 'to', 'cc', 'reply-to', 'subject', 'message-id', 'dkim-signature'];

/** One stored mail; `href` is its page, the parts and attachments are below it. */
export function presentMail(href: string, message: EmlMessage, size: number) {
  return {
    href,
    subject: message.header('subject') || t('mail.noSubject'),
    headers: shownHeaders
      .map((name) => message.headers.find((header) => header.name.toLowerCase() === name))
      .filter((header) => header !== undefined),
    text: message.text,
    hasHtml: message.html !== undefined,
    attachments: message.attachments.map((attachment, index) => ({
      href: `${href}/attachments/${index}`,
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: formatSize(attachment.size),
    })),
    size: formatSize(size),
  };
}

function presentProblem(row: OutboxRow) {
  return {
    id: row.id,
    state: row.state,
    stateLabel: outboxStateLabel(row.state),
    to: row.recipientName ? `${row.recipientName} <${row.recipient}>` : row.recipient,
    subject: row.subject || row.kind,
    attempts: row.attempts,
    lastError: row.lastError,
    time: formatDateTime(row.updatedAt),
    nextAttempt: row.nextAttemptAt ? formatDateTime(row.nextAttemptAt) : '',
    messageId: row.messageId ?? '',
  };
}

export function presentOutboxStatus(status: OutboxStatus) {
  return {
    counts: outboxStates.map((state) => ({ state, label: outboxStateLabel(state), count: formatNumber(status.counts[state]) })),
    pause: status.pause
      ? { since: formatDateTime(status.pause.since), until: status.pause.until ? formatDateTime(status.pause.until) : '', reason: status.pause.reason }
      : null,
    problems: status.problems.map(presentProblem),
  };
}
