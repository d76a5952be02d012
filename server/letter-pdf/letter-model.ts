// The plain data a letter is rendered from. Built from the database here; the renderer
// never touches the database or the file store.
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import type { FileStore } from '../shared/file-store.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDate } from '../shared/dates.ts';
import { listSignatories } from '../signatories/signatories.service.ts';
import { appealAddresseeLists, listEntries } from '../addressees/addressees.service.ts';
import type { Addressee, AddresseeList } from '../addressees/addressees.table.ts';
import {
  addressBlock,
  collectiveAddressBlock,
  collectiveSalutation,
  letterSalutation,
} from '../addressees/forms-of-address.ts';

export type LetterOrganisation = {
  name: string;
  shortName: string;
  /** Re-encoded PNG (or JPEG) bytes; undefined = no logo or the file is missing. */
  logo?: Uint8Array;
  /** Set when a logo file is recorded but could not be read. */
  logoMissing?: boolean;
};

export type LetterSignatory = {
  name: string;
  function: string;
  organisation: string;
  tier: 'first' | 'supporter';
  /** Set when the signatory has signed (the co-signing records it); the image for drawn or uploaded signatures. */
  signature?: { signedAt: Date; image?: Uint8Array };
};

export type LetterModel = {
  appealId: number;
  slug: string;
  kind: Appeal['kind'];
  coalitionName: string;
  title: string;
  subtitleLines: string[];
  place: string;
  /** ISO calendar date printed in the letter. */
  letterDate: string;
  reference: string;
  salutationOverride: string;
  body: string;
  closing: string;
  contact: { name: string; function: string; email: string; phone: string };
  ccLines: string[];
  attachmentLines: string[];
  listFirstSignatories: boolean;
  /** State draft or signing: visible "ENTWURF" mark and placeholders for unsigned signatories. */
  draft: boolean;
  textVersionHash: string;
  organisations: LetterOrganisation[];
  signatories: LetterSignatory[];
  /** Base of the verification URL, without a trailing slash. */
  baseUrl: string;
};

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

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

/** Hash of everything that makes up the text of the letter (not its signatures). */
export function textVersionHash(appeal: Appeal): string {
  const parts = [appeal.title, appeal.subtitle, appeal.salutationOverride, appeal.body, appeal.closing, appeal.ccLines, appeal.attachmentLines];
  return createHash('sha256').update(JSON.stringify(parts), 'utf8').digest('hex');
}

export function buildLetterModel({ db, fileStore, clock, appeal, baseUrl }: { db: Db; fileStore: FileStore; clock: Clock; appeal: Appeal; baseUrl: string }): LetterModel {
  const entries = listSignatories({ db, appeal });
  const organisations: LetterOrganisation[] = [];
  const signatories: LetterSignatory[] = [];
  for (const { signatory, organisation } of entries) {
    if (signatory.status === 'declined' || signatory.status === 'withdrawn') continue;
    if (signatory.tier === 'first') {
      const logo = organisation.logoFile ? fileStore.read('logos', organisation.logoFile) : undefined;
      organisations.push({
        name: organisation.name,
        shortName: organisation.shortName,
        ...(logo ? { logo: new Uint8Array(logo) } : {}),
        ...(organisation.logoFile && !logo ? { logoMissing: true } : {}),
      });
    }
    // A signature counts when it is recorded (status signed; a changed text asks again and
    // sets needs_reconfirmation). Drawn or uploaded signatures are printed as images.
    const image = signatory.status === 'signed' && signatory.signatureFile && signatory.signatureKind !== 'typed' ? fileStore.read('signatures', signatory.signatureFile) : undefined;
    signatories.push({
      name: signatory.representativeName,
      function: signatory.representativeFunction,
      organisation: organisation.name,
      tier: signatory.tier,
      ...(signatory.status === 'signed' && signatory.signedAt ? { signature: { signedAt: signatory.signedAt, ...(image ? { image: new Uint8Array(image) } : {}) } } : {}),
    });
  }
  return {
    appealId: appeal.id,
    slug: appeal.slug,
    kind: appeal.kind,
    coalitionName: appeal.coalitionName,
    title: appeal.title,
    subtitleLines: lines(appeal.subtitle),
    place: appeal.place,
    letterDate: appeal.letterDate || isoDate(clock()),
    reference: appeal.reference,
    salutationOverride: appeal.salutationOverride,
    body: appeal.body,
    closing: appeal.closing,
    contact: { name: appeal.contactName, function: appeal.contactFunction, email: appeal.contactEmail, phone: appeal.contactPhone },
    ccLines: lines(appeal.ccLines),
    attachmentLines: lines(appeal.attachmentLines),
    listFirstSignatories: appeal.listFirstSignatories,
    draft: appeal.state === 'draft' || appeal.state === 'signing',
    textVersionHash: textVersionHash(appeal),
    organisations,
    signatories,
    baseUrl,
  };
}

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
