// The only module that reads environment variables. Everything else receives a Config.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  uploadsDir: string;
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
  { name: 'SEED_DEMO', default: 'true', doc: 'Seed the Kreis Kleve demo on an empty database at start (true/false).' },
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

  const sessionSecretRaw = value('SESSION_SECRET');
  if (sessionSecretRaw !== undefined && sessionSecretRaw.length < 32) {
    problems.push('SESSION_SECRET must be at least 32 characters long.');
  }

  const demoPassword = value('DEMO_PASSWORD');
  if (demoPassword !== undefined && demoPassword.length < 10) {
    problems.push('DEMO_PASSWORD must be at least 10 characters long.');
  }

  if (problems.length > 0) throw new ConfigError(problems);

  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new ConfigError([`DATA_DIR "${dataDir}" cannot be created: ${(error as Error).message}`]);
  }

  return Object.freeze({
    port,
    host,
    dataDir,
    databaseFile: join(dataDir, 'mitzeichnen.sqlite'),
    uploadsDir: join(dataDir, 'uploads'),
    importsDir: join(dataDir, 'imports'),
    baseUrl,
    secureCookies: baseUrl.startsWith('https://'),
    sessionSecret: sessionSecretRaw ?? readOrCreateSessionSecret(dataDir),
    logLevel: logLevelRaw as LogLevel,
    trustProxy,
    demoPassword,
    seedDemo,
  });
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
