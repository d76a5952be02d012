// The mails of replies/: the reminder to a silent addressee (in the thread of the letter) and
// the confirmation to whoever replied through the link with an address.
import { appealSender } from '../appeals/appeals.mails.ts';
import { kindLabel } from '../appeals/appeals.presenters.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { dispatchRepository } from '../dispatch/dispatch.repository.ts';
import { t } from '../i18n/index.ts';
import type { ComposerRegistry, MailKindHooks } from '../mail/composers.ts';
import { MailNotNeeded } from '../mail/mail.types.ts';
import type { Composer } from '../mail/mail.types.ts';
import { formatDate } from '../shared/dates.ts';
import { repliesRepository } from './replies.repository.ts';
import { issueReplyLink, REPLY_CONFIRMATION_KIND } from './replies.service.ts';
import type { ReplyConfirmationPayload } from './replies.service.ts';
import { REPLY_REMINDER_KIND } from './reminders.service.ts';
import type { ReplyReminderPayload } from './reminders.service.ts';

const signature = (appeal: { contactName: string; contactFunction: string; coalitionName: string; contactPhone: string; contactEmail: string }) =>
  [appeal.contactName, appeal.contactFunction, appeal.coalitionName, appeal.contactPhone ? `Tel. ${appeal.contactPhone}` : '', appeal.contactEmail].filter((line) => line.trim() !== '');

/** Checked again when it goes out: an answer, a bounce or "keine Antwort erwartet" since it was scheduled cancels it. */
const composeReminder: Composer = async (payload, { db, clock, config, render }) => {
  const { deliveryId, appealId, number } = payload as ReplyReminderPayload;
  const appeal = appealsRepository(db).findById(appealId);
  const found = appeal ? dispatchRepository(db).findInAppeal(appealId, deliveryId) : undefined;
  if (!appeal || !found?.outbox?.messageId) throw new MailNotNeeded(t('replies.reminder.gone'));
  const replies = repliesRepository(db);
  if (replies.replyCount(deliveryId) > 0) throw new MailNotNeeded(t('replies.reminder.answered'));
  if (replies.bounced(deliveryId)) throw new MailNotNeeded(t('replies.reminder.bounced'));
  if (replies.isWaived(deliveryId)) throw new MailNotNeeded(t('replies.reminder.waived'));
  const letterSubject = found.outbox.subject;
  const link = issueReplyLink({ baseUrl: config.baseUrl, deliveryId, now: clock() });
  link.record(db);
  const subject = t('replies.reminder.subject', { subject: letterSubject });
  const { html, text } = await render('replies/reminder', {
    subject,
    salutation: t('replies.reminder.salutation'),
    intro: t('replies.reminder.intro', { date: formatDate(found.outbox.sentAt ?? found.delivery.createdAt), kind: kindLabel(appeal.kind), title: appeal.title, coalition: appeal.coalitionName }),
    request: t(number > 1 ? 'replies.reminder.requestAgain' : 'replies.reminder.request'),
    linkIntro: t('replies.mail.linkIntro'),
    replyUrl: link.url,
    closing: appeal.closing || 'Mit freundlichen Grüßen',
    signatureLines: signature(appeal),
    coalitionName: appeal.coalitionName,
  });
  // The same thread as the letter: mail programs file the reminder under it.
  return { subject, html, text, ...appealSender(appeal), inReplyTo: found.outbox.messageId, references: [found.outbox.messageId] };
};

const reminderHooks: MailKindHooks = {
  onOutcome(row, { db, clock }) {
    if (row.state !== 'sent') return;
    const { deliveryId, appealId, number } = JSON.parse(row.payload) as ReplyReminderPayload;
    const found = dispatchRepository(db).findInAppeal(appealId, deliveryId);
    if (!found) return;
    recordAudit({ db, clock, appealId, actor: 'System', action: 'addressee_reminded', detail: `${number}. Erinnerung an ${found.delivery.label} versendet` });
  },
};

const composeConfirmation: Composer = async (payload, { db, render }) => {
  const { replyId } = payload as ReplyConfirmationPayload;
  const found = repliesRepository(db).findReplyById(replyId);
  const appeal = found ? appealsRepository(db).findById(found.appealId) : undefined;
  if (!found || !appeal) throw new MailNotNeeded(t('replies.confirmation.gone'));
  const subject = t('replies.confirmation.subject', { title: appeal.title });
  const { html, text } = await render('replies/confirmation', {
    subject,
    salutation: found.reply.authorName ? t('replies.confirmation.salutationNamed', { name: found.reply.authorName }) : t('replies.reminder.salutation'),
    intro: t('replies.confirmation.intro', { date: formatDate(found.reply.receivedAt), kind: kindLabel(appeal.kind), title: appeal.title, coalition: appeal.coalitionName }),
    publish: t(found.reply.mayPublish ? 'replies.confirmation.mayPublish' : 'replies.confirmation.notPublished'),
    closing: appeal.closing || 'Mit freundlichen Grüßen',
    signatureLines: signature(appeal),
    coalitionName: appeal.coalitionName,
  });
  return { subject, html, text, ...appealSender(appeal) };
};

export function registerReplyMailKinds(registry: ComposerRegistry): void {
  registry.register(REPLY_REMINDER_KIND, composeReminder, reminderHooks);
  registry.register(REPLY_CONFIRMATION_KIND, composeConfirmation);
}
