// The plain letter model of an appeal, resolved from the database and the file store: the
// text parsed into its tree, the organisations with their logo bytes, the signatories whose
// signature counts with their images. The PDF engine renders it without touching either.
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { isDraftLetter } from '../appeals/appeal-lifecycle.ts';
import { parseLetterText } from '../appeals/letter-text.ts';
import type { FileStore } from '../shared/file-store.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDate } from '../shared/dates.ts';
import { currentVersionOf, signatureCountsFor, textHash } from '../signing/versions.ts';
import type { AppealVersion } from '../signing/signing.table.ts';
import { listSignatories } from '../signatories/signatories.service.ts';
import { letterSupporters } from '../supporters/supporter-snapshot.service.ts';
import { buildRecipients, sameLetterRecipients } from './recipients.ts';
import type { LetterModel, LetterOrganisation, LetterSignatory } from '../letter-pdf/letter-model.ts';

export type ResolvedLetter = {
  model: LetterModel;
  /** Hash of the text the letter shows: the frozen version's, or the draft text's own. */
  textVersionHash: string;
  /** Identity of everything the shared part is rendered from (see inputFingerprint). */
  fingerprint: string;
};

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

const sha = (value: string | Uint8Array) => createHash('sha256').update(value).digest('hex');

type Parties = { organisations: LetterOrganisation[]; signatories: LetterSignatory[] };

/** The member organisations (letterhead) and the signatories a letter of this state prints. */
function resolveParties({ db, fileStore, appeal, draft, currentVersion }: { db: Db; fileStore: FileStore; appeal: Appeal; draft: boolean; currentVersion: AppealVersion | undefined }): Parties {
  const parties: Parties = { organisations: [], signatories: [] };
  for (const { signatory, organisation } of listSignatories({ db, appeal })) {
    // The letter's signatories are the first signatories; supporters come from supporters/.
    if (signatory.tier !== 'first' || signatory.status === 'withdrawn') continue;
    if (signatory.status === 'declined') {
      // A draft shows who declined ("abgelehnt"), so that no organisation disappears silently; not in the letterhead.
      if (draft) parties.signatories.push({ name: signatory.representativeName, function: signatory.representativeFunction, organisation: organisation.name, declined: true });
      continue;
    }
    const signed = signatureCountsFor(signatory, currentVersion);
    // The final letter shows only those who signed it.
    if (!draft && !signed) continue;
    // Once signed, the logo appears only with the representative's consent.
    const logoAllowed = !signed || signatory.consentLogo;
    const logo = organisation.logoFile && logoAllowed ? fileStore.read('logos', organisation.logoFile) : undefined;
    parties.organisations.push({
      name: organisation.name,
      shortName: organisation.shortName,
      ...(logo ? { logo: new Uint8Array(logo) } : {}),
      ...(organisation.logoFile && logoAllowed && !logo ? { logoMissing: true } : {}),
    });
    const image = signed && signatory.signatureFile ? fileStore.read('signatures', signatory.signatureFile) : undefined;
    parties.signatories.push({
      name: signatory.representativeName,
      function: signatory.representativeFunction,
      organisation: organisation.name,
      ...(signed && signatory.signedAt ? { signature: { signedAt: signatory.signedAt, ...(image ? { image: new Uint8Array(image) } : {}) } } : {}),
    });
  }
  return parties;
}

/** The supporters the letter names (chosen on the appeal): live in a draft, frozen once final. */
function resolveSupporters({ db, appeal }: { db: Db; appeal: Appeal }): Pick<LetterModel, 'supporters'> {
  if (!appeal.letterNamesSupporters && !appeal.letterCountsCitizens) return {};
  const { organisations, citizens } = letterSupporters({ db, appeal });
  return { supporters: { organisations: appeal.letterNamesSupporters ? organisations : [], citizens: appeal.letterCountsCitizens ? citizens : null } };
}

/**
 * Stored documents are found again by this hash, so its JSON keeps the shape they were first
 * keyed with: the appeal's fields in this order, the text as written, images by their hashes.
 */
function inputFingerprint(appeal: Appeal, model: LetterModel, textVersionHash: string): string {
  const { slug, coalitionName, title, subtitleLines, letterDate, reference, closing, contact, ccLines, attachmentLines, listFirstSignatories, draft, organisations, baseUrl, supporters, senderAddress, sameLetterTo } = model;
  // Signatories carried a tier ('first') when documents were first keyed; kept in the same place.
  const signatories = model.signatories.map(({ signature, ...rest }) => ({ ...rest, tier: 'first', ...(signature ? { signature } : {}) }));
  // `supporters` is left out of the JSON when the letter names none, so such letters keep their keys.
  const input = { appealId: appeal.id, slug, kind: appeal.kind, coalitionName, title, subtitleLines, place: appeal.place, letterDate, reference, salutationOverride: appeal.salutationOverride, body: appeal.body, closing, contact, ccLines, attachmentLines, listFirstSignatories, draft, textVersionHash, organisations, signatories, baseUrl, supporters, senderAddress, sameLetterTo };
  return sha(JSON.stringify(input, (_key, value: unknown) => (value instanceof Uint8Array ? `sha256:${sha(value)}` : value)));
}

/** `recipients`: the appeal's recipients when the caller has built them already (10,000 addressees take a while). */
export function resolveLetter({ db, fileStore, clock, appeal, baseUrl, recipients }: { db: Db; fileStore: FileStore; clock: Clock; appeal: Appeal; baseUrl: string; recipients?: ReturnType<typeof buildRecipients> }): ResolvedLetter {
  const draft = isDraftLetter(appeal);
  // A signature counts only for the text version it was given for.
  const currentVersion = currentVersionOf({ db, appeal });
  const { organisations, signatories } = resolveParties({ db, fileStore, appeal, draft, currentVersion });
  const textVersionHash = currentVersion?.hash ?? textHash(appeal);
  const model: LetterModel = {
    slug: appeal.slug,
    coalitionName: appeal.coalitionName,
    senderAddress: lines(appeal.senderAddress),
    place: appeal.place.trim(),
    title: appeal.title,
    subtitleLines: lines(appeal.subtitle),
    letterDate: appeal.letterDate || isoDate(clock()),
    reference: appeal.reference,
    text: parseLetterText(appeal.body),
    closing: appeal.closing,
    contact: { name: appeal.contactName, function: appeal.contactFunction, email: appeal.contactEmail, phone: appeal.contactPhone },
    sameLetterTo: appeal.letterNamesRecipients ? sameLetterRecipients(recipients ?? buildRecipients({ db, appeal })) : [],
    ccLines: lines(appeal.ccLines),
    attachmentLines: lines(appeal.attachmentLines),
    listFirstSignatories: appeal.listFirstSignatories,
    draft,
    organisations,
    signatories,
    baseUrl,
    ...resolveSupporters({ db, appeal }),
  };
  return { model, textVersionHash, fingerprint: inputFingerprint(appeal, model, textVersionHash) };
}
