import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import PostalMime from 'postal-mime';
import type { Email } from 'postal-mime';
import { afterEach } from 'vitest';

export type ReceivedMail = {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: Email;
};

type SmtpError = Error & { responseCode?: number };

function smtpError(code: number, message: string): SmtpError {
  const error: SmtpError = new Error(message);
  error.responseCode = code;
  return error;
}

/** Just the Message-ID (for a sink that does not parse). */
function headerOnly(raw: Buffer): Email {
  const head = raw.subarray(0, Math.min(raw.length, 8192)).toString('latin1');
  const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1];
  return { messageId, headers: [], attachments: [] } as unknown as Email;
}

const sinks: SmtpSink[] = [];
afterEach(async () => {
  while (sinks.length > 0) await sinks.pop()!.stop();
});

/**
 * A real SMTP server in-process (npm smtp-server) on a free port. It collects every message,
 * parsed with postal-mime, and can be told to misbehave: answer 451 for the next N messages,
 * answer 550 for every message, require a login, or be stopped (connection refused) and
 * started again on the same port. Stopped automatically after each test.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  port = 0;
  /** Answer the next `tempFailures` messages with 451. */
  tempFailures = 0;
  /** Answer every message with 550 while true. */
  rejectAll = false;
  /** Wait this long before answering a message (widens the time a message is "in flight"). */
  delayMs = 0;
  /** Skip parsing with postal-mime (bench: only count and keep the Message-ID). */
  parse = true;
  /** When set, only this user/password may log in (and logging in is required). */
  private readonly credentials: { user: string; pass: string } | undefined;
  private server: SMTPServer | undefined;
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(options: { auth?: { user: string; pass: string } } = {}) {
    this.credentials = options.auth;
  }

  static async start(options: { auth?: { user: string; pass: string } } = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(options);
    sinks.push(sink);
    await sink.listen(0);
    return sink;
  }

  /** smtp://… URL for SMTP_URL (with the credentials when given). */
  url(credentials?: { user: string; pass: string }): string {
    const auth = credentials ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@` : '';
    return `smtp://${auth}127.0.0.1:${this.port}`;
  }

  private listen(port: number): Promise<void> {
    const server = new SMTPServer({
      secure: false,
      // Plain SMTP on loopback: no STARTTLS with a self-signed certificate, login allowed without TLS.
      disabledCommands: this.credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      allowInsecureAuth: true,
      authOptional: !this.credentials,
      logger: false,
      size: 20 * 1024 * 1024,
      // stop() must not wait for the client's idle pooled connections.
      closeTimeout: 50,
      onAuth: (auth, _session, callback) => {
        if (this.credentials && auth.username === this.credentials.user && auth.password === this.credentials.pass) {
          return callback(null, { user: auth.username });
        }
        return callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.rejectAll) return callback(smtpError(550, '5.1.1 Mailbox unavailable: no such user'));
          if (this.tempFailures > 0) {
            this.tempFailures -= 1;
            return callback(smtpError(451, '4.3.0 Temporary failure, please try again later'));
          }
          const raw = Buffer.concat(chunks);
          const envelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          };
          const parsing: Promise<Email> = this.parse ? PostalMime.parse(raw) : Promise.resolve(headerOnly(raw));
          parsing.then(
            (parsed) => {
              this.received.push({ envelope, raw, parsed });
              this.notify();
              if (this.delayMs > 0) setTimeout(() => callback(), this.delayMs);
              else callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    server.on('error', () => {
      // Connection-level errors (a client that went away) are not test failures.
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private notify() {
    this.waiters = this.waiters.filter((waiter) => {
      if (this.received.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves once `count` messages have arrived in total. */
  waitFor(count: number, timeoutMs = 5000): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`SMTP sink: ${this.received.length} of ${count} messages after ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Stops listening: new connections are refused until `restart()`. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen(this.port);
  }

  messageIds(): string[] {
    return this.received.map((mail) => mail.parsed.messageId ?? '');
  }
}
