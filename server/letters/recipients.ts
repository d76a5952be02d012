// Who gets which letter: one personal letter per addressee of a list, one collective letter
// per list addressed as a group, and the master letter to all groups. And how each personal
// letter goes out: by e-mail, by post (no address), or not until its address is corrected.
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { isValidMailAddress } from '../mail/mail.service.ts';
import { appealAddresseeLists, listEntries, listEntryPages } from '../addressees/addressees.service.ts';
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
  /** A note above the address: a collective letter to a body's members goes through its office for forwarding. */
  note?: string;
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

/** "– zur Weiterleitung an alle Mitglieder des Kreistages –" when a collective letter is for a body's members. */
function forwardingNote(list: AddresseeList): string {
  const members = list.groupRecipient.trim().replace(/^alle\s+/i, '');
  return /^Mitglieder\b/i.test(members) ? t('letterLayout.forward', { members }) : '';
}

function collectiveRecipient(list: AddresseeList, override: string): LetterRecipient {
  const note = forwardingNote(list);
  return {
    ...(note ? { note } : {}),
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
  return { master: masterRecipient(chosen.map((entry) => entry.list), override), personal };
}

/** buildRecipients() for a page request: the entries a thousand at a time, other requests answered in between. */
export async function buildRecipientsInSlices({ db, appeal }: { db: Db; appeal: Appeal }): Promise<{ master: LetterRecipient; personal: LetterRecipient[] }> {
  const chosen = appealAddresseeLists({ db, appeal });
  const override = appeal.salutationOverride.trim();
  const personal: LetterRecipient[] = [];
  for (const { list, collective } of chosen) {
    if (collective) personal.push(collectiveRecipient(list, override));
    else for await (const page of listEntryPages({ db, list })) for (const entry of page) personal.push(personalRecipient(entry, override));
  }
  return { master: masterRecipient(chosen.map((entry) => entry.list), override), personal };
}

function masterRecipient(groups: AddresseeList[], override: string): LetterRecipient {
  return {
    kind: 'master',
    addresseeId: null,
    listId: null,
    label: 'Gesamtfassung',
    addressLines: groups.map((group) => group.groupAddressLine || group.name).filter(Boolean),
    salutation: override || collectiveSalutation(groups),
    email: '',
  };
}

/** At most this many letters are named one by one after "Gleichlautende Schreiben an:"; more are named by their lists. */
const NAMED_ONE_BY_ONE = 6;

/** Who receives the same letter: each letter by its label, or the lists when there are many; empty for a single letter. */
export function sameLetterRecipients({ master, personal }: { master: LetterRecipient; personal: LetterRecipient[] }): string[] {
  if (personal.length <= 1) return [];
  if (personal.length <= NAMED_ONE_BY_ONE) return personal.map((recipient) => recipient.label);
  return master.addressLines.map((line) => line.replace(/^An\s+(den|die|das)\s+/i, ''));
}

export type LetterChannel = 'email' | 'post' | 'invalid';

/** How a personal letter goes out: by e-mail, by post when there is no address, or not while the address is unusable. */
export function channelOf(recipient: Pick<LetterRecipient, 'email'>): LetterChannel {
  const email = recipient.email.trim();
  return email === '' ? 'post' : isValidMailAddress(email) ? 'email' : 'invalid';
}
