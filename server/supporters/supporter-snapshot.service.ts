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
  return { organisations: repository.confirmedOrganisationNames(appeal.id), citizens: repository.counts(appeal.id).citizens };
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

export type SupporterListData = {
  /** The moment the list is as of: the finalising, or now for a draft. */
  asOf: Date;
  organisations: { name: string; place: string }[];
  citizens: { name: string; place: string }[];
  /** Citizens who agreed to be named, also those beyond MAX_LISTED_CITIZENS. */
  namedCitizens: number;
  citizenCount: number;
};

/**
 * Names printed at most (about 40 pages): a list of a hundred thousand names would not fit the
 * 10 MB of a letter mail; the list then says how many more agreed to be named.
 */
export const MAX_LISTED_CITIZENS = 3000;

/** The place of an organisation: its own field, else the last line of its address without the postcode. */
const placeOf = (organisation: { place: string; address: string }) =>
  organisation.place.trim() || (organisation.address.split('\n').map((line) => line.trim()).filter(Boolean).at(-1) ?? '').replace(/^\d{4,5}\s+/, '');

/**
 * The supporter list of the letter mails: once final, those confirmed by the finalising
 * (minus anyone who withdrew or whose data was deleted since: a name is printed only while
 * its consent stands), and the frozen number of citizens; before that, the live state.
 */
export function supporterListData({ db, clock, appeal }: { db: Db; clock: Clock; appeal: Pick<Appeal, 'id' | 'state'> }): SupporterListData {
  const repository = supportersRepository(db);
  const snapshot = isDraftLetter(appeal) ? undefined : repository.findSnapshot(appeal.id);
  const listed = repository.listedSupporters(appeal.id, { confirmedBy: snapshot?.frozenAt, maxCitizens: MAX_LISTED_CITIZENS });
  return {
    asOf: snapshot?.frozenAt ?? clock(),
    organisations: listed.organisations.map((organisation) => ({ name: organisation.name, place: placeOf(organisation) })),
    citizens: listed.citizens.map((citizen) => ({ name: `${citizen.firstName} ${citizen.lastName}`.trim(), place: citizen.place })),
    namedCitizens: listed.namedCitizens,
    citizenCount: snapshot?.citizens ?? repository.counts(appeal.id).citizens,
  };
}

/** When the supporters were frozen (undefined for a draft): a final appeal's list is made once per dispatch day. */
export function supportersFrozenAt({ db, appeal }: { db: Db; appeal: Pick<Appeal, 'id' | 'state'> }): Date | undefined {
  return isDraftLetter(appeal) ? undefined : supportersRepository(db).findSnapshot(appeal.id)?.frozenAt;
}
