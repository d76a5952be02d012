// What the inbox page shows, from the inbox loaded in one go (pure).
import { deliveryStateLabel } from '../dispatch/dispatch.presenters.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatDate, formatDateTime } from '../shared/dates.ts';
import type { AnswerRate, Inbox, InboxEntry } from './replies-inbox.service.ts';

export const rateText = (rate: AnswerRate) => (rate.total === 0 ? '' : t('replies.inbox.rate', rate));

function deliveryText(item: InboxEntry): { text: string; tone: string } {
  const bounce = item.notices.find((notice) => notice.kind === 'bounce');
  if (bounce) return { text: `${t('replies.delivery.bounced')}: ${[bounce.status, bounce.detail].filter(Boolean).join(' ')}`, tone: 'danger' };
  const base = deliveryStateLabel(item.state);
  const autoReply = item.notices.some((notice) => notice.kind === 'auto-reply');
  return { text: autoReply ? `${base}; ${t('replies.delivery.autoReply')}` : base, tone: item.state === 'sent' ? 'ok' : item.state === 'post' ? 'neutral' : 'warning' };
}

function reminderText(item: InboxEntry, inbox: Pick<Inbox, 'max' | 'now'>): string {
  const count = t('replies.inbox.remindersCount', { count: item.reminders.length, max: inbox.max });
  const queued = item.reminders.find((reminder) => reminder.outboxState === 'queued');
  if (queued) return `${count}, ${t('replies.inbox.reminderQueued', { date: formatDate(queued.dueAt) })}`;
  if (!item.reminderFrom) return count;
  return `${count}, ${t(item.reminderFrom <= inbox.now ? 'replies.inbox.reminderDue' : 'replies.inbox.reminderFrom', { date: formatDate(item.reminderFrom) })}`;
}

export function presentInbox(inbox: Inbox, { slug, canEdit }: { slug: string; canEdit: boolean }) {
  const base = `/appeals/${slug}/replies`;
  const rows = inbox.entries.map((item) => {
    const delivery = deliveryText(item);
    const id = item.entry.delivery.id;
    const queued = item.reminders.some((reminder) => reminder.outboxState === 'queued');
    return {
      id,
      label: item.entry.delivery.label,
      email: item.entry.delivery.email,
      delivery: delivery.text,
      tone: delivery.tone,
      answer: t(`replies.answer.${item.answer}` as MessageKey),
      answerState: item.answer,
      reminders: reminderText(item, inbox),
      canRemind: canEdit && !queued && item.reminderFrom !== undefined && item.reminderFrom <= inbox.now,
      canWaive: canEdit && item.answer !== 'answered',
      waived: item.answer === 'waived',
      canRevoke: canEdit && item.entry.delivery.channel === 'email',
      actions: { record: `${base}/deliveries/${id}/record`, waiver: `${base}/deliveries/${id}/waiver`, remind: `${base}/deliveries/${id}/remind`, revoke: `${base}/deliveries/${id}/revoke` },
    };
  });
  const replies = inbox.entries
    .flatMap((item) => item.replies.map((reply) => ({ reply, label: item.entry.delivery.label })))
    .sort((a, b) => b.reply.receivedAt.getTime() - a.reply.receivedAt.getTime())
    .map(({ reply, label }) => ({
      id: reply.id,
      label,
      author: [reply.authorName, reply.office].filter(Boolean).join(', '),
      received: t('replies.list.received', { date: formatDateTime(reply.receivedAt) }),
      source: t(`replies.list.source.${reply.source}` as MessageKey),
      subject: reply.subject,
      body: reply.body,
      files: reply.files.map((file) => ({ href: `${base}/files/${file.id}`, name: file.fileName, size: `${Math.max(1, Math.round(file.size / 1024))} KB` })),
      published: reply.publishedAt ? t('replies.list.published', { date: formatDate(reply.publishedAt) }) : '',
      consent: t(reply.mayPublish ? 'replies.list.mayPublish' : 'replies.list.noConsent'),
      canPublish: canEdit && reply.mayPublish && !reply.publishedAt,
      canUnpublish: canEdit && reply.publishedAt !== null,
      publishAction: `${base}/answers/${reply.id}/publish`,
    }));
  return { base, rate: rateText(inbox.rate), rows, replies, canEdit, afterDays: inbox.afterDays, max: inbox.max, csv: `${base}/record.csv`, pdf: `${base}/record.pdf` };
}
