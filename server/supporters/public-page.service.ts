// What the public page of an appeal shows, read in one go; when it is visible; when citizens may sign.
import type { Db } from '../db/client.ts';
import { hasSendingStarted, isPublicPageVisible } from '../appeals/appeal-lifecycle.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { appealAddresseeLists } from '../addressees/addressees.service.ts';
import { isoDate } from '../shared/dates.ts';
import type { SignatoryWithOrganisation } from '../signatories/signatories.repository.ts';
import { supportersRepository } from './supporters.repository.ts';

export const LATEST_NAMES = 10;
export const LATEST_COMMENTS = 5;

type HasPublicSettings = Pick<Appeal, 'publicPage' | 'publicFrom' | 'state'>;

/**
 * Citizens may sign while the page is visible and until the closing date (inclusive, Berlin
 * time) when one is set; without a closing date, until sending starts. Withdrawing stays
 * possible at any time.
 */
export function isOpenForSupport(appeal: HasPublicSettings & Pick<Appeal, 'supportClosesOn'>, now: Date): boolean {
  if (!isPublicPageVisible(appeal)) return false;
  if (appeal.supportClosesOn) return isoDate(now) <= appeal.supportClosesOn;
  return !hasSendingStarted(appeal);
}

/** The appeal behind a public address, or undefined when there is no visible page. */
export function findPublicAppeal({ db, slug }: { db: Db; slug: string }): Appeal | undefined {
  const appeal = supportersRepository(db).findAppealBySlug(slug);
  return appeal && isPublicPageVisible(appeal) ? appeal : undefined;
}

/** Counts and confirmed organisations: what the open data and the badge say. */
export function loadSupportFigures({ db, appeal }: { db: Db; appeal: Appeal }) {
  const repository = supportersRepository(db);
  return { counts: repository.counts(appeal.id), organisations: repository.confirmedOrganisations(appeal.id) };
}

export type PublicPageData = ReturnType<typeof loadPublicPage>;

/**
 * The current text version and the first signatories whose signature counts for it: decided
 * by signing/ (versions.ts), handed in by the composition root, since signing/ itself uses
 * supporters/ (the letter's supporters are frozen when it finalises).
 */
export type SignedText = { version: { number: number; createdAt: Date } | undefined; firstSignatories: SignatoryWithOrganisation[] };
export type SignedTextLookup = (appeal: Appeal) => SignedText;

/** Everything the public page shows (a handful of indexed reads; the count is the trigger-kept row). */
export function loadPublicPage({ db, appeal, sentAt, signedText }: { db: Db; appeal: Appeal; sentAt: Date | null; signedText: SignedText }) {
  const repository = supportersRepository(db);
  const { version, firstSignatories } = signedText;
  return {
    appeal,
    version: version ? { number: version.number, createdAt: version.createdAt } : undefined,
    firstSignatories,
    ...loadSupportFigures({ db, appeal }),
    latestNames: repository.latestNamedCitizens(appeal.id, LATEST_NAMES),
    comments: repository.approvedComments(appeal.id, LATEST_COMMENTS),
    addresseeLists: appealAddresseeLists({ db, appeal }).map((entry) => entry.list.name),
    sentAt,
  };
}
