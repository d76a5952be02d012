// What the letter says of its supporters (DESIGN §8): the confirmed supporter organisations
// and the number of confirmed citizens. Frozen when the appeal is finalised, in the same
// transaction as the lifecycle event, so later confirmations and withdrawals change the
// public page but never a final letter; a reopen clears it, the next finalise freezes anew.
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { isDraftLetter } from '../appeals/appeal-lifecycle.ts';
import type { Clock } from '../shared/clock.ts';
import { supportersRepository } from './supporters.repository.ts';

export type LetterSupporters = { organisations: string[]; citizens: number };

/** The supporters as they are right now (the draft letter shows these). */
export function liveLetterSupporters({ db, appeal }: { db: Db; appeal: Pick<Appeal, 'id'> }): LetterSupporters {
  const repository = supportersRepository(db);
  return { organisations: repository.confirmedOrganisationNames(appeal.id), citizens: repository.confirmedCitizenCount(appeal.id) };
}

/** Call inside the finalise transaction. */
export function freezeSupporterSnapshot({ db, clock, appeal }: { db: Db; clock: Clock; appeal: Pick<Appeal, 'id'> }): void {
  supportersRepository(db).writeSnapshot(appeal.id, { ...liveLetterSupporters({ db, appeal }), frozenAt: clock() });
}

/** Call inside the reopen transaction. */
export function clearSupporterSnapshot({ db, appeal }: { db: Db; appeal: Pick<Appeal, 'id'> }): void {
  supportersRepository(db).deleteSnapshot(appeal.id);
}

/**
 * The supporters a letter of this appeal names: live while the letter is a draft, the frozen
 * snapshot once final (an appeal finalised before snapshots existed falls back to live values).
 */
export function letterSupporters({ db, appeal }: { db: Db; appeal: Pick<Appeal, 'id' | 'state'> }): LetterSupporters {
  if (isDraftLetter(appeal)) return liveLetterSupporters({ db, appeal });
  const snapshot = supportersRepository(db).findSnapshot(appeal.id);
  return snapshot ? { organisations: snapshot.organisations, citizens: snapshot.citizens } : liveLetterSupporters({ db, appeal });
}
