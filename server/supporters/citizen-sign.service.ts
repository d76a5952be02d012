// Citizens support a public appeal: the form, the double opt-in, the confirm and withdraw links.
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { inGroupCommit } from '../db/commit-group.ts';
import { hitRateLimit } from '../db/rate-limits.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import type { Clock } from '../shared/clock.ts';
import { RateLimitedError } from '../shared/app-error.ts';
import { clientNetwork } from '../shared/privacy-log.ts';
import { readForm } from '../shared/form.ts';
import type { FormResult } from '../shared/form.ts';
import { hashToken, newToken, sealToken } from '../shared/tokens.ts';
import { checkFormStamp, issueFormStamp } from '../shared/form-timing.ts';
import { emailKeyOf } from './supporters.table.ts';
import { isOpenForSupport } from './public-page.service.ts';
import { notifyOrganisersOfJoinRequest } from './organisation-join.service.ts';
import { supportersRepository } from './supporters.repository.ts';
import type { SupporterWithAppeal } from './supporters.repository.ts';
import type { Supporter } from './supporters.table.ts';

export const CONFIRM_LINK_DAYS = 7;
const DAY = 24 * 60 * 60 * 1000;
export const MAX_COMMENT_LENGTH = 1000;
/** A form stamp older than this is refused as well (a page left open for a day is reloaded). */
const STAMP_MAX_AGE_MS = DAY;
const LIMIT_WINDOW_MS = 10 * 60 * 1000;
const LINK_WINDOW_MS = 60 * 1000;

/** The mails of this file; composed in supporters.mails.ts. */
export type SupporterMailKind = 'supporter-confirm' | 'supporter-already-signed';
export type SupporterMailPayload = { supporterId: number; sealedConfirm?: string; sealedWithdraw: string };

export type CitizenInput = {
  firstName: string;
  lastName: string;
  postcode: string;
  place: string;
  email: string;
  comment: string;
  showName: boolean;
  keepInformed: boolean;
};


// The form carries the time it was shown, signed with the app's secret (shared/form-timing.ts):
// a form sent back within a second or two was filled in by a program.
const STAMP_PURPOSE = 'citizen-sign';
export const formStamp = (secret: string, now: Date) => issueFormStamp({ secret, now, purpose: STAMP_PURPOSE });

export type CitizenForm = FormResult<CitizenInput> & { honeypot: boolean };

/** Reads the signing form; the bot checks (stamp, honeypot) are reported beside the field errors. */
export function readCitizenForm({ body, secret, now, minFillSeconds }: { body: unknown; secret: string; now: Date; minFillSeconds: number }): CitizenForm {
  const form = readForm(body);
  const value: CitizenInput = {
    firstName: form.line('firstName', { required: true, max: 100 }),
    lastName: form.line('lastName', { required: true, max: 100 }),
    postcode: form.line('postcode', { required: true, max: 10 }),
    place: form.line('place', { required: true, max: 100 }),
    email: form.email('email', { required: true }),
    comment: form.text('comment', { max: MAX_COMMENT_LENGTH }),
    showName: form.checkbox('showName'),
    keepInformed: form.checkbox('keepInformed'),
  };
  if (value.postcode !== '' && !/^[0-9A-Za-z -]{3,10}$/.test(value.postcode)) form.fail('postcode', 'citizen.form.postcodeInvalid');
  const honeypot = form.line('website', { max: 10_000 }) !== '';
  const stamp = checkFormStamp({ secret, stamp: form.line('startedAt', { max: 200 }), now, minMs: minFillSeconds * 1000, maxMs: STAMP_MAX_AGE_MS, purpose: STAMP_PURPOSE });
  if (!stamp.ok) form.fail('form', stamp.reason === 'tooFast' ? 'citizen.form.tooFast' : 'citizen.form.stale');
  const result = form.result(value);
  // The stamp and the trap are not shown again as typed values.
  delete result.values.website;
  delete result.values.startedAt;
  return { ...result, honeypot };
}

type SignDeps = { db: Db; clock: Clock; config: Config };

// The limits are counted here, not by the rate-limit plugin, so that the count and the write
// share one commit — a group commit with the other requests of the moment (db/commit-group.ts;
// synchronous=FULL: each commit is an fsync that holds the event loop). Same table and key
// scheme as the plugin; a refused attempt is committed before the 429.
const ipLimitParts = (ip: string) => ['route', 'supporter-sign', clientNetwork(ip)];
const linkLimitParts = (ip: string) => ['route', 'supporter-link', clientNetwork(ip)];

function countAttempt({ db, clock, config }: SignDeps, parts: string[], max: number, windowMs: number): number {
  const state = hitRateLimit({ db, now: clock(), secret: config.sessionSecret }, parts, { max, windowMs });
  return state.limited ? state.retryAfterSeconds : 0;
}

/** Counts a signing attempt that stores nothing (bad form, trap, closed) against the address's limit. */
export async function countSignAttempt(deps: SignDeps & { ip: string }): Promise<void> {
  const limited = await inGroupCommit(deps.db, () => countAttempt(deps, ipLimitParts(deps.ip), deps.config.supportLimits.perIp, LIMIT_WINDOW_MS));
  if (limited > 0) throw new RateLimitedError(limited);
}

export type SignOutcome = { ok: true } | { ok: false; reason: 'closed' };

/**
 * A signature: a new unconfirmed row with a confirm link valid for 7 days, or, for an address
 * that signed this appeal before, no new row: a fresh confirm link (still unconfirmed, expired,
 * withdrawn) or a mail "you have signed already" (confirmed). The answer is the same in every
 * case, so the page does not tell whether an address signed.
 */
export async function signAsCitizen({ db, clock, config, appeal, input, ip }: SignDeps & { appeal: Appeal; input: CitizenInput; ip: string }): Promise<SignOutcome> {
  const now = clock();
  if (!isOpenForSupport(appeal, now)) return { ok: false, reason: 'closed' };
  const domain = input.email.slice(input.email.lastIndexOf('@') + 1);
  const confirmToken = newToken();
  const withdrawToken = newToken();
  const emailKey = emailKeyOf(input.email);
  // One unit of a group commit: the address's and the domain's counts, the row and its mail.
  // The repository runs on the connection's prepared statements.
  const limited = await inGroupCommit(db, (): { seconds: number; key?: 'citizen.rateLimitedDomain' } => {
    const byIp = countAttempt({ db, clock, config }, ipLimitParts(ip), config.supportLimits.perIp, LIMIT_WINDOW_MS);
    if (byIp > 0) return { seconds: byIp };
    const byDomain = countAttempt({ db, clock, config }, ['supporter-domain', domain], config.supportLimits.perDomain, LIMIT_WINDOW_MS);
    if (byDomain > 0) return { seconds: byDomain, key: 'citizen.rateLimitedDomain' };
    const repository = supportersRepository(db);
    const existing = repository.findByEmailKey(appeal.id, 'citizen', emailKey);
    const links = {
      confirmTokenHash: hashToken(confirmToken),
      confirmExpiresAt: new Date(now.getTime() + CONFIRM_LINK_DAYS * DAY),
      withdrawTokenHash: hashToken(withdrawToken),
    };
    const typed = { ...input, commentState: input.comment === '' ? ('none' as const) : ('pending' as const), createdAt: now };
    let supporter: Supporter;
    if (!existing) {
      supporter = repository.insertCitizen({ appealId: appeal.id, emailKey, ...typed, ...links });
    } else if (existing.state === 'unconfirmed' || existing.state === 'withdrawn') {
      repository.restart(existing.id, { ...typed, ...links });
      supporter = existing;
    } else {
      // Confirmed already: nothing changes but a new withdraw link, sent to the address only.
      repository.replaceWithdrawToken(existing.id, links.withdrawTokenHash);
      queueSupporterMail({ db, clock, config, supporter: existing, to: input.email, kind: 'supporter-already-signed', withdrawToken });
      return { seconds: 0 };
    }
    queueSupporterMail({ db, clock, config, supporter, to: input.email, kind: 'supporter-confirm', confirmToken, withdrawToken });
    return { seconds: 0 };
  });
  // Thrown after the commit, so that the refused attempt still counts.
  if (limited.seconds > 0) throw new RateLimitedError(limited.seconds, limited.key);
  return { ok: true };
}

function queueSupporterMail({ db, clock, config, supporter, to, kind, confirmToken, withdrawToken }: SignDeps & { supporter: Supporter; to: string; kind: SupporterMailKind; confirmToken?: string; withdrawToken: string }) {
  const payload: SupporterMailPayload = {
    supporterId: supporter.id,
    ...(confirmToken ? { sealedConfirm: sealToken(confirmToken, config.sessionSecret) } : {}),
    sealedWithdraw: sealToken(withdrawToken, config.sessionSecret),
  };
  enqueueMail({ db, clock, mail: { kind, payload, to, ref: `supporter:${supporter.id}`, appealId: supporter.appealId } });
}

export type LinkResult =
  | { ok: true; found: SupporterWithAppeal; outcome: 'confirmed' | 'awaiting_approval' | 'already' | 'withdrawn' }
  | { ok: false; problem: 'unknown' | 'expired' | 'closed'; appeal?: Appeal };

/** The confirm link `/c/<token>`: a citizen counts from now on, an organisation waits for approval. */
export async function confirmSupporter({ db, clock, config, token, ip }: SignDeps & { token: string; ip: string }): Promise<LinkResult> {
  const now = clock();
  const result = await inGroupCommit(db, (): LinkResult | number => {
    const limited = countAttempt({ db, clock, config }, linkLimitParts(ip), config.supportLimits.linksPerMinute, LINK_WINDOW_MS);
    if (limited > 0) return limited;
    const repository = supportersRepository(db);
    const found = repository.findByConfirmHash(hashToken(token));
    if (!found) return { ok: false, problem: 'unknown' } as const;
    const { supporter, appeal } = found;
    if (supporter.state === 'withdrawn') return { ok: true, found, outcome: 'withdrawn' } as const;
    if (supporter.state !== 'unconfirmed') return { ok: true, found, outcome: 'already' } as const;
    if (supporter.confirmExpiresAt && supporter.confirmExpiresAt.getTime() < now.getTime()) return { ok: false, problem: 'expired', appeal } as const;
    if (!isOpenForSupport(appeal, now)) return { ok: false, problem: 'closed', appeal } as const;
    repository.confirm(supporter.id, supporter.kind, now);
    // An organisation now waits for the organisers' decision: they are told by mail.
    if (supporter.kind === 'organisation') notifyOrganisersOfJoinRequest({ db, clock, supporterId: supporter.id });
    return { ok: true, found, outcome: supporter.kind === 'citizen' ? 'confirmed' : 'awaiting_approval' } as const;
  });
  if (typeof result === 'number') throw new RateLimitedError(result);
  return result;
}

/** The withdraw link `/u/<token>`, shown before anything changes. */
export function checkWithdrawLink({ db, token }: { db: Db; token: string }): SupporterWithAppeal | undefined {
  return supportersRepository(db).findByWithdrawHash(hashToken(token));
}

/** Withdraws a signature, also after sending (the letter keeps its frozen count; the page updates). */
export function withdrawSupporter({ db, clock, token }: { db: Db; clock: Clock; token: string }): SupporterWithAppeal | undefined {
  return db.transaction((tx) => {
    const repository = supportersRepository(tx);
    const found = repository.findByWithdrawHash(hashToken(token));
    if (!found) return undefined;
    repository.withdraw(found.supporter.id, clock());
    return repository.findById(found.supporter.id);
  });
}
