// Reminders to addressees who have not answered: after the appeal's number of days, at most
// REPLY_REMINDER_MAX times, never to those who answered, whose mail bounced or from whom no
// answer is expected. "Now" or on a chosen day: the reminder is queued in the outbox with that
// time, and the composer checks everything again when it goes out.
import type { Appeal } from '../appeals/appeals.table.ts';
import type { Db } from '../db/client.ts';
import type { DeliveryWithOutbox } from '../dispatch/dispatch.repository.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import type { Clock } from '../shared/clock.ts';
import { repliesRepository } from './replies.repository.ts';
import type { ReplyReminder } from './replies.table.ts';

export const REPLY_REMINDER_KIND = 'reply-reminder';
export type ReplyReminderPayload = { deliveryId: number; appealId: number; number: number };
export const DEFAULT_REMIND_AFTER_DAYS = 21;
const DAY_MS = 86_400_000;

export const remindAfterDaysOf = ({ db, appeal }: { db: Db; appeal: Appeal }) => repliesRepository(db).remindAfterDays(appeal.id) ?? DEFAULT_REMIND_AFTER_DAYS;

export type ReminderFacts = { entry: DeliveryWithOutbox; replied: boolean; bounced: boolean; waived: boolean; reminders: ReplyReminder[] };

/**
 * Whether an addressee can be reminded, and from when: 'never' (answered, bounced, no answer
 * expected, not sent by e-mail, or all reminders used), else the time it is due (the letter or
 * the last reminder plus the appeal's days).
 */
export function reminderDue(facts: ReminderFacts, { afterDays, max }: { afterDays: number; max: number }): { state: 'never' } | { state: 'due'; from: Date } {
  const { entry, replied, bounced, waived, reminders } = facts;
  if (replied || bounced || waived || entry.delivery.channel !== 'email' || entry.outbox?.state !== 'sent' || !entry.outbox.messageId) return { state: 'never' };
  if (reminders.length >= max) return { state: 'never' };
  const last = Math.max(entry.outbox.sentAt?.getTime() ?? 0, ...reminders.map((reminder) => reminder.dueAt.getTime()));
  return { state: 'due', from: new Date(last + afterDays * DAY_MS) };
}

/**
 * Queues one reminder per given addressee that may be reminded, at `at` (now when omitted) or
 * when it is due, whichever is later; "Jetzt erinnern" (no date) only for those already due.
 * Each reminder slot is claimed by a unique (delivery, number), so two clicks queue one.
 */
export function queueReminders({
  db,
  clock,
  appeal,
  facts,
  afterDays,
  max,
  at,
  actor,
}: {
  db: Db;
  clock: Clock;
  appeal: Appeal;
  facts: ReminderFacts[];
  afterDays: number;
  max: number;
  at?: Date;
  actor: string;
}): number {
  const now = clock();
  return db.transaction((tx) => {
    const repository = repliesRepository(tx);
    let queued = 0;
    for (const fact of facts) {
      const due = reminderDue(fact, { afterDays, max });
      if (due.state === 'never') continue;
      if (!at && due.from > now) continue;
      const when = new Date(Math.max(due.from.getTime(), (at ?? now).getTime()));
      const number = repository.lastReminderNumber(fact.entry.delivery.id) + 1;
      if (number > max) continue;
      const reminder = repository.insertReminder({ deliveryId: fact.entry.delivery.id, number, dueAt: when, createdBy: actor, createdAt: now });
      if (!reminder) continue;
      const row = enqueueMail({
        db: tx,
        clock,
        mail: {
          kind: REPLY_REMINDER_KIND,
          payload: { deliveryId: fact.entry.delivery.id, appealId: appeal.id, number } satisfies ReplyReminderPayload,
          to: fact.entry.delivery.email,
          toName: fact.entry.delivery.label,
          ref: `reply-reminder:${fact.entry.delivery.id}`,
          appealId: appeal.id,
          notBefore: when,
        },
      });
      repository.setReminderOutbox(reminder.id, row.id);
      queued += 1;
    }
    return queued;
  });
}

export function setRemindAfterDays({ db, appeal, days }: { db: Db; appeal: Appeal; days: number }): void {
  repliesRepository(db).setRemindAfterDays(appeal.id, days);
}
