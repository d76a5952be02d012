import { createHash } from 'node:crypto';
import { diffWords } from 'diff';
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { letterPlainText, parseLetterText } from '../appeals/letter-text.ts';
import { signingRepository } from './signing.repository.ts';
import type { AppealVersion } from './signing.table.ts';
import type { Signatory } from '../signatories/signatories.table.ts';
import { signatoriesRepository } from '../signatories/signatories.repository.ts';
import type { SignatoryWithOrganisation } from '../signatories/signatories.repository.ts';

/** The parts of an appeal a signatory agrees to: everything printed as the letter's text. */
type SignedText = Pick<Appeal, 'kind' | 'title' | 'subtitle' | 'salutationOverride' | 'body' | 'closing' | 'ccLines' | 'attachmentLines'>;

const normalise = (value: string) =>
  value
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n')
    .trim();

/** Canonical form: fixed key order, NFC, LF line ends, no trailing spaces. */
export function canonicalText(appeal: SignedText): string {
  return JSON.stringify({
    kind: appeal.kind,
    title: normalise(appeal.title),
    subtitle: normalise(appeal.subtitle),
    salutationOverride: normalise(appeal.salutationOverride),
    body: normalise(appeal.body),
    closing: normalise(appeal.closing),
    ccLines: normalise(appeal.ccLines),
    attachmentLines: normalise(appeal.attachmentLines),
  });
}

export function textHash(appeal: SignedText): string {
  return createHash('sha256').update(canonicalText(appeal), 'utf8').digest('hex');
}

/** The text as a reader sees it (the body without Markdown marks), for the word-level diff. */
export function readableText(canonical: string): string {
  const text = JSON.parse(canonical) as SignedText;
  return [text.title, text.subtitle, text.salutationOverride, letterPlainText(parseLetterText(text.body)), text.closing].filter((part) => part !== '').join('\n\n');
}

/** Word-level changes between the text a signatory confirmed and the current one. */
export function textChanges(before: Pick<AppealVersion, 'canonical'>, after: Pick<AppealVersion, 'canonical'>): TextChange[] {
  return diffWords(readableText(before.canonical), readableText(after.canonical)).map((part) => ({
    text: part.value,
    change: part.added ? 'added' : part.removed ? 'removed' : 'same',
  }));
}

export type TextChange = { text: string; change: 'added' | 'removed' | 'same' };

/**
 * Freezes the appeal's current text as a new version unless the latest version already has
 * exactly this text. Returns the current version and whether it is new.
 */
export function freezeVersion({ db, appeal, now }: { db: Db; appeal: Appeal; now: Date }): { version: AppealVersion; created: boolean } {
  const repository = signingRepository(db);
  const latest = repository.latestVersion(appeal.id);
  const hash = textHash(appeal);
  if (latest && latest.hash === hash) return { version: latest, created: false };
  const version = repository.insertVersion({ appealId: appeal.id, number: (latest?.number ?? 0) + 1, hash, canonical: canonicalText(appeal), createdAt: now });
  return { version, created: true };
}

/** The latest frozen version of an appeal; none while it is a draft that was never opened. */
export function currentVersionOf({ db, appeal }: { db: Db; appeal: Pick<Appeal, 'id'> }): AppealVersion | undefined {
  return signingRepository(db).latestVersion(appeal.id);
}

/** The hash a document records: the frozen version's, or the draft text's own. */
export function currentTextHash({ db, appeal }: { db: Db; appeal: Appeal }): string {
  return currentVersionOf({ db, appeal })?.hash ?? textHash(appeal);
}

/**
 * The one rule for "this signature counts": the signatory signed, and signed exactly this text
 * version. A signature on an older version needs re-confirmation and is not printed or sent.
 */
export function signatureCountsFor(signatory: Pick<Signatory, 'status' | 'signedVersionId'>, version: Pick<AppealVersion, 'id'> | undefined): boolean {
  return version !== undefined && signatory.status === 'signed' && signatory.signedVersionId === version.id;
}

/** The current text version and the first signatories whose signature counts for it (the public page). */
export function currentSignedText({ db, appeal }: { db: Db; appeal: Pick<Appeal, 'id'> }): { version: AppealVersion | undefined; firstSignatories: SignatoryWithOrganisation[] } {
  const version = currentVersionOf({ db, appeal });
  const firstSignatories = signatoriesRepository(db)
    .list(appeal.id, 'first')
    .filter(({ signatory }) => signatureCountsFor(signatory, version));
  return { version, firstSignatories };
}
