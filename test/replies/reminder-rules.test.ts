import { describe, expect, it } from 'vitest';
import { reminderDue } from '../../server/replies/reminders.service.ts';
import type { ReminderFacts } from '../../server/replies/reminders.service.ts';

const sentAt = new Date('2026-11-22T10:00:00Z');
const day = 86_400_000;

function facts(overrides: Partial<ReminderFacts> = {}, outbox: Record<string, unknown> = {}): ReminderFacts {
  return {
    entry: {
      delivery: { id: 1, channel: 'email' },
      outbox: { state: 'sent', sentAt, messageId: '<mz.1@buendnis.example>', ...outbox },
    } as unknown as ReminderFacts['entry'],
    replied: false,
    bounced: false,
    waived: false,
    reminders: [],
    ...overrides,
  };
}

const reminder = (number: number, dueAt: Date) => ({ id: number, deliveryId: 1, number, outboxId: null, dueAt, createdBy: '', createdAt: dueAt });

describe('when an addressee may be reminded', () => {
  it('after the appeal’s days since the letter, then since the last reminder, at most max times', () => {
    expect(reminderDue(facts(), { afterDays: 21, max: 2 })).toEqual({ state: 'due', from: new Date(sentAt.getTime() + 21 * day) });
    const first = new Date(sentAt.getTime() + 25 * day);
    expect(reminderDue(facts({ reminders: [reminder(1, first)] }), { afterDays: 21, max: 2 })).toEqual({ state: 'due', from: new Date(first.getTime() + 21 * day) });
    expect(reminderDue(facts({ reminders: [reminder(1, first), reminder(2, first)] }), { afterDays: 21, max: 2 })).toEqual({ state: 'never' });
    expect(reminderDue(facts(), { afterDays: 21, max: 0 })).toEqual({ state: 'never' });
  });

  it('never after an answer, a bounce, "keine Antwort erwartet", or a letter that did not go out by e-mail', () => {
    const rules = { afterDays: 21, max: 2 };
    expect(reminderDue(facts({ replied: true }), rules).state).toBe('never');
    expect(reminderDue(facts({ bounced: true }), rules).state).toBe('never');
    expect(reminderDue(facts({ waived: true }), rules).state).toBe('never');
    expect(reminderDue(facts({}, { state: 'rejected' }), rules).state).toBe('never');
    expect(reminderDue(facts({}, { state: 'uncertain' }), rules).state).toBe('never');
  });
});
