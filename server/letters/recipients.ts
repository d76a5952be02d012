// Who gets which letter: one personal letter per addressee of a list, one collective letter
// per list addressed as a group, and the master letter to all groups. And how each personal
// letter goes out: by e-mail, by post (no address), or not until its address is corrected.
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { isValidMailAddress } from '../mail/mail.service.ts';
import { appealAddresseeLists, listEntries } from '../addressees/addressees.service.ts';
import type { Addressee, AddresseeList } from '../addressees/addressees.table.ts';
import { addressBlock, collectiveAddressBlock, collectiveSalutation, letterSalutation } from '../addressees/forms-of-address.ts';

/** One letter's personal part. The master letter is a recipient too (kind master). */
export type LetterRecipient = {
  kind: 'master' | 'personal';
  addresseeId: number | null;
  listId: number | null;
  /** Short readable name, e.g. for file names ("Stadt Goch"). */
  label: string;
  addressLines: string[];
  salutation: string;
  email: string;
};

const personLabel = (a: Addressee) => [a.institution, [a.firstName, a.lastName].filter(Boolean).join(' ')].filter(Boolean).join(' ') || `Empfänger ${a.id}`;

function personalRecipient(a: Addressee, override: string): LetterRecipient {
  return {
    kind: 'personal',
    addresseeId: a.id,
    listId: a.listId,
    label: a.institution && !a.lastName ? a.institution : personLabel(a),
    addressLines: addressBlock(a),
    salutation: override || letterSalutation(a),
    email: a.email,
  };
}

function collectiveRecipient(list: AddresseeList, override: string): LetterRecipient {
  return {
    kind: 'personal',
    addresseeId: null,
    listId: list.id,
    label: list.groupRecipient ? `${list.groupInstitution} ${list.groupRecipient}`.trim() : list.name,
    addressLines: collectiveAddressBlock(list),
    salutation: override || collectiveSalutation([list]),
    email: list.groupEmail,
  };
}

/**
 * The master letter (collective address lines of every list) followed by one recipient per
 * personalised letter: each addressee of a list, or one letter per list addressed as a group.
 */
export function buildRecipients({ db, appeal }: { db: Db; appeal: Appeal }): { master: LetterRecipient; personal: LetterRecipient[] } {
  const chosen = appealAddresseeLists({ db, appeal });
  const override = appeal.salutationOverride.trim();
  const personal: LetterRecipient[] = [];
  for (const { list, collective } of chosen) {
    if (collective) personal.push(collectiveRecipient(list, override));
    else for (const entry of listEntries({ db, list })) personal.push(personalRecipient(entry, override));
  }
  const groups = chosen.map((entry) => entry.list);
  const master: LetterRecipient = {
    kind: 'master',
    addresseeId: null,
    listId: null,
    label: 'Gesamtfassung',
    addressLines: groups.map((group) => group.groupAddressLine || group.name).filter(Boolean),
    salutation: override || collectiveSalutation(groups),
    email: '',
  };
  return { master, personal };
}

export type LetterChannel = 'email' | 'post' | 'invalid';

/** How a personal letter goes out: by e-mail, by post when there is no address, or not while the address is unusable. */
export function channelOf(recipient: Pick<LetterRecipient, 'email'>): LetterChannel {
  const email = recipient.email.trim();
  return email === '' ? 'post' : isValidMailAddress(email) ? 'email' : 'invalid';
}
