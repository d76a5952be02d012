import { createHash } from 'node:crypto';

/**
 * What the logs may hold about a visitor: no personal link and no full address. Used by the
 * logger (server/app.ts), the audit trail and the security events below.
 */

/** Expands an IPv6 address (with `::`, an embedded IPv4 tail or a zone) into its 8 groups, or null. */
function ipv6Groups(ip: string): number[] | null {
  let address = ip.replace(/%.*$/, '');
  const v4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (v4Tail) {
    const bytes = v4Tail.slice(1).map(Number);
    if (bytes.some((byte) => byte > 255)) return null;
    address = `${address.slice(0, v4Tail.index)}${((bytes[0]! << 8) | bytes[1]!).toString(16)}:${((bytes[2]! << 8) | bytes[3]!).toString(16)}`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return null;
  return groups.map((group) => parseInt(group, 16));
}

/** Keeps only the network part of a client address: IPv4 /24, IPv6 /48 (`2a01:db8:1::`). */
export function truncateIp(ip: string | undefined): string {
  if (!ip) return '';
  const v4 = ip.replace(/^::ffff:/i, '').match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0`;
  const groups = ipv6Groups(ip);
  if (!groups) return '';
  return `${groups.slice(0, 3).map((group) => group.toString(16)).join(':')}::`;
}

/**
 * The key a visitor is counted under for rate limits: IPv4 as is, IPv6 by its /64 (one
 * connection usually owns a whole /64, so counting single addresses would count nothing).
 */
export function clientNetwork(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const v4 = ip.replace(/^::ffff:/i, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v4)) return v4;
  const groups = ipv6Groups(ip);
  return groups ? `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64` : ip;
}

/**
 * Personal links are `/<letter>/<token>` (/s/, /w/, later /r/ …): the second segment of every
 * one-letter route is the key to someone's page and is replaced, wherever it appears.
 */
const personalLink = /\/([a-z])\/[^\s"'\\/?#<>]+/gi;
/** Anything shaped like one of our tokens (32 random bytes, base64url), wherever it appears. */
const tokenLike = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

/** A path or URL fit for a log: personal-link tokens replaced, the query string dropped. */
export function redactPath(url: string | undefined): string {
  if (!url) return '';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : `${url.slice(0, queryAt)}?[…]`;
  return redactText(path);
}

/** Redacts personal-link tokens in any text (log lines, error messages, stacks). */
export function redactText(text: string): string {
  return text.replace(personalLink, (_match, letter: string) => `/${letter}/[…]`).replace(tokenLike, '[…]');
}

const ipv4Anywhere = /(?<![\d.])(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}(?![\d.])/g;
const ipv6Anywhere = /(?<![0-9a-f:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:%\w+)?(?![0-9a-f:])/gi;

/**
 * The last filter on every log line: personal-link tokens redacted; in the lines of a request
 * (those with a `reqId`), IPv4 addresses cut to /24 and IPv6 addresses to /48 wherever they
 * appear (a header dumped at trace level …). Lines outside requests keep addresses, so that
 * "Server listening at http://127.0.0.1:3000" stays true.
 */
export function redactLogLine(line: string): string {
  const redacted = redactText(line);
  if (!redacted.includes('"reqId"')) return redacted;
  return redacted
    .replace(ipv4Anywhere, (_match, network: string) => `${network}.0`)
    .replace(ipv6Anywhere, (match) => (match.includes('::') || match.split(':').length === 8 ? truncateIp(match) || match : match));
}

type LogTarget = { info(object: object, message: string): void; warn(object: object, message: string): void };

export type SecurityEventName =
  | 'login.succeeded'
  | 'login.failed'
  | 'login.locked'
  | 'logout'
  | 'password.changed'
  | 'password.reset'
  | 'organiser.created'
  | 'role.changed'
  | 'data.exported'
  | 'data.deleted'
  // Accounts, invitations and two-factor sign-in (organisers/, appeals/team-invitations).
  | 'login.disabled'
  | 'login.password_ok'
  | 'login.second_factor_failed'
  | 'login.second_factor_locked'
  | 'password.reset_requested'
  | 'two_factor.enabled'
  | 'two_factor.disabled'
  | 'two_factor.recovery_codes'
  | 'email.change_requested'
  | 'email.changed'
  | 'invitation.sent'
  | 'invitation.accepted'
  | 'invitation.revoked'
  | 'organiser.disabled'
  | 'organiser.enabled'
  | 'session.ended'
  | 'admin.invited'
  | 'admin.invitation_revoked'
  | 'admin.disabled'
  | 'admin.enabled'
  | 'admin.second_factor_reset';

export type SecurityEvent = {
  event: SecurityEventName;
  /** The organiser concerned (by id, never by name). */
  organiserId?: number;
  /** An account named only by an e-mail that may not exist: logged as a short hash. */
  account?: string;
  /** The client address; logged truncated. */
  ip?: string;
  /** Who did it, when it was someone else (role change, deletion). */
  actorId?: number;
  [detail: string]: string | number | boolean | undefined;
};

/** A short, stable pseudonym for an e-mail address, so that attacks on one account can be followed. */
export const accountPseudonym = (email: string) => createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex').slice(0, 12);

const WARNINGS = new Set<SecurityEventName>(['login.failed', 'login.locked', 'login.second_factor_failed', 'login.second_factor_locked']);

/**
 * One structured log line per security event (`securityEvent: "login.failed"` …), at info or
 * warn level, with the address truncated and no e-mail address in clear.
 */
export function securityEvent(log: LogTarget, { event, account, ip, ...details }: SecurityEvent): void {
  const line = {
    securityEvent: event,
    ...details,
    ...(account !== undefined ? { account: accountPseudonym(account) } : {}),
    ...(ip !== undefined ? { ip: truncateIp(ip) } : {}),
  };
  if (WARNINGS.has(event)) log.warn(line, `security: ${event}`);
  else log.info(line, `security: ${event}`);
}
