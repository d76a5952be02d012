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

/** The newest events of an account, as the account page lists them. */
export function listAccountEvents({ db, organiserId, limit = 30 }: { db: Db; organiserId: number; limit?: number }) {
  return organisersRepository(db)
    .listAccountEvents(organiserId, limit)
    .map((row) => ({
      at: formatDateTime(row.at),
      label: t(eventLabels[row.event] ?? 'accounts.event.other'),
      network: row.network,
      warning: /failed|locked|disabled/.test(row.event),
    }));
}
