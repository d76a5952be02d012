// News for the appeal's owners when an organisation signs, declines or withdraws: a mail right
// away, or (as each owner chose on the account page) one digest a day listing the events.
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { auditRepository } from '../audit/audit.repository.ts';
import type { Db } from '../db/client.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import { organisersRepository } from '../organisers/organisers.repository.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDate } from '../shared/dates.ts';

export const newsActions = ['signed', 'declined', 'withdrawn'] as const;
export type NewsAction = (typeof newsActions)[number];

export const SIGNING_NEWS_KIND = 'signing-news';
export const SIGNING_DIGEST_KIND = 'signing-digest';

export type SigningNewsPayload = { signatoryId: number; action: NewsAction };
export type SigningDigestPayload = { organiserId: number; from: number; to: number };

/** The digest goes out with the first check from this hour (Berlin time) on. */
export const DIGEST_HOUR = 7;

/** Queues the news of one answer to every owner who wants it right away (inside the answer's transaction). */
export function notifyOwnersOfAnswer({ db, clock, appealId, signatoryId, action }: { db: Db; clock: Clock; appealId: number; signatoryId: number; action: NewsAction }): number {
  const owners = appealsRepository(db).listOwners(appealId).filter((owner) => owner.notifyMode === 'immediate');
  for (const owner of owners) {
    const payload: SigningNewsPayload = { signatoryId, action };
    enqueueMail({ db, clock, mail: { kind: SIGNING_NEWS_KIND, payload, to: owner.email, toName: owner.name, organiserId: owner.id } });
  }
  return owners.length;
}

const berlinHour = (date: Date) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hourCycle: 'h23' }).format(date));

/**
 * The daily digests: for each organiser who chose it, once per (Berlin) day from DIGEST_HOUR
 * on, one mail listing what happened on the appeals they own since the last one — nothing when
 * nothing happened. The window is claimed in the database, so a second run sends nothing twice.
 */
export function sendDailyDigests({ db, clock }: { db: Db; clock: Clock }): number {
  const now = clock();
  if (berlinHour(now) < DIGEST_HOUR) return 0;
  let queued = 0;
  for (const organiser of organisersRepository(db).listDigestReaders()) {
    const previous = organiser.digestSentAt;
    if (previous && isoDate(previous) === isoDate(now)) continue;
    const from = previous ?? new Date(now.getTime() - 24 * 60 * 60 * 1000);
    queued += db.transaction((tx) => {
      if (!organisersRepository(tx).claimDigest(organiser.id, previous, now)) return 0;
      const owned = appealsRepository(tx).listForOrganiser(organiser.id).filter((entry) => entry.role === 'owner').map((entry) => entry.appeal.id);
      if (auditRepository(tx).listActions(owned, [...newsActions], from, now).length === 0) return 0;
      const payload: SigningDigestPayload = { organiserId: organiser.id, from: from.getTime(), to: now.getTime() };
      enqueueMail({ db: tx, clock, mail: { kind: SIGNING_DIGEST_KIND, payload, to: organiser.email, toName: organiser.name, organiserId: organiser.id } });
      return 1;
    });
  }
  return queued;
}
