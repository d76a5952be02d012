// The only module that reads environment variables. Everything else receives a Config.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { t } from './i18n/index.ts';
import { SealCertificateError, readPkcs12 } from './shared/pkcs12.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  uploadsDir: string;
  /** Results of background jobs (ZIP, print file) while they can be downloaded. */
  jobsDir: string;
  /** Parsed address-list uploads waiting for the organiser's confirmation (DATA_DIR/imports). */
  importsDir: string;
  baseUrl: string;
  /** true when BASE_URL is https: cookies get `Secure` and the `__Host-` prefix. */
  secureCookies: boolean;
  sessionSecret: string;
  logLevel: LogLevel;
  /** Addresses of reverse proxies whose X-Forwarded-For is trusted (for rate limits by client). */
  trustProxy: string[];
  demoPassword: string | undefined;
  seedDemo: boolean;
  /** Co-signing: days a personal signing link stays valid. */
  signingLinkDays: number;
  /** Co-signing: days between automatic reminders to those who have not answered. */
  reminderAfterDays: number;
  /** Co-signing: at most this many automatic reminders per text version (0 = none). */
  reminderMax: number;
  /** Replies: at most this many reminders per addressee after the letter (0 = none). */
  replyReminderMax: number;
  mail: MailConfig;
  /** IMAP_URL: the mailbox read for replies, bounces and auto-replies (server/mailbox/); undefined: not read. */
  mailbox: MailboxConfig | undefined;
  /** REQUIRE_2FA: every organiser must set up two-factor sign-in before anything else. */
  requireSecondFactor: boolean;
  /** How long personal data is kept (the daily retention job, server/privacy/retention.ts). */
  retention: { mailDays: number; ipDays: number; supporterEmailDays: number };
  /** Spam limits of the public signing form (citizens), per 10 minutes; the bench raises them. */
  supportLimits: { perIp: number; perDomain: number; linksPerMinute: number; minFillSeconds: number };
  /** OPARL_ALLOW_PRIVATE: council information systems on private, loopback or link-local addresses may be read. */
  oparlAllowPrivate: boolean;
  /** The electronic seal of every issued letter (SEAL_P12_FILE); undefined: letters are not sealed. */
  seal: SealConfig | undefined;
};

/** The seal certificate: where it is, its password, and who it names (checked at start); with SEAL_TSA_URL its timestamp server. */
export type SealConfig = { p12File: string; password: string; holder: string; tsa?: TsaConfig };

/** The RFC 3161 timestamp server of the seal (SEAL_TSA_URL); tokens are kept in DATA_DIR/tsa-tokens. */
export type TsaConfig = { url: string; timeoutMs: number; tokenDir: string };

export type MailAddress = { name: string; address: string };

export type SmtpConfig = {
  host: string;
  port: number;
  /** true for smtps:// (TLS from the start, usually port 465); smtp:// upgrades with STARTTLS when offered. */
  secure: boolean;
  auth: { user: string; pass: string } | undefined;
  /** SMTP_URL without the password, for logs and pages. */
  displayUrl: string;
};

export type MailConfig = {
  /** undefined: no SMTP server; every message is written as an .eml file into `dir`. */
  smtp: SmtpConfig | undefined;
  from: MailAddress;
  dkim: { domainName: string; keySelector: string; privateKey: string } | undefined;
  /** Parallel SMTP connections, and as many messages composed and sent at once. */
  pool: number;
  /** Messages per second at most; 0 = no limit. */
  ratePerSecond: number;
  /** DATA_DIR/mail: the .eml files of the file transport. */
  dir: string;
};

export type MailboxConfig = {
  host: string;
  port: number;
  /** true for imaps:// (TLS from the start, port 993); imap:// upgrades with STARTTLS when offered. */
  secure: boolean;
  auth: { user: string; pass: string };
  /** The folder read (the URL's path, default INBOX). */
  folder: string;
  /** IMAP_URL without the password, for logs and pages. */
  displayUrl: string;
  /** IMAP_POLL_SECONDS: how often the mailbox is read. */
  pollSeconds: number;
};

type Env = Record<string, string | undefined>;

/** Documentation of every setting; the README's configuration table mirrors this list. */
export const settingsDoc: { name: string; default: string; doc: string }[] = [
  { name: 'PORT', default: '3000', doc: 'Port the web server listens on.' },
  { name: 'HOST', default: '0.0.0.0', doc: 'Interface the web server binds to.' },
  { name: 'DATA_DIR', default: './data', doc: 'Folder for the SQLite database, uploads, stored e-mails and the generated session secret.' },
  { name: 'BASE_URL', default: 'http://localhost:PORT', doc: 'Public address of the app, used in links in e-mails and PDFs. With https, cookies are marked Secure.' },
  { name: 'SESSION_SECRET', default: 'generated', doc: 'At least 32 characters; signs cookies and CSRF tokens. When unset, one is generated once and kept in DATA_DIR/session-secret.' },
  { name: 'TRUST_PROXY', default: '(none)', doc: 'Comma-separated IP addresses or CIDR ranges of your reverse proxy, e.g. 127.0.0.1. Only then are client addresses taken from X-Forwarded-For.' },
  { name: 'LOG_LEVEL', default: 'info', doc: 'fatal, error, warn, info, debug, trace or silent.' },
  { name: 'DEMO_PASSWORD', default: 'generated', doc: 'Password of the demo organiser demo@example.org when the demo is seeded; printed once when generated.' },
  { name: 'SIGNING_LINK_DAYS', default: '21', doc: 'Days a personal signing link stays valid; a resent link starts again.' },
  { name: 'REMINDER_AFTER_DAYS', default: '7', doc: 'Days after the invitation (and between reminders) before an unanswered signatory is reminded automatically.' },
  { name: 'REMINDER_MAX', default: '2', doc: 'Automatic reminders at most per signatory and text version; 0 switches them off.' },
  { name: 'REPLY_REMINDER_MAX', default: '2', doc: 'Reminders at most per addressee who has not answered a sent letter; 0 switches them off. The days before one is offered are set per appeal (default 21).' },
  { name: 'REQUIRE_2FA', default: 'false', doc: 'true: every organiser must set up two-factor sign-in (an authenticator app) right after logging in, and cannot switch it off (true/false).' },
  { name: 'SEED_DEMO', default: 'true', doc: 'Seed the Kreis Kleve demo on an empty database at start (true/false).' },
  { name: 'SMTP_URL', default: '(none)', doc: 'Mail server, e.g. smtps://user:password@mail.example.org:465 or smtp://user:password@mail.example.org:587 (STARTTLS). Encode special characters of user and password (%40 for @). Without it, every e-mail is stored as an .eml file in DATA_DIR/mail and shown to the team of its appeal (page E-Mails of the appeal; mail to the organiser account under /mail).' },
  { name: 'MAIL_FROM', default: 'Mitzeichnen <mitzeichnen@HOST of BASE_URL>', doc: 'Sender of all e-mails: "Name <address>" or just an address. Use an address of a domain your mail server may send for (SPF/DKIM).' },
  { name: 'DKIM_DOMAIN', default: '(none)', doc: 'Sign outgoing mail with DKIM for this domain (together with DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE). Only needed when the mail server does not sign itself.' },
  { name: 'DKIM_SELECTOR', default: '(none)', doc: 'DKIM selector; the public key is published as TXT record <selector>._domainkey.<domain>.' },
  { name: 'DKIM_PRIVATE_KEY_FILE', default: '(none)', doc: 'Path of the PEM file with the DKIM private key.' },
  { name: 'SMTP_POOL', default: '3', doc: 'Number of parallel SMTP connections (1–50); as many messages are composed and sent at once.' },
  { name: 'SMTP_RATE_PER_SECOND', default: '0', doc: 'Send at most this many messages per second (0 = no limit). Ask your mail provider for its limit.' },
  { name: 'IMAP_URL', default: '(none)', doc: 'Mailbox read for replies, bounces and auto-replies to the letters, e.g. imaps://user:password@imap.example.org:993/INBOX (imap:// uses STARTTLS when the server offers it). The path names the folder (default INBOX). Encode special characters of user and password (%40 for @). Mail is only read, never deleted, moved or marked as read.' },
  { name: 'IMAP_POLL_SECONDS', default: '300', doc: 'Seconds between two readings of the mailbox (30–86400).' },
  { name: 'RETENTION_MAIL_DAYS', default: '90', doc: 'Days after which the content of sent (or finally failed) e-mails is deleted: the outbox row keeps only recipient, subject and state; the .eml files in DATA_DIR/mail are removed. Checked daily.' },
  { name: 'SUPPORT_SIGNUPS_PER_IP', default: '50', doc: 'Signatures on public appeal pages accepted from one network address (IPv4, IPv6 /64) per 10 minutes; more get a 429 page. Many people may share one address (mobile networks, schools).' },
  { name: 'SUPPORT_SIGNUPS_PER_DOMAIN', default: '300', doc: 'Signatures accepted per e-mail domain (e.g. example.org) per 10 minutes, across all appeals.' },
  { name: 'SUPPORT_LINKS_PER_MINUTE', default: '60', doc: 'Confirmation and withdrawal links (/c/…, /u/…) one network address may open per minute.' },
  { name: 'SUPPORT_MIN_FILL_SECONDS', default: '2', doc: 'A signing form sent back sooner than this after it was shown is refused as automated (0 switches the check off).' },
  { name: 'RETENTION_IP_DAYS', default: '30', doc: 'Days after which stored (truncated) client addresses are removed from the audit trail; the chain stays verifiable. Checked daily.' },
  { name: 'SEAL_P12_FILE', default: '(none)', doc: 'PKCS#12 file (.p12/.pfx) with the certificate and private key of the electronic seal. When set, every issued letter is sealed (PAdES, verifiable in Acrobat and with pdfsig) and says "Elektronisch gesiegelt von …" in its footer. Checked at start.' },
  { name: 'SEAL_P12_PASSWORD', default: '(none)', doc: 'Password of SEAL_P12_FILE (required with it).' },
  { name: 'SEAL_TSA_URL', default: '(none)', doc: 'http(s) URL of an RFC 3161 timestamp server (e.g. of your certificate\'s provider). When set (only with SEAL_P12_FILE), every seal also gets a signature timestamp from it; a letter is not issued while the server cannot be reached (the dispatch tries again later). Tokens are kept in DATA_DIR/tsa-tokens.' },
  { name: 'SEAL_TSA_TIMEOUT_MS', default: '10000', doc: 'Milliseconds one timestamp request may take (1000–120000).' },
  { name: 'SUPPORTER_EMAIL_RETENTION_DAYS', default: '30', doc: "Days after an appeal was sent after which the e-mail addresses of its supporters (citizens and supporter organisations) are deleted, except of those who asked to be kept informed. A hash of the address stays, so the same address still cannot sign twice. Checked daily." },
  { name: 'OPARL_ALLOW_PRIVATE', default: 'false', doc: 'true: the OParl import may read council information systems on private, loopback, link-local or other internal addresses (a system in your own network, tests). Otherwise such addresses, and redirects to them, are refused (true/false).' },
];

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const logLevels: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads and validates the environment. Reports all problems at once so that an operator
 * can fix them in one go. May create DATA_DIR and the session secret file inside it.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };

  const port = parsePort(value('PORT') ?? '3000', problems);
  const host = value('HOST') ?? '0.0.0.0';
  const dataDirRaw = value('DATA_DIR') ?? './data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);

  const baseUrl = parseBaseUrl(value('BASE_URL') ?? `http://localhost:${port}`, problems);

  const logLevelRaw = (value('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!logLevels.includes(logLevelRaw as LogLevel)) {
    problems.push(`LOG_LEVEL must be one of ${logLevels.join(', ')} (got "${logLevelRaw}").`);
  }

  const trustProxy = (value('TRUST_PROXY') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of trustProxy) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry)) problems.push(`TRUST_PROXY must list IP addresses or CIDR ranges (got "${entry}").`);
  }

  const seedDemo = parseBoolean('SEED_DEMO', value('SEED_DEMO') ?? 'true', problems);
  const requireSecondFactor = parseBoolean('REQUIRE_2FA', value('REQUIRE_2FA') ?? 'false', problems);
  const oparlAllowPrivate = parseBoolean('OPARL_ALLOW_PRIVATE', value('OPARL_ALLOW_PRIVATE') ?? 'false', problems);

  const sessionSecretRaw = value('SESSION_SECRET');
  if (sessionSecretRaw !== undefined && sessionSecretRaw.length < 32) {
    problems.push('SESSION_SECRET must be at least 32 characters long.');
  }

  const signingLinkDays = parseInteger('SIGNING_LINK_DAYS', value('SIGNING_LINK_DAYS') ?? '21', 1, 365, problems);
  const reminderAfterDays = parseInteger('REMINDER_AFTER_DAYS', value('REMINDER_AFTER_DAYS') ?? '7', 1, 90, problems);
  const reminderMax = parseInteger('REMINDER_MAX', value('REMINDER_MAX') ?? '2', 0, 10, problems);
  const replyReminderMax = parseInteger('REPLY_REMINDER_MAX', value('REPLY_REMINDER_MAX') ?? '2', 0, 10, problems);

  const demoPassword = value('DEMO_PASSWORD');
  if (demoPassword !== undefined && demoPassword.length < 10) {
    problems.push('DEMO_PASSWORD must be at least 10 characters long.');
  }

  const smtp = parseSmtpUrl(value('SMTP_URL'), problems);
  const from = parseMailFrom(value('MAIL_FROM'), baseUrl, problems);
  const pool = parseInteger('SMTP_POOL', value('SMTP_POOL') ?? '3', 1, 50, problems);
  const ratePerSecond = parseInteger('SMTP_RATE_PER_SECOND', value('SMTP_RATE_PER_SECOND') ?? '0', 0, 10_000, problems);
  const retention = {
    mailDays: parseInteger('RETENTION_MAIL_DAYS', value('RETENTION_MAIL_DAYS') ?? '90', 1, 3650, problems),
    ipDays: parseInteger('RETENTION_IP_DAYS', value('RETENTION_IP_DAYS') ?? '30', 1, 3650, problems),
    supporterEmailDays: parseInteger('SUPPORTER_EMAIL_RETENTION_DAYS', value('SUPPORTER_EMAIL_RETENTION_DAYS') ?? '30', 1, 3650, problems),
  };
  const supportLimits = {
    perIp: parseInteger('SUPPORT_SIGNUPS_PER_IP', value('SUPPORT_SIGNUPS_PER_IP') ?? '50', 1, 10_000_000, problems),
    perDomain: parseInteger('SUPPORT_SIGNUPS_PER_DOMAIN', value('SUPPORT_SIGNUPS_PER_DOMAIN') ?? '300', 1, 10_000_000, problems),
    linksPerMinute: parseInteger('SUPPORT_LINKS_PER_MINUTE', value('SUPPORT_LINKS_PER_MINUTE') ?? '60', 1, 10_000_000, problems),
    minFillSeconds: parseInteger('SUPPORT_MIN_FILL_SECONDS', value('SUPPORT_MIN_FILL_SECONDS') ?? '2', 0, 600, problems),
  };
  const mailbox = parseImapUrl(value('IMAP_URL'), parseInteger('IMAP_POLL_SECONDS', value('IMAP_POLL_SECONDS') ?? '300', 30, 86_400, problems), problems);
  const dkim = parseDkim(value('DKIM_DOMAIN'), value('DKIM_SELECTOR'), value('DKIM_PRIVATE_KEY_FILE'), cwd, problems);
  // The password is taken as given (spaces may belong to it).
  const seal = parseSeal(value('SEAL_P12_FILE'), env.SEAL_P12_PASSWORD || undefined, cwd, problems);
  const tsa = parseTsa(value('SEAL_TSA_URL'), parseInteger('SEAL_TSA_TIMEOUT_MS', value('SEAL_TSA_TIMEOUT_MS') ?? '10000', 1000, 120_000, problems), join(dataDir, 'tsa-tokens'), Boolean(value('SEAL_P12_FILE')), problems);

  if (problems.length > 0) throw new ConfigError(problems);

  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ConfigError([`DATA_DIR "${dataDir}" cannot be created: ${(error as Error).message}`]);
  }
  restrictToOwner(dataDir, 0o700);

  return Object.freeze({
    port,
    host,
    dataDir,
    databaseFile: join(dataDir, 'mitzeichnen.sqlite'),
    uploadsDir: join(dataDir, 'uploads'),
    jobsDir: join(dataDir, 'jobs'),
    importsDir: join(dataDir, 'imports'),
    baseUrl,
    secureCookies: baseUrl.startsWith('https://'),
    sessionSecret: sessionSecretRaw ?? readOrCreateSessionSecret(dataDir),
    logLevel: logLevelRaw as LogLevel,
    trustProxy,
    demoPassword,
    seedDemo,
    signingLinkDays,
    reminderAfterDays,
    reminderMax,
    replyReminderMax,
    mail: Object.freeze({ smtp, from, dkim, pool, ratePerSecond, dir: join(dataDir, 'mail') }),
    mailbox: mailbox ? Object.freeze(mailbox) : undefined,
    requireSecondFactor,
    retention: Object.freeze(retention),
    supportLimits: Object.freeze(supportLimits),
    oparlAllowPrivate,
    seal: seal && Object.freeze(tsa ? { ...seal, tsa: Object.freeze(tsa) } : seal),
  });
}

function parseInteger(name: string, raw: string, min: number, max: number, problems: string[]): number {
  const number = Number(raw);
  if (!/^\d+$/.test(raw) || number < min || number > max) {
    problems.push(`${name} must be a whole number between ${min} and ${max} (got "${raw}").`);
    return min;
  }
  return number;
}

function parseSmtpUrl(raw: string | undefined, problems: string[]): SmtpConfig | undefined {
  if (raw === undefined) return undefined;
  const example = 'such as smtps://user:password@mail.example.org:465 or smtp://user:password@mail.example.org:587';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`SMTP_URL must be a URL ${example} (could not read it; encode special characters in user and password, e.g. %40 for @).`);
    return undefined;
  }
  const shown = url.password ? raw.replace(`:${url.password}@`, ':***@') : raw;
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    problems.push(`SMTP_URL must start with smtp:// or smtps:// (got "${shown}"), ${example}.`);
    return undefined;
  }
  if (!url.hostname) {
    problems.push(`SMTP_URL names no mail server (got "${shown}"), ${example}.`);
    return undefined;
  }
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  let auth: SmtpConfig['auth'];
  try {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    if (user && !pass) problems.push(`SMTP_URL has a user name but no password (got "${shown}"), ${example}.`);
    if (!user && pass) problems.push(`SMTP_URL has a password but no user name (got "${shown}"), ${example}.`);
    auth = user && pass ? { user, pass } : undefined;
  } catch {
    problems.push(`SMTP_URL: user name or password is not correctly encoded (got "${shown}").`);
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, secure, auth, displayUrl: `${url.protocol}//${auth ? `${encodeURIComponent(auth.user)}@` : ''}${url.host}` };
}

function parseImapUrl(raw: string | undefined, pollSeconds: number, problems: string[]): MailboxConfig | undefined {
  if (raw === undefined) return undefined;
  const example = 'such as imaps://user:password@imap.example.org:993/INBOX';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`IMAP_URL must be a URL ${example} (could not read it; encode special characters in user and password, e.g. %40 for @).`);
    return undefined;
  }
  const shown = url.password ? raw.replace(`:${url.password}@`, ':***@') : raw;
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') {
    problems.push(`IMAP_URL must start with imap:// or imaps:// (got "${shown}"), ${example}.`);
    return undefined;
  }
  let user = '';
  let pass = '';
  let folder = 'INBOX';
  try {
    user = decodeURIComponent(url.username);
    pass = decodeURIComponent(url.password);
    folder = decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX';
  } catch {
    problems.push(`IMAP_URL: user name, password or folder is not correctly encoded (got "${shown}").`);
    return undefined;
  }
  if (!url.hostname || !user || !pass) {
    problems.push(`IMAP_URL needs a server, a user name and a password (got "${shown}"), ${example}.`);
    return undefined;
  }
  const secure = url.protocol === 'imaps:';
  const port = url.port ? Number(url.port) : secure ? 993 : 143;
  const displayUrl = `${url.protocol}//${encodeURIComponent(user)}@${url.host}/${encodeURIComponent(folder)}`;
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, secure, auth: { user, pass }, folder, displayUrl, pollSeconds };
}

const simpleAddress = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

function parseMailFrom(raw: string | undefined, baseUrl: string, problems: string[]): MailAddress {
  if (raw === undefined) {
    const host = baseUrl ? new URL(baseUrl).hostname : 'localhost';
    // "localhost" is no valid mail domain; ".invalid" says clearly that nobody can answer.
    const domain = host.includes('.') ? host : `${host}.invalid`;
    return { name: 'Mitzeichnen', address: `mitzeichnen@${domain}` };
  }
  const match = /^(?:"?([^"<>\r\n]*?)"?\s*<([^<>\s]+)>|([^<>\s]+))$/.exec(raw);
  const name = (match?.[1] ?? '').trim();
  const address = match?.[2] ?? match?.[3] ?? '';
  if (!match || !simpleAddress.test(address)) {
    problems.push(`MAIL_FROM must be an address or "Name <address>", e.g. "Aktionsbündnis Kleve <buendnis@example.org>" (got "${raw}").`);
    return { name: '', address: '' };
  }
  return { name, address };
}

function parseDkim(domain: string | undefined, selector: string | undefined, keyFile: string | undefined, cwd: string, problems: string[]): MailConfig['dkim'] {
  if (domain === undefined && selector === undefined && keyFile === undefined) return undefined;
  if (domain === undefined || selector === undefined || keyFile === undefined) {
    problems.push('DKIM needs all three settings: DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE.');
    return undefined;
  }
  const path = isAbsolute(keyFile) ? keyFile : resolve(cwd, keyFile);
  let privateKey: string;
  try {
    privateKey = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(`DKIM_PRIVATE_KEY_FILE "${path}" cannot be read: ${(error as Error).message}`);
    return undefined;
  }
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(privateKey)) {
    problems.push(`DKIM_PRIVATE_KEY_FILE "${path}" is not a PEM private key (it should start with -----BEGIN PRIVATE KEY-----).`);
    return undefined;
  }
  return { domainName: domain, keySelector: selector, privateKey };
}

/** Opens the seal certificate once at start, so a wrong password or file is reported before any letter is issued. */
function parseSeal(file: string | undefined, password: string | undefined, cwd: string, problems: string[]): SealConfig | undefined {
  if (file === undefined && password === undefined) return undefined;
  if (file === undefined) return void problems.push(t('sealConfig.fileMissing'));
  if (password === undefined) return void problems.push(t('sealConfig.passwordMissing'));
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return void problems.push(t('sealConfig.unreadableFile', { path, reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? t('sealConfig.noSuchFile') : (error as Error).message }));
  }
  try {
    const certificate = readPkcs12(bytes, password);
    if (certificate.validTo.getTime() < Date.now()) return void problems.push(t('sealConfig.expired', { path, date: certificate.validTo.toISOString().slice(0, 10) }));
    return { p12File: path, password, holder: certificate.holder };
  } catch (error) {
    if (!(error instanceof SealCertificateError)) throw error;
    return void problems.push(t(`sealConfig.${error.reason}`, { path }));
  }
}

/** The timestamp server: an http(s) URL, only beside a seal certificate. */
function parseTsa(raw: string | undefined, timeoutMs: number, tokenDir: string, sealed: boolean, problems: string[]): TsaConfig | undefined {
  if (raw === undefined) return undefined;
  if (!sealed) return void problems.push(t('sealConfig.tsaWithoutSeal'));
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return void problems.push(t('sealConfig.tsaUrl', { url: raw }));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return void problems.push(t('sealConfig.tsaUrl', { url: raw }));
  return { url: url.href, timeoutMs, tokenDir };
}

function parsePort(raw: string, problems: string[]): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    problems.push(`PORT must be a number between 1 and 65535 (got "${raw}").`);
    return 0;
  }
  return port;
}

function parseBaseUrl(raw: string, problems: string[]): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`BASE_URL must be an absolute http(s) URL such as https://mitzeichnen.example.org (got "${raw}").`);
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`BASE_URL must start with http:// or https:// (got "${raw}").`);
  }
  // Links are built as `${baseUrl}/path`, so no trailing slash.
  return url.toString().replace(/\/+$/, '');
}

function parseBoolean(name: string, raw: string, problems: string[]): boolean {
  const normalised = raw.toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) return true;
  if (['false', '0', 'no'].includes(normalised)) return false;
  problems.push(`${name} must be true or false (got "${raw}").`);
  return false;
}

/**
 * DATA_DIR holds personal data (database, signatures, stored mail): only the app's user may
 * enter it. An existing folder of this user is tightened too (an upgrade fixes old installs);
 * one of another user, or a file system without modes, is left as it is.
 */
function restrictToOwner(path: string, mode: number): void {
  try {
    if (statSync(path).uid === process.getuid?.()) chmodSync(path, mode);
  } catch {
    // Not ours to change.
  }
}

function readOrCreateSessionSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
