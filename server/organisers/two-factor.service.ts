// Two-factor sign-in with TOTP (RFC 6238, an authenticator app) and single-use recovery codes.
// The secret is stored sealed with the app's secret; recovery codes only as SHA-256; the last
// accepted time step is stored, so a code is never accepted twice.
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Db } from '../db/client.ts';
import { hitRateLimit, peekRateLimit } from '../db/rate-limits.ts';
import type { Clock } from '../shared/clock.ts';
import { hashToken, newToken, openSealedToken, sealToken } from '../shared/tokens.ts';
import { organisersRepository } from './organisers.repository.ts';
import type { Organiser } from './organisers.table.ts';

const PERIOD_SECONDS = 30;
/** One step either side: a phone clock half a minute off still works; older codes do not. */
const WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
/** Wrong codes allowed per account and quarter hour (a 6-digit code has a million values). */
export const SECOND_FACTOR_LIMIT = { max: 10, windowMs: 15 * 60 * 1000 };
const CHALLENGE_MS = 10 * 60 * 1000;

const totpOf = (base32: string, label: string) =>
  new TOTP({ issuer: 'Mitzeichnen', label, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(base32) });

/** Where an account without a second factor is sent while REQUIRE_2FA is set. */
export const SECOND_FACTOR_SETUP_PATH = '/account/two-factor';

/** The pages such an account may still reach: setting it up, logging out, the static files. */
export function mayUseWithoutSecondFactor(url: string): boolean {
  const path = url.split('?')[0]!;
  return path === SECOND_FACTOR_SETUP_PATH || path.startsWith(`${SECOND_FACTOR_SETUP_PATH}/`) || path === '/logout' || path.startsWith('/static/') || path === '/healthz';
}

export const hasSecondFactor = (organiser: Pick<Organiser, 'totpSecret'>) => organiser.totpSecret !== null;

/** What people type: "123 456", "123-456" and "ABCDE-FGHIJ" alike (spaces and dashes are dropped). */
export const normaliseCode = (raw: string) => raw.replace(/[\s\-\u00a0]/g, '').toLowerCase();

const isTotpCode = (code: string) => /^\d{6}$/.test(code);

export type TotpSetup = { secret: string; uri: string; qrSvg: string };

/** A new secret, kept as pending until a code from the app confirms it; the page shows it once. */
export async function beginTotpSetup({ db, secret, organiser }: { db: Db; secret: string; organiser: Organiser }): Promise<TotpSetup> {
  const base32 = new Secret({ size: 20 }).base32;
  organisersRepository(db).setPendingTotp(organiser.id, sealToken(base32, secret));
  return presentSetup(base32, organiser.email);
}

/** The pending setup again (a wrong code was typed), or null when none was begun. */
export async function pendingTotpSetup({ secret, organiser }: { secret: string; organiser: Organiser }): Promise<TotpSetup | null> {
  return organiser.totpPendingSecret ? presentSetup(openSealedToken(organiser.totpPendingSecret, secret), organiser.email) : null;
}

async function presentSetup(base32: string, email: string): Promise<TotpSetup> {
  const uri = totpOf(base32, email).toString();
  // Inline SVG: the page needs no script and no data: image.
  // Loaded when someone sets up the second factor, not with every server start.
  const { default: QRCode } = await import('qrcode');
  const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 2, width: 220, errorCorrectionLevel: 'M' });
  return { secret: base32.replace(/(.{4})/g, '$1 ').trim(), uri, qrSvg };
}

/** The time step a code belongs to, or null when it matches no step in the window. */
function matchingStep(base32: string, code: string, now: Date): number | null {
  if (!isTotpCode(code)) return null;
  const delta = totpOf(base32, '').validate({ token: code, timestamp: now.getTime(), window: WINDOW });
  if (delta === null) return null;
  return Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
}

export type ConfirmSetupResult = { ok: true; recoveryCodes: string[] } | { ok: false; reason: 'no_setup' | 'wrong_code' };

/** Switches the second factor on when the code from the app matches the pending secret. */
export function confirmTotpSetup({ db, clock, secret, organiser, code }: { db: Db; clock: Clock; secret: string; organiser: Organiser; code: string }): ConfirmSetupResult {
  if (!organiser.totpPendingSecret) return { ok: false, reason: 'no_setup' };
  const base32 = openSealedToken(organiser.totpPendingSecret, secret);
  const step = matchingStep(base32, normaliseCode(code), clock());
  if (step === null) return { ok: false, reason: 'wrong_code' };
  const pending = organiser.totpPendingSecret;
  return db.transaction((tx) => {
    organisersRepository(tx).setTotp(organiser.id, pending, step);
    return { ok: true as const, recoveryCodes: replaceRecoveryCodes(tx, organiser.id) };
  });
}

/**
 * Ten fresh codes (the old ones stop working); shown once, stored only as SHA-256. 64 random
 * bits each, so that a copy of the database does not give them away to a brute-force search.
 */
function replaceRecoveryCodes(db: Db, organiserId: number): string[] {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomBytes(8).toString('hex').replace(/(.{4})(?!$)/g, '$1-'));
  organisersRepository(db).replaceRecoveryCodes(organiserId, codes.map((code) => hashToken(normaliseCode(code))));
  return codes;
}

export function newRecoveryCodes({ db, organiser }: { db: Db; organiser: Organiser }): string[] {
  return db.transaction((tx) => replaceRecoveryCodes(tx, organiser.id));
}

/** Switches the second factor off (the account page after the password, or the operator). */
export function disableSecondFactor({ db, organiserId }: { db: Db; organiserId: number }): void {
  db.transaction((tx) => {
    const repository = organisersRepository(tx);
    repository.setTotp(organiserId, null, 0);
    repository.replaceRecoveryCodes(organiserId, []);
  });
}

export function unusedRecoveryCodes({ db, organiser }: { db: Db; organiser: Organiser }): number {
  return organisersRepository(db).countUnusedRecoveryCodes(organiser.id);
}

export type SecondFactorCheck =
  | { status: 'ok'; used: 'totp' | 'recovery' }
  | { status: 'wrong' }
  | { status: 'locked'; retryAfterSeconds: number };

/**
 * Checks a code of the second step: a TOTP code of the current window (each time step once),
 * or an unused recovery code. Wrong codes count against the account.
 */
export function checkSecondFactor({ db, clock, secret, organiser, code }: { db: Db; clock: Clock; secret: string; organiser: Organiser; code: string }): SecondFactorCheck {
  const limitKey = ['second-factor', String(organiser.id)];
  const locked = peekRateLimit({ db, now: clock(), secret }, limitKey, SECOND_FACTOR_LIMIT);
  if (locked.limited) return { status: 'locked', retryAfterSeconds: locked.retryAfterSeconds };
  const repository = organisersRepository(db);
  const normalised = normaliseCode(code);
  if (organiser.totpSecret && isTotpCode(normalised)) {
    const step = matchingStep(openSealedToken(organiser.totpSecret, secret), normalised, clock());
    if (step !== null && repository.claimTotpStep(organiser.id, step)) return { status: 'ok', used: 'totp' };
  } else if (normalised.length === 16 && repository.useRecoveryCode(organiser.id, hashToken(normalised), clock())) {
    return { status: 'ok', used: 'recovery' };
  }
  hitRateLimit({ db, now: clock(), secret }, limitKey, SECOND_FACTOR_LIMIT);
  return { status: 'wrong' };
}

/** After the right password of an account with a second factor: the token of the pending login. */
export function startLoginChallenge({ db, clock, organiserId, next }: { db: Db; clock: Clock; organiserId: number; next: string }): string {
  const token = newToken();
  const repository = organisersRepository(db);
  repository.deleteExpiredLoginChallenges(clock());
  repository.insertLoginChallenge({ tokenHash: hashToken(token), organiserId, next, expiresAt: new Date(clock().getTime() + CHALLENGE_MS) });
  return token;
}

export function findLoginChallenge({ db, clock, token }: { db: Db; clock: Clock; token: string }): { organiser: Organiser; next: string } | undefined {
  const repository = organisersRepository(db);
  const challenge = repository.findLoginChallenge(hashToken(token), clock());
  if (!challenge) return undefined;
  const organiser = repository.findById(challenge.organiserId);
  if (!organiser || organiser.disabledAt) return undefined;
  return { organiser, next: challenge.next };
}

export function endLoginChallenge({ db, token }: { db: Db; token: string }): void {
  organisersRepository(db).deleteLoginChallenge(hashToken(token));
}
