// What the public page of an appeal shows, read in one go; when it is visible; when citizens may sign.
import type { Db } from '../db/client.ts';
import { hasSendingStarted, isLetterFinal } from '../appeals/appeal-lifecycle.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { appealAddresseeLists } from '../addressees/addressees.service.ts';
import { isoDate } from '../shared/dates.ts';
import { signatoriesRepository } from '../signatories/signatories.repository.ts';
import { currentVersionOf, signatureCountsFor } from '../signing/versions.ts';
import { supportersRepository } from './supporters.repository.ts';

export const LATEST_NAMES = 10;
export const LATEST_COMMENTS = 5;

type HasPublicSettings = Pick<Appeal, 'publicPage' | 'publicFrom' | 'state'>;

/**
 * The organiser switched the page on, and the appeal has come far enough: from signing on, or
 * (publicFrom 'final') once the letter is final. Otherwise the page does not exist (404).
 */
export function isPublicPageVisible(appeal: HasPublicSettings): boolean {
  if (!appeal.publicPage) return false;
  return appeal.publicFrom === 'final' ? isLetterFinal(appeal) : appeal.state !== 'draft';
}

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

/** Everything the public page shows (a handful of indexed reads; the count is the trigger-kept row). */
export function loadPublicPage({ db, appeal, sentAt }: { db: Db; appeal: Appeal; sentAt: Date | null }) {
  const repository = supportersRepository(db);
  const version = currentVersionOf({ db, appeal });
  const firstSignatories = signatoriesRepository(db)
    .list(appeal.id, 'first')
    .filter(({ signatory }) => signatureCountsFor(signatory, version));
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
