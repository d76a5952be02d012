// A supporter's data as the privacy rules want it (DESIGN §9): found by the hash of the
// e-mail address (so also after retention dropped the address), deleted on request, e-mail
// addresses dropped some days after sending, and expired unconfirmed requests removed.
import type { Db } from '../db/client.ts';
import { supportersRepository } from './supporters.repository.ts';
import { emailKeyOf } from './supporters.table.ts';
import type { Supporter } from './supporters.table.ts';

/** Every supporter row of this address (citizen or organisation's representative), in every appeal or one. */
export function findSupportersByEmail({ db, email, appealId }: { db: Db; email: string; appealId?: number }): Supporter[] {
  return supportersRepository(db).byEmailKey(emailKeyOf(email), appealId);
}

/**
 * Deletes the rows: a deleted supporter no longer counts on the public page (the triggers
 * lower the count); a letter already frozen keeps its number and names.
 */
export function deleteSupporters({ db, ids }: { db: Db; ids: number[] }): number {
  return supportersRepository(db).deleteSupporters(ids);
}

/** How long a confirmation link is valid (DESIGN §8): an unconfirmed request older than this is deleted. */
export const SUPPORTER_CONFIRM_DAYS = 7;

export type SupporterRetentionResult = { supporterEmails: number; unconfirmedSupporters: number };

/**
 * Drops the addresses of the given appeals' supporters (sent long enough ago) unless they
 * asked to be kept informed, and deletes unconfirmed requests whose link has expired.
 */
export function applySupporterRetention({ db, now, sentAppealIds }: { db: Db; now: Date; sentAppealIds: number[] }): SupporterRetentionResult {
  return db.transaction((tx) => {
    const repository = supportersRepository(tx);
    return {
      supporterEmails: repository.dropEmails(sentAppealIds),
      unconfirmedSupporters: repository.deleteExpiredUnconfirmed(now, new Date(now.getTime() - SUPPORTER_CONFIRM_DAYS * 24 * 60 * 60 * 1000)),
    };
  });
}
