// An account's own security events: one log line each (shared/privacy-log.ts), and a row that
// its owner sees on the account page (logins, failures, changes; 90 days, network part only).
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { Clock } from '../shared/clock.ts';
import { formatDateTime } from '../shared/dates.ts';
import { securityEvent, truncateIp } from '../shared/privacy-log.ts';
import type { SecurityEvent } from '../shared/privacy-log.ts';
import { organisersRepository } from './organisers.repository.ts';

const eventLabels: Record<string, MessageKey> = {
  'login.succeeded': 'accounts.event.login',
  'login.password_ok': 'accounts.event.passwordOk',
  'login.failed': 'accounts.event.loginFailed',
  'login.locked': 'accounts.event.loginLocked',
  'login.disabled': 'accounts.event.loginDisabled',
  'login.second_factor_failed': 'accounts.event.codeFailed',
  'login.second_factor_locked': 'accounts.event.codeLocked',
  logout: 'accounts.event.logout',
  'password.changed': 'accounts.event.passwordChanged',
  'password.reset_requested': 'accounts.event.resetRequested',
  'password.reset': 'accounts.event.passwordReset',
  'two_factor.enabled': 'accounts.event.twoFactorOn',
  'two_factor.disabled': 'accounts.event.twoFactorOff',
  'two_factor.recovery_codes': 'accounts.event.recoveryCodes',
  'email.change_requested': 'accounts.event.emailRequested',
  'email.changed': 'accounts.event.emailChanged',
  'session.ended': 'accounts.event.sessionEnded',
  'organiser.disabled': 'accounts.event.disabled',
  'organiser.enabled': 'accounts.event.enabled',
};

const KEEP_MS = 90 * 24 * 60 * 60 * 1000;
/** The operators' actions are kept longer: a year. */
const ADMIN_KEEP_MS = 365 * 24 * 60 * 60 * 1000;

const adminLabels: Record<string, MessageKey> = {
  'admin.invited': 'admin.event.invited',
  'admin.invitation_revoked': 'admin.event.invitationRevoked',
  'admin.disabled': 'admin.event.disabled',
  'admin.enabled': 'admin.event.enabled',
  'admin.second_factor_reset': 'admin.event.secondFactorReset',
};

type LogTarget = Parameters<typeof securityEvent>[0];

/**
 * Logs a security event and records it for the account concerned: by id, or by the e-mail
 * address that was typed (a failed login), when that address has an account.
 */
export function accountEvent({ db, clock, log }: { db: Db; clock: Clock; log: LogTarget }, event: SecurityEvent): void {
  securityEvent(log, event);
  const repository = organisersRepository(db);
  const organiserId = event.organiserId ?? (event.account ? repository.findByEmail(event.account.trim())?.id : undefined);
  if (organiserId === undefined) return;
  const now = clock();
  repository.insertAccountEvent({ organiserId, event: event.event, network: truncateIp(event.ip), at: now }, new Date(now.getTime() - KEEP_MS));
}

export type AdminAction = 'invited' | 'invitation_revoked' | 'disabled' | 'enabled' | 'second_factor_reset';

/**
 * An operator's action: a log line, an event on the admin's own account (the admin page lists
 * them for every admin), and, when it concerns an account, an event on that account too.
 */
export function adminEvent(
  { db, clock, log }: { db: Db; clock: Clock; log: LogTarget },
  { action, actorId, target, ip }: { action: AdminAction; actorId: number; target: { id?: number; email: string }; ip: string },
): void {
  securityEvent(log, { event: `admin.${action}`, organiserId: target.id, actorId, ip });
  const repository = organisersRepository(db);
  const now = clock();
  const keepSince = new Date(now.getTime() - ADMIN_KEEP_MS);
  repository.insertAccountEvent({ organiserId: actorId, event: `admin.${action}`, detail: target.email, network: truncateIp(ip), at: now }, keepSince);
  const targetEvent = { disabled: 'organiser.disabled', enabled: 'organiser.enabled', second_factor_reset: 'two_factor.disabled' } as const;
  if (target.id !== undefined && action in targetEvent) {
    repository.insertAccountEvent({ organiserId: target.id, event: targetEvent[action as keyof typeof targetEvent], network: '', at: now }, new Date(now.getTime() - KEEP_MS));
  }
}

/** The operators' actions, newest first, for the admin page. */
export function listAdminEvents({ db, limit = 50 }: { db: Db; limit?: number }) {
  return organisersRepository(db)
    .listAdminEvents(limit)
    .map(({ event, actor }) => ({ at: formatDateTime(event.at), actor, label: t(adminLabels[event.event] ?? 'accounts.event.other'), detail: event.detail }));
}

/** The newest events of an account, as the account page lists them. */
export function listAccountEvents({ db, organiserId, limit = 30 }: { db: Db; organiserId: number; limit?: number }) {
  return organisersRepository(db)
    .listAccountEvents(organiserId, limit)
    .map((row) => ({
      at: formatDateTime(row.at),
      label: t(eventLabels[row.event] ?? adminLabels[row.event] ?? 'accounts.event.other'),
      network: row.network,
      warning: /failed|locked|disabled/.test(row.event),
    }));
}
