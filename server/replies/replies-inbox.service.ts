// What the organiser's inbox, the delivery record and the public page know of the answers,
// read in one go per appeal: per delivery its letter mail, bounces, auto-replies, replies,
// reminders and whether an answer is expected.
import type { Appeal } from '../appeals/appeals.table.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { dispatchRepository } from '../dispatch/dispatch.repository.ts';
import type { DeliveryWithOutbox } from '../dispatch/dispatch.repository.ts';
import { deliveryState } from '../dispatch/dispatch.service.ts';
import type { DeliveryState } from '../dispatch/dispatch.service.ts';
import type { Clock } from '../shared/clock.ts';
import { repliesRepository } from './replies.repository.ts';
import type { DeliveryNotice, Reply, ReplyFile, ReplyReminder } from './replies.table.ts';
import { queueReminders, reminderDue, remindAfterDaysOf } from './reminders.service.ts';
import type { ReminderFacts } from './reminders.service.ts';

export type AnswerState = 'answered' | 'waived' | 'pending';

export type InboxEntry = {
  entry: DeliveryWithOutbox;
  state: DeliveryState;
  notices: DeliveryNotice[];
  replies: (Reply & { files: ReplyFile[] })[];
  reminders: (ReplyReminder & { outboxState: string | null })[];
  answer: AnswerState;
  bounced: boolean;
  /** When a reminder may go out (undefined: never). */
  reminderFrom: Date | undefined;
};

export type AnswerRate = { answered: number; total: number };

/** Who counts for the answer rate: letters that went out (sent by e-mail, or by post), minus "keine Antwort erwartet". */
export function answerRate(entries: Pick<InboxEntry, 'state' | 'answer'>[]): AnswerRate {
  const counted = entries.filter((item) => (item.state === 'sent' || item.state === 'post') && item.answer !== 'waived');
  return { answered: counted.filter((item) => item.answer === 'answered').length, total: counted.length };
}

export function loadInbox({ db, clock, config, appeal }: { db: Db; clock: Clock; config: Config; appeal: Appeal }) {
  const dispatch = dispatchRepository(db).findByAppeal(appeal.id);
  if (!dispatch) return undefined;
  const repository = repliesRepository(db);
  const all = repository.repliesOfAppeal(appeal.id);
  const files = repository.filesOf(all.map((reply) => reply.id));
  const notices = repository.noticesOfAppeal(appeal.id);
  const reminders = repository.remindersOfAppeal(appeal.id);
  const waived = new Set(repository.waiversOfAppeal(appeal.id));
  const afterDays = remindAfterDaysOf({ db, appeal });
  const max = config.replyReminderMax;
  const entries: InboxEntry[] = dispatchRepository(db)
    .listDeliveries(dispatch.id)
    .filter((entry) => entry.delivery.channel !== 'invalid')
    .map((entry) => {
      const id = entry.delivery.id;
      const replies = all.filter((reply) => reply.deliveryId === id).map((reply) => ({ ...reply, files: files.filter((file) => file.replyId === reply.id) }));
      const own = notices.filter((notice) => notice.deliveryId === id);
      const bounced = own.some((notice) => notice.kind === 'bounce');
      const ownReminders = reminders.filter((reminder) => reminder.deliveryId === id);
      const answer: AnswerState = replies.length > 0 ? 'answered' : waived.has(id) ? 'waived' : 'pending';
      const due = reminderDue({ entry, replied: replies.length > 0, bounced, waived: waived.has(id), reminders: ownReminders }, { afterDays, max });
      return { entry, state: deliveryState(entry), notices: own, replies, reminders: ownReminders, answer, bounced, reminderFrom: due.state === 'due' ? due.from : undefined };
    });
  return { dispatch, entries, rate: answerRate(entries), afterDays, max, now: clock() };
}

export type Inbox = NonNullable<ReturnType<typeof loadInbox>>;

const factsOf = (item: InboxEntry): ReminderFacts => ({ entry: item.entry, replied: item.replies.length > 0, bounced: item.bounced, waived: item.answer === 'waived', reminders: item.reminders });

/** "Jetzt erinnern" for one, all due ones, or all silent ones on a chosen day. */
export function remindAddressees({ db, clock, config, appeal, deliveryId, at, actor }: { db: Db; clock: Clock; config: Config; appeal: Appeal; deliveryId?: number; at?: Date; actor: string }): number {
  const inbox = loadInbox({ db, clock, config, appeal });
  if (!inbox) return 0;
  const chosen = inbox.entries.filter((item) => deliveryId === undefined || item.entry.delivery.id === deliveryId);
  return queueReminders({ db, clock, appeal, facts: chosen.map(factsOf), afterDays: inbox.afterDays, max: inbox.max, ...(at ? { at } : {}), actor });
}

/** What the public page shows: the answer rate and the published replies (date and office, text). */
export function publishedRepliesOf({ db, appeal }: { db: Db; appeal: Appeal }): { rate: AnswerRate; replies: { office: string; receivedAt: Date; body: string }[] } | undefined {
  const dispatch = dispatchRepository(db).findByAppeal(appeal.id);
  if (!dispatch) return undefined;
  const repository = repliesRepository(db);
  const answered = new Set(repository.repliesOfAppeal(appeal.id).map((reply) => reply.deliveryId));
  const waived = new Set(repository.waiversOfAppeal(appeal.id));
  const entries = dispatchRepository(db)
    .listDeliveries(dispatch.id)
    .map((entry) => ({ state: deliveryState(entry), answer: (answered.has(entry.delivery.id) ? 'answered' : waived.has(entry.delivery.id) ? 'waived' : 'pending') as AnswerState }));
  const replies = repository.publishedReplies(appeal.id).map(({ reply, label }) => ({ office: reply.office || label, receivedAt: reply.receivedAt, body: reply.body }));
  return { rate: answerRate(entries), replies };
}
