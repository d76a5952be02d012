// The "Versandprotokoll" of an appeal: per addressee the address, the time, the Message-ID,
// the mail server's exact answer, the letter's hash and code, and what came back later. As CSV
// (for Excel, formulas neutralised) and as PDF (rendered in a worker thread).
import { stringify } from 'csv-stringify/sync';
import type { Appeal } from '../appeals/appeals.table.ts';
import { deliveryStateLabel } from '../dispatch/dispatch.presenters.ts';
import { t } from '../i18n/index.ts';
import { runInWorker } from '../jobs/worker-job.ts';
import { formatDateTime, isoDate } from '../shared/dates.ts';
import { neutraliseFormula } from '../shared/spreadsheet.ts';
import type { DeliveryRecordModel, DeliveryRecordSeal } from './delivery-record.task.ts';
import type { Inbox, InboxEntry } from './replies-inbox.service.ts';
import { rateText } from './replies.presenters.ts';

const RECORD_TIMEOUT_MS = 60_000;
const RECORD_MEMORY_MB = 256;

const utc = (date: Date | null | undefined) => (date ? date.toISOString() : '');

/** What the record says of one delivery (shared by CSV and PDF). */
function recordOf(item: InboxEntry) {
  const { delivery, outbox } = item.entry;
  return {
    label: delivery.label,
    email: delivery.email,
    address: delivery.addressLines.split('\n').filter(Boolean).join(', '),
    state: deliveryStateLabel(item.state),
    sentAt: outbox?.sentAt ?? null,
    messageId: outbox?.messageId ?? '',
    serverAnswer: outbox?.smtpResponse || outbox?.lastError || '',
    code: delivery.documentCode ?? '',
    sha256: delivery.documentSha256 ?? '',
    bounces: item.notices.filter((notice) => notice.kind === 'bounce').map((notice) => `${utc(notice.receivedAt)} ${[notice.status, notice.detail].filter(Boolean).join(' ')}`),
    autoReplies: item.notices.filter((notice) => notice.kind === 'auto-reply').map((notice) => `${utc(notice.receivedAt)} ${notice.detail}`),
    replies: item.replies.map((reply) => `${utc(reply.receivedAt)} ${t(`replies.list.source.${reply.source}`)}${reply.office ? `, ${reply.office}` : ''}`),
    reminders: item.reminders.map((reminder) => `${reminder.number}. ${utc(reminder.dueAt)} (${reminder.outboxState ?? '?'})`),
    answer: t(`replies.answer.${item.answer}`),
  };
}

export function recordFileName(appeal: Pick<Appeal, 'slug'>, now: Date, extension: 'csv' | 'pdf'): string {
  return `${isoDate(now)}_${appeal.slug}_versandprotokoll.${extension}`;
}

/** CSV for German Excel: `;`, UTF-8 with BOM, CRLF; every cell neutralised against formulas. */
export function deliveryRecordCsv(inbox: Inbox): string {
  const header = ['Empfänger:in', 'E-Mail', 'Postanschrift', 'Stand', 'Versendet (UTC)', 'Message-ID', 'Antwort des Mailservers', 'Prüfcode', 'SHA-256 des Briefes', 'Unzustellbar', 'Automatische Antwort', 'Antworten', 'Erinnerungen', 'Antwort'];
  const rows = inbox.entries.map((item) => {
    const r = recordOf(item);
    return [r.label, r.email, r.address, r.state, utc(r.sentAt), r.messageId, r.serverAnswer, r.code, r.sha256, r.bounces.join(' | '), r.autoReplies.join(' | '), r.replies.join(' | '), r.reminders.join(' | '), r.answer].map(neutraliseFormula);
  });
  return `\uFEFF${stringify([header, ...rows], { delimiter: ';', record_delimiter: '\r\n' })}`;
}

export function deliveryRecordModel({ appeal, inbox, createdAt }: { appeal: Appeal; inbox: Inbox; createdAt: Date }): DeliveryRecordModel {
  return {
    slug: appeal.slug,
    coalitionName: appeal.coalitionName,
    heading: `${t('replies.record.pdfTitle')}: ${appeal.title}`,
    intro: [
      `Versand gestartet ${formatDateTime(inbox.dispatch.createdAt)} von ${inbox.dispatch.startedByName || '–'}${inbox.dispatch.finishedAt ? `, abgeschlossen ${formatDateTime(inbox.dispatch.finishedAt)}` : ''}.`,
      `${inbox.entries.length} Briefe. ${rateText(inbox.rate)}`.trim(),
      `Erstellt ${formatDateTime(createdAt)}. Zeiten in den Einträgen in UTC. „verschickt“ heißt: Der Mailserver der Empfänger:in hat die Nachricht angenommen.`,
    ],
    entries: inbox.entries.map((item) => {
      const r = recordOf(item);
      const lines: [string, string][] = [
        ['Adresse', [r.email, r.address].filter(Boolean).join(' · ')],
        ['Stand', r.state],
        ['Versendet (UTC)', utc(r.sentAt)],
        ['Message-ID', r.messageId],
        ['Antwort des Servers', r.serverAnswer],
        ['Prüfcode', r.code],
        ['SHA-256 des Briefes', r.sha256],
      ];
      for (const bounce of r.bounces) lines.push(['Unzustellbar', bounce]);
      for (const autoReply of r.autoReplies) lines.push(['Automatische Antwort', autoReply]);
      for (const reply of r.replies) lines.push(['Antwort', reply]);
      for (const reminder of r.reminders) lines.push(['Erinnerung', reminder]);
      lines.push(['Antwortstand', r.answer]);
      return { title: r.label, lines };
    }),
    footer: `${appeal.coalitionName} · ${t('replies.record.pdfTitle')} · ${appeal.slug}`,
  };
}

/** The record as PDF, rendered off the event loop in a worker thread with time and memory limits. */
export async function deliveryRecordPdf({ appeal, inbox, createdAt, seal }: { appeal: Appeal; inbox: Inbox; createdAt: Date; seal?: DeliveryRecordSeal | undefined }): Promise<Uint8Array> {
  const model = deliveryRecordModel({ appeal, inbox, createdAt });
  return runInWorker<{ model: DeliveryRecordModel; createdAt: Date; seal?: DeliveryRecordSeal }, Uint8Array>(new URL('./delivery-record.task.ts', import.meta.url), { model, createdAt, ...(seal ? { seal } : {}) }, { timeoutMs: RECORD_TIMEOUT_MS, maxMemoryMb: RECORD_MEMORY_MB });
}
