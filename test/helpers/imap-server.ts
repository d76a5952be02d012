import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterEach } from 'vitest';

export const DOVECOT = '/usr/sbin/dovecot';

const servers: ImapServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.remove();
});

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** The user dovecot runs as: the current one, or `nobody` when the tests run as root (dovecot never runs privileged here). */
function runAs(): { name: string; group: string; uid: number; gid: number } {
  const root = process.getuid?.() === 0;
  const name = root ? 'nobody' : userInfo().username;
  const id = (flag: string) => execFileSync('id', [flag, name], { encoding: 'utf8' }).trim();
  return { name, group: id('-gn'), uid: Number(id('-u')), gid: Number(id('-g')) };
}

function chownTree(path: string, uid: number, gid: number) {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

/**
 * A real IMAP server for the tests: Debian's dovecot (package dovecot-imapd), started as an
 * unprivileged process with its own configuration, a passwd-file user with a plain password and
 * a maildir in a temporary folder, listening on a free loopback port without TLS (or, with
 * `tls: true`, only IMAPS with a self-signed certificate). Messages are put in with imapflow's
 * append. `stop()` / `start()` take it down and up on the same port; removed after each test.
 */
export class ImapServer {
  readonly user: string;
  password: string;
  readonly dir: string;
  readonly tls: boolean;
  port = 0;
  private process: ChildProcess | undefined;
  private readonly owner = runAs();

  private constructor(options: { user: string; password: string; tls: boolean }) {
    this.user = options.user;
    this.password = options.password;
    this.tls = options.tls;
    this.dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-imap-'));
  }

  static async start(options: { user?: string; password?: string; tls?: boolean } = {}): Promise<ImapServer> {
    const server = new ImapServer({ user: options.user ?? 'buendnis@example.org', password: options.password ?? 'postfach-geheim', tls: options.tls ?? false });
    servers.push(server);
    server.port = await freePort();
    server.configure();
    await server.start();
    return server;
  }

  /** IMAP_URL for the app (with another password or folder when given). */
  url({ password = this.password, folder = 'INBOX' }: { password?: string; folder?: string } = {}): string {
    return `${this.tls ? 'imaps' : 'imap'}://${encodeURIComponent(this.user)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${encodeURIComponent(folder)}`;
  }

  /** The user's password changes (dovecot restarts on the same port to read it at once). */
  async setPassword(password: string): Promise<void> {
    this.password = password;
    this.writePasswd();
    if (this.process) {
      await this.stop();
      await this.start();
    }
  }

  private writePasswd() {
    writeFileSync(join(this.dir, 'passwd'), `${this.user}:{PLAIN}${this.password}\n`);
    chownSync(join(this.dir, 'passwd'), this.owner.uid, this.owner.gid);
  }

  private configure() {
    const { dir, owner } = this;
    for (const sub of ['base', 'state', 'mail']) mkdirSync(join(dir, sub));
    const ssl = this.tls
      ? (() => {
          execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=imap.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
          return [`ssl = required`, `ssl_cert = <${join(dir, 'cert.pem')}`, `ssl_key = <${join(dir, 'key.pem')}`];
        })()
      : ['ssl = no', 'disable_plaintext_auth = no'];
    const listener = this.tls
      ? ['  inet_listener imap {', '    port = 0', '  }', '  inet_listener imaps {', '    address = 127.0.0.1', `    port = ${this.port}`, '  }']
      : ['  inet_listener imap {', '    address = 127.0.0.1', `    port = ${this.port}`, '  }', '  inet_listener imaps {', '    port = 0', '  }'];
    const config = [
      'protocols = imap',
      'listen = 127.0.0.1',
      `base_dir = ${join(dir, 'base')}`,
      `state_dir = ${join(dir, 'state')}`,
      `default_internal_user = ${owner.name}`,
      `default_internal_group = ${owner.group}`,
      `default_login_user = ${owner.name}`,
      `log_path = ${join(dir, 'dovecot.log')}`,
      ...ssl,
      'auth_mechanisms = plain login',
      'auth_failure_delay = 0',
      `mail_location = maildir:${join(dir, 'mail')}/%u`,
      'service anvil {',
      '  chroot =',
      '}',
      'service imap-login {',
      '  chroot =',
      ...listener,
      '}',
      'passdb {',
      '  driver = passwd-file',
      `  args = scheme=PLAIN username_format=%u ${join(dir, 'passwd')}`,
      '}',
      'userdb {',
      '  driver = static',
      `  args = home=${join(dir, 'mail')}/%u`,
      '}',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'dovecot.conf'), config);
    this.writePasswd();
    chownTree(dir, owner.uid, owner.gid);
  }

  /** Starts dovecot (again, on the same port) and waits until it greets. */
  async start(): Promise<void> {
    if (this.process) return;
    const root = process.getuid?.() === 0;
    const child = spawn(DOVECOT, ['-F', '-c', join(this.dir, 'dovecot.conf')], { stdio: 'ignore', ...(root ? { uid: this.owner.uid, gid: this.owner.gid } : {}) });
    this.process = child;
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}:\n${this.log()}`);
      if (await this.greets()) return;
      if (Date.now() > deadline) throw new Error(`dovecot did not start:\n${this.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private greets(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: this.port });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.once('connect', () => (this.tls ? done(true) : undefined));
      socket.once('data', (data) => done(data.toString().startsWith('* OK')));
      socket.once('error', () => done(false));
      socket.setTimeout(1000, () => done(false));
    });
  }

  /** Stops dovecot: connections are refused until start(). */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** An IMAP client logged in as the user (the caller logs out). */
  async client(): Promise<ImapFlow> {
    const client = new ImapFlow({ host: '127.0.0.1', port: this.port, secure: this.tls, tls: { rejectUnauthorized: false }, auth: { user: this.user, pass: this.password }, logger: false, disableAutoIdle: true });
    client.on('error', () => {});
    await client.connect();
    return client;
  }

  /** Puts messages into a folder (created when missing), as a mail server delivering them would. */
  async append(messages: (string | Buffer)[], folder = 'INBOX'): Promise<void> {
    const client = await this.client();
    try {
      if (folder !== 'INBOX') await client.mailboxCreate(folder).catch(() => undefined);
      for (const message of messages) await client.append(folder, message);
    } finally {
      await client.logout();
    }
  }

  /**
   * Makes the server renumber the folder (a new UIDVALIDITY), as after a restore of the mailbox:
   * stops dovecot, sets a new UIDVALIDITY in the maildir's uid list and drops the index.
   */
  async renumber(): Promise<void> {
    await this.stop();
    const maildir = join(this.dir, 'mail', this.user);
    const uidlist = join(maildir, 'dovecot-uidlist');
    const lines = readFileSync(uidlist, 'utf8').split('\n');
    lines[0] = lines[0]!.replace(/ V(\d+)/, (_match, value: string) => ` V${Number(value) + 1000}`);
    writeFileSync(uidlist, lines.join('\n'));
    for (const entry of readdirSync(maildir)) if (entry.startsWith('dovecot.index')) rmSync(join(maildir, entry));
    await this.start();
  }
}
