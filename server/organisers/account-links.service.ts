// Links mailed to an organiser: a password reset (valid one hour) and the confirmation of a new
// e-mail address (sent to that address, valid one day). 32 random bytes, only the hash stored,
// sealed in the queued mail; a newer link replaces the older one.
import type { Db } from '../db/client.ts';
import type { MessageKey } from '../i18n/index.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import type { Clock } from '../shared/clock.ts';
import { readForm } from '../shared/form.ts';
import type { FormResult } from '../shared/form.ts';
import { hashToken, newToken, sealToken } from '../shared/tokens.ts';
import { organisersRepository } from './organisers.repository.ts';
import type { AccountToken, Organiser } from './organisers.table.ts';
import { MAX_PASSWORD_LENGTH, hashPassword, verifyPassword } from './passwords.ts';
import { passwordProblem } from './password-policy.ts';

export const RESET_LINK_MS = 60 * 60 * 1000;
export const EMAIL_LINK_MS = 24 * 60 * 60 * 1000;
/** Reset mails per account and hour; more requests get the same answer and no mail. */
export const RESET_MAILS_PER_HOUR = 3;

export type AccountLinkPurpose = AccountToken['purpose'];
export type AccountLinkPayload = { tokenId: number; sealedToken: string };

function issueLink({ db, clock, secret, organiser, purpose, to, newEmail }: { db: Db; clock: Clock; secret: string; organiser: Organiser; purpose: AccountLinkPurpose; to: string; newEmail?: string }) {
  const token = newToken();
  const now = clock();
  db.transaction((tx) => {
    const repository = organisersRepository(tx);
    repository.retireAccountTokens(organiser.id, purpose, now);
    const row = repository.insertAccountToken({
      organiserId: organiser.id,
      purpose,
      tokenHash: hashToken(token),
      ...(newEmail ? { newEmail } : {}),
      createdAt: now,
      expiresAt: new Date(now.getTime() + (purpose === 'password-reset' ? RESET_LINK_MS : EMAIL_LINK_MS)),
    });
    const payload: AccountLinkPayload = { tokenId: row.id, sealedToken: sealToken(token, secret) };
    enqueueMail({ db: tx, clock, mail: { kind: purpose, payload, to, toName: organiser.name, ref: `organiser:${organiser.id}`, organiserId: organiser.id } });
  });
}

export function readForgotPasswordForm(body: unknown): FormResult<{ email: string }> {
  const form = readForm(body);
  const email = form.email('email', { required: true });
  return form.result({ email });
}

/**
 * "Passwort vergessen?": a reset link when the address belongs to an enabled account. The
 * caller answers the same either way, so the page never tells whether an account exists.
 * Returns whether a mail was queued (for the security log only).
 */
export function requestPasswordReset({ db, clock, secret, email }: { db: Db; clock: Clock; secret: string; email: string }): boolean {
  const repository = organisersRepository(db);
  const organiser = repository.findByEmail(email);
  if (!organiser || organiser.disabledAt) return false;
  if (repository.countAccountTokensSince(organiser.id, 'password-reset', new Date(clock().getTime() - 60 * 60 * 1000)) >= RESET_MAILS_PER_HOUR) return false;
  issueLink({ db, clock, secret, organiser, purpose: 'password-reset', to: organiser.email });
  return true;
}

export type LinkCheck = { ok: true; link: AccountToken; organiser: Organiser } | { ok: false; problem: 'unknown' | 'used' | 'expired' };

/** Whether a mailed link still works; the page explains each problem. */
export function checkAccountLink({ db, clock, token, purpose }: { db: Db; clock: Clock; token: string; purpose: AccountLinkPurpose }): LinkCheck {
  const repository = organisersRepository(db);
  const link = /^[A-Za-z0-9_-]{43}$/.test(token) ? repository.findAccountToken(hashToken(token)) : undefined;
  if (!link || link.purpose !== purpose) return { ok: false, problem: 'unknown' };
  const organiser = repository.findById(link.organiserId);
  if (!organiser || organiser.disabledAt) return { ok: false, problem: 'unknown' };
  if (link.usedAt) return { ok: false, problem: 'used' };
  if (link.expiresAt.getTime() <= clock().getTime()) return { ok: false, problem: 'expired' };
  return { ok: true, link, organiser };
}

export function readNewPasswordForm(body: unknown, organiser: Pick<Organiser, 'email' | 'name'>): FormResult<{ password: string }> {
  const form = readForm(body);
  const password = form.text('password', { required: true, max: MAX_PASSWORD_LENGTH });
  const problem = password === '' ? null : passwordProblem(password, [organiser.email, organiser.name]);
  if (problem) form.fail('password', problem);
  if (form.text('passwordRepeat', { max: MAX_PASSWORD_LENGTH }) !== password) form.fail('passwordRepeat', 'organiser.passwordMismatch');
  const result = form.result({ password });
  result.values.password = result.values.passwordRepeat = '';
  return result;
}

/** Sets the new password from a reset link; the link is used up and every session of the account ends. */
export async function resetPasswordWithLink({ db, clock, link, organiser, password }: { db: Db; clock: Clock; link: AccountToken; organiser: Organiser; password: string }): Promise<boolean> {
  const passwordHash = await hashPassword(password);
  return db.transaction((tx) => {
    const repository = organisersRepository(tx);
    if (!repository.useAccountToken(link.id, clock())) return false;
    repository.updatePassword(organiser.id, passwordHash);
    repository.retireAccountTokens(organiser.id, 'password-reset', clock());
    repository.deleteAllSessions(organiser.id);
    return true;
  });
}

export type EmailChangeInput = { email: string; current: string };

export function readEmailChangeForm(body: unknown): FormResult<EmailChangeInput> {
  const form = readForm(body);
  const email = form.email('newEmail', { required: true });
  const current = form.text('emailPassword', { required: true, max: MAX_PASSWORD_LENGTH });
  const result = form.result({ email, current });
  result.values.emailPassword = '';
  return result;
}

/** Asks the new address to confirm itself; the address stays until the link is opened. */
export async function requestEmailChange({ db, clock, secret, organiser, input }: { db: Db; clock: Clock; secret: string; organiser: Organiser; input: EmailChangeInput }): Promise<{ ok: true } | { ok: false; field: 'newEmail' | 'emailPassword'; problem: MessageKey }> {
  if (!(await verifyPassword(organiser.passwordHash, input.current))) return { ok: false, field: 'emailPassword', problem: 'account.wrongPassword' };
  if (input.email === organiser.email) return { ok: false, field: 'newEmail', problem: 'accounts.email.same' };
  if (organisersRepository(db).findByEmail(input.email)) return { ok: false, field: 'newEmail', problem: 'accounts.email.taken' };
  issueLink({ db, clock, secret, organiser, purpose: 'email-change', to: input.email, newEmail: input.email });
  return { ok: true };
}

/** The new address confirmed itself: it becomes the login; refused if another account took it meanwhile. */
export function confirmEmailChange({ db, clock, link, organiser }: { db: Db; clock: Clock; link: AccountToken; organiser: Organiser }): { ok: true; email: string } | { ok: false; problem: 'taken' | 'used' } {
  const email = link.newEmail ?? '';
  return db.transaction((tx) => {
    const repository = organisersRepository(tx);
    const holder = repository.findByEmail(email);
    if (holder && holder.id !== organiser.id) return { ok: false as const, problem: 'taken' as const };
    if (!repository.useAccountToken(link.id, clock())) return { ok: false as const, problem: 'used' as const };
    repository.updateEmail(organiser.id, email);
    return { ok: true as const, email };
  });
}
