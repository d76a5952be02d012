import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import { readForm } from '../shared/form.ts';
import type { FormResult } from '../shared/form.ts';
import { hashToken, newToken } from '../shared/tokens.ts';
import { clientNetwork } from '../shared/privacy-log.ts';
import { hitRateLimit, peekRateLimit } from '../db/rate-limits.ts';
import { organisersRepository } from './organisers.repository.ts';
import { notifyModes } from './organisers.table.ts';
import type { NotifyMode, Organiser } from './organisers.table.ts';
import { MAX_PASSWORD_LENGTH, hashPassword, timingDummyHash, verifyPassword } from './passwords.ts';
import { passwordProblem } from './password-policy.ts';

const SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
// Writing last_seen on every request would turn each page view into a write.
const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export type OrganiserInput = { email: string; name: string; password: string };

export function hasOrganisers({ db }: { db: Db }): boolean {
  return organisersRepository(db).count() > 0;
}

/** Validates the account form (setup page; the CLI passes `confirm: false`). */
export function readOrganiserForm(body: unknown, { confirm = true }: { confirm?: boolean } = {}): FormResult<OrganiserInput> {
  const form = readForm(body);
  const name = form.line('name', { required: true, max: 120 });
  const email = form.email('email', { required: true });
  const password = form.text('password', { required: true, max: MAX_PASSWORD_LENGTH });
  const problem = password === '' ? null : passwordProblem(password, [email, name]);
  if (problem) form.fail('password', problem);
  if (confirm && form.text('passwordRepeat') !== password) form.fail('passwordRepeat', 'organiser.passwordMismatch');
  const result = form.result({ email, name, password });
  // Never send a password back into the form.
  if (!result.ok) result.values.password = result.values.passwordRepeat = '';
  return result;
}

export type CreateOrganiserResult = { ok: true; organiser: Organiser } | { ok: false; reason: 'email_taken' };

export async function createOrganiser({
  db,
  clock,
  input,
  isAdmin = false,
}: {
  db: Db;
  clock: Clock;
  input: OrganiserInput;
  /** The operator (the first account on /setup, or `create-organiser --admin`). */
  isAdmin?: boolean;
}): Promise<CreateOrganiserResult> {
  const repository = organisersRepository(db);
  if (repository.findByEmail(input.email)) return { ok: false, reason: 'email_taken' };
  const passwordHash = await hashPassword(input.password);
  // Checked again after the slow hash: a second request may have won the race.
  if (repository.findByEmail(input.email)) return { ok: false, reason: 'email_taken' };
  const organiser = repository.insert({
    email: input.email.toLowerCase(),
    name: input.name,
    passwordHash,
    createdAt: clock(),
    isAdmin,
  });
  return { ok: true, organiser };
}

/** Returns the organiser when e-mail and password match; takes the same time when the e-mail is unknown. */
export async function authenticate({ db, email, password }: { db: Db; email: string; password: string }) {
  const organiser = organisersRepository(db).findByEmail(email.trim());
  if (!organiser) {
    await verifyPassword(await timingDummyHash(), password);
    return undefined;
  }
  return (await verifyPassword(organiser.passwordHash, password)) ? organiser : undefined;
}

/** Starts a session and returns the token for the cookie (stored only as its hash). */
export function startSession({ db, clock, organiserId }: { db: Db; clock: Clock; organiserId: number }): string {
  const now = clock();
  const token = newToken();
  const repository = organisersRepository(db);
  repository.deleteExpiredSessions(now);
  repository.insertSession({
    tokenHash: hashToken(token),
    organiserId,
    now,
    expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
  });
  return token;
}

/** The organiser of a valid session; ends sessions that are expired or idle too long. */
export function resolveSession({ db, clock, token }: { db: Db; clock: Clock; token: string }): Organiser | undefined {
  const repository = organisersRepository(db);
  const tokenHash = hashToken(token);
  const found = repository.findSessionWithOrganiser(tokenHash);
  if (!found) return undefined;
  const now = clock().getTime();
  // A disabled account's open sessions end at their next request.
  if (found.organiser.disabledAt || found.session.expiresAt.getTime() <= now || found.session.lastSeenAt.getTime() + SESSION_IDLE_MS <= now) {
    repository.deleteSession(tokenHash);
    return undefined;
  }
  if (now - found.session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) repository.touchSession(tokenHash, clock());
  return found.organiser;
}

export function endSession({ db, token }: { db: Db; token: string }): void {
  organisersRepository(db).deleteSession(hashToken(token));
}

export function findOrganiserByEmail({ db, email }: { db: Db; email: string }): Organiser | undefined {
  return organisersRepository(db).findByEmail(email);
}

export function findOrganiserById({ db, id }: { db: Db; id: number }): Organiser | undefined {
  return organisersRepository(db).findById(id);
}

export function readNameForm(body: unknown): FormResult<{ name: string }> {
  const form = readForm(body);
  const name = form.line('name', { required: true, max: 120 });
  return form.result({ name });
}

export function changeName({ db, organiser, name }: { db: Db; organiser: Organiser; name: string }): void {
  organisersRepository(db).updateName(organiser.id, name);
}

/** Immediate news of answers or one digest a day; anything else keeps the current choice. */
export function changeNotifyMode({ db, clock, organiser, mode }: { db: Db; clock: Clock; organiser: Organiser; mode: unknown }): void {
  if (!(notifyModes as readonly unknown[]).includes(mode) || mode === organiser.notifyMode) return;
  organisersRepository(db).setNotifyMode(organiser.id, mode as NotifyMode, clock());
}

/** The account's sessions for the account page; `key` names one without revealing its hash. */
export function listSessions({ db, organiser, currentToken }: { db: Db; organiser: Organiser; currentToken: string }) {
  const current = hashToken(currentToken);
  return organisersRepository(db)
    .listSessions(organiser.id)
    .map((session) => ({ key: session.tokenHash.slice(0, 16), createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, current: session.tokenHash === current }));
}

/** "Abmelden" for one of the organiser's other sessions (false: not theirs, or already ended). */
export function endOwnSession({ db, organiser, key }: { db: Db; organiser: Organiser; key: string }): boolean {
  return /^[0-9a-f]{16}$/.test(key) && organisersRepository(db).deleteSessionByKey(organiser.id, key);
}

export function endOtherSessions({ db, organiser, currentToken }: { db: Db; organiser: Organiser; currentToken: string }): void {
  organisersRepository(db).deleteOtherSessions(organiser.id, hashToken(currentToken));
}

/** Every account, for the operator's page. */
export function listOrganisers({ db }: { db: Db }): Organiser[] {
  return organisersRepository(db).listAll();
}

/** The operator disables (every session ends at once) or re-enables an account; never their own. */
export function setOrganiserDisabled({ db, clock, organiserId, actorId, disabled }: { db: Db; clock: Clock; organiserId: number; actorId: number; disabled: boolean }): Organiser | undefined {
  const repository = organisersRepository(db);
  const organiser = repository.findById(organiserId);
  if (!organiser || organiserId === actorId) return undefined;
  db.transaction((tx) => {
    organisersRepository(tx).setDisabled(organiserId, disabled ? clock() : null);
    if (disabled) organisersRepository(tx).deleteAllSessions(organiserId);
  });
  return organiser;
}

export type ChangePasswordInput = { current: string; password: string };

export function readChangePasswordForm(body: unknown, organiser?: { email: string; name: string }): FormResult<ChangePasswordInput> {
  const form = readForm(body);
  const current = form.text('current', { required: true, max: MAX_PASSWORD_LENGTH });
  const password = form.text('password', { required: true, max: MAX_PASSWORD_LENGTH });
  const repeat = form.text('passwordRepeat', { max: MAX_PASSWORD_LENGTH });
  const problem = password === '' ? null : passwordProblem(password, organiser ? [organiser.email, organiser.name] : []);
  if (problem) form.fail('password', problem);
  if (repeat !== password) form.fail('passwordRepeat', 'organiser.passwordMismatch');
  const result = form.result({ current, password });
  if (!result.ok) result.values.current = result.values.password = result.values.passwordRepeat = '';
  return result;
}

/** Changes the password and ends every other session of the organiser. */
export async function changePassword({
  db,
  organiser,
  sessionToken,
  input,
}: {
  db: Db;
  organiser: Organiser;
  sessionToken: string;
  input: ChangePasswordInput;
}): Promise<{ ok: true } | { ok: false; reason: 'wrong_password' }> {
  if (!(await verifyPassword(organiser.passwordHash, input.current))) return { ok: false, reason: 'wrong_password' };
  const repository = organisersRepository(db);
  repository.updatePassword(organiser.id, await hashPassword(input.password));
  repository.deleteOtherSessions(organiser.id, hashToken(sessionToken));
  return { ok: true };
}

/** Operator reset (CLI): a new password and no session left open. */
export async function resetPassword({ db, email, password }: { db: Db; email: string; password: string }): Promise<boolean> {
  const repository = organisersRepository(db);
  const organiser = repository.findByEmail(email);
  if (!organiser) return false;
  repository.updatePassword(organiser.id, await hashPassword(password));
  repository.deleteAllSessions(organiser.id);
  return true;
}

/** Failed logins allowed per quarter hour: per account (whatever the address) and per client network. */
export const LOGIN_LIMITS = {
  perAccount: { max: 10, windowMs: 15 * 60 * 1000 },
  perNetwork: { max: 30, windowMs: 15 * 60 * 1000 },
};

export type LoginAttempt =
  | { status: 'ok'; organiser: Organiser }
  | { status: 'failed'; lockedNow: boolean }
  | { status: 'disabled' }
  | { status: 'locked'; retryAfterSeconds: number };

/**
 * A login through the form: refused outright while the account or the client network has had
 * too many failures (counted in the database, so a restart does not reset them); only
 * failures count, a successful login costs nothing.
 */
export async function attemptLogin({
  db,
  clock,
  secret,
  email,
  password,
  ip,
}: {
  db: Db;
  clock: Clock;
  secret: string;
  email: string;
  password: string;
  ip: string;
}): Promise<LoginAttempt> {
  const deps = { db, now: clock(), secret };
  const keys = [
    ...(email ? [{ parts: ['login-account', email.trim().toLowerCase()], limit: LOGIN_LIMITS.perAccount }] : []),
    { parts: ['login-network', clientNetwork(ip)], limit: LOGIN_LIMITS.perNetwork },
  ];
  const locked = keys.map(({ parts, limit }) => peekRateLimit(deps, parts, limit)).filter((state) => state.limited);
  if (locked.length > 0) return { status: 'locked', retryAfterSeconds: Math.max(...locked.map((state) => state.retryAfterSeconds)) };
  const organiser = email && password ? await authenticate({ db, email, password }) : undefined;
  if (organiser) return organiser.disabledAt ? { status: 'disabled' } : { status: 'ok', organiser };
  const after = keys.map(({ parts, limit }) => hitRateLimit({ ...deps, now: clock() }, parts, limit));
  // The failure that reaches a limit locks: the next attempt is refused (logged as a lockout).
  return { status: 'failed', lockedNow: after.some((state, index) => state.count === keys[index]!.limit.max) };
}
