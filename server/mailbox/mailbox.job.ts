// The mailbox job: reads the new messages of the configured IMAP folder, has each parsed and
// classified off the event loop, hands it to the injected handler and records it, so that every
// message is handed over once. It only reads (the folder is opened read-only: no flag changes,
// nothing deleted or moved). When the server cannot be reached or refuses the login it pauses,
// with growing waits, says why in mailbox_state, and carries on when the server is back.
import { ImapFlow } from 'imapflow';
import type { MailboxConfig } from '../config.ts';
import type { Db } from '../db/client.ts';
import { createWorkerPool } from '../jobs/worker-pool.ts';
import type { WorkerPool } from '../jobs/worker-pool.ts';
import type { Clock } from '../shared/clock.ts';
import { normaliseMessageId } from './classify.ts';
import { FolderError, imapProblemOf, imapProblemText } from './imap-problem.ts';
import type { IncomingHandler, IncomingMessage } from './incoming.ts';
import { mailboxRepository } from './mailbox.repository.ts';
import type { MessagePlace } from './mailbox.repository.ts';

type Logger = {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
};

const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Larger messages are not fetched at all (noted as too large): municipal mail servers take 10–25 MB. */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
const PARSE_TIMEOUT_MS = 30_000;
const PARSE_MEMORY_MB = 512;
const TASK = new URL('./parse-message.task.ts', import.meta.url).href;

/** Wait after the n-th failure in a row: 1, 2, 4 … minutes, at most 30. */
export const defaultRetryDelayMs = (failures: number) => Math.min(60_000 * 2 ** Math.max(failures - 1, 0), 30 * 60_000);

export type MailboxJobOptions = {
  db: Db;
  clock: Clock;
  mailbox: MailboxConfig;
  handler: IncomingHandler;
  logger?: Logger;
  /** Messages larger than this are skipped (default 25 MB). */
  maxMessageBytes?: number;
  retryDelayMs?: (failures: number) => number;
  /** Time limit of one connection step (connect, greeting, a command), default 30 s. */
  timeoutMs?: number;
};

export type MailboxRun = { handedOver: number; skipped: number; failed: number; paused: boolean; problem?: string };

export type MailboxJob = {
  /** Reads the folder once (unless paused), then resolves. Tests drive the job with it. */
  runOnce(): Promise<MailboxRun>;
  /** runOnce() now, then every IMAP_POLL_SECONDS (or when the pause ends) until stop(). */
  start(): void;
  /** Ends the schedule; a reading in progress finishes first. */
  stop(): Promise<void>;
};

type Candidate = { uid: number; size: number; messageId: string | null };

export function createMailboxJob(options: MailboxJobOptions): MailboxJob {
  const { db, clock, mailbox, handler } = options;
  const logger = options.logger ?? silentLogger;
  const maxBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const repository = mailboxRepository(db);
  let pool: WorkerPool | undefined;
  let running: Promise<MailboxRun> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const parse = (raw: Uint8Array) => {
    pool ??= createWorkerPool({ threads: 1, timeoutMs: PARSE_TIMEOUT_MS, memoryMb: PARSE_MEMORY_MB });
    return pool.run<IncomingMessage>(TASK, 'parseIncoming', { raw }, { transfer: [raw] });
  };

  /** Hands one message over and records what became of it. */
  async function processMessage(client: ImapFlow, place: MessagePlace, candidate: Candidate, run: MailboxRun): Promise<void> {
    const base = { messageId: candidate.messageId, size: candidate.size };
    const record = (values: Omit<Parameters<typeof repository.record>[1], 'messageId' | 'size' | 'at'>) => repository.record(place, { ...base, ...values, at: clock() });
    if (candidate.messageId && repository.messageIdSettled(candidate.messageId)) {
      record({ kind: null, outcome: 'duplicate' });
      run.skipped += 1;
      return;
    }
    if (candidate.size > maxBytes) {
      logger.warn({ uid: place.uid, size: candidate.size }, 'mailbox message too large, skipped');
      record({ kind: null, outcome: 'too_large', detail: `${candidate.size} bytes` });
      run.skipped += 1;
      return;
    }
    let fetched: Awaited<ReturnType<ImapFlow['fetchOne']>>;
    try {
      fetched = await client.fetchOne(String(place.uid), { uid: true, source: true }, { uid: true });
    } catch (error) {
      // A server that announced a small size and sends more: noted like a large message, so it does not stop every run.
      if (!['LiteralTooLarge', 'ResponseTooLarge'].includes((error as { code?: string }).code ?? '')) throw error;
      record({ kind: null, outcome: 'too_large', detail: 'larger than announced' });
      run.skipped += 1;
      throw error;
    }
    if (!fetched || !fetched.source) return;
    let message: IncomingMessage;
    try {
      // A copy of its own, so that its buffer moves to the parser's thread instead of being copied.
      message = await parse(new Uint8Array(fetched.source));
    } catch (error) {
      logger.warn({ uid: place.uid, err: (error as Error).message }, 'mailbox message could not be parsed');
      record({ kind: null, outcome: 'unreadable', detail: (error as Error).message.slice(0, 200) });
      run.skipped += 1;
      return;
    }
    try {
      const outcome = await handler(message);
      record({ kind: message.kind, outcome });
      run.handedOver += 1;
      logger.info({ uid: place.uid, kind: message.kind, outcome }, 'mailbox message handed over');
    } catch (error) {
      logger.error({ uid: place.uid, kind: message.kind, err: error }, 'mailbox message handler failed');
      record({ kind: message.kind, outcome: 'failed', detail: (error as Error).message.slice(0, 200) });
      run.failed += 1;
    }
  }

  async function read(run: MailboxRun): Promise<void> {
    const client = new ImapFlow({
      host: mailbox.host,
      port: mailbox.port,
      secure: mailbox.secure,
      auth: mailbox.auth,
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: Math.max(timeoutMs, 120_000),
      // A server that announces more than the largest message we fetch is not believed.
      maxLiteralSize: maxBytes + 1024 * 1024,
    });
    // A connection that breaks later also ends the current command with an error; this only keeps the event from crashing the process.
    client.on('error', (error: Error) => logger.warn({ err: error.message }, 'mailbox connection error'));
    try {
      await client.connect();
      const lock = await client.getMailboxLock(mailbox.folder, { readOnly: true }).catch((error: unknown) => {
        throw new FolderError(error);
      });
      try {
        const opened = client.mailbox;
        if (!opened) throw new FolderError(null);
        const place = { folder: mailbox.folder, uidValidity: Number(opened.uidValidity) };
        const lastUid = repository.lastUid(place.folder, place.uidValidity);
        const retryable = new Set(repository.retryableUids(place.folder, place.uidValidity));
        const ranges = [...[...retryable].map(String), ...(opened.exists > 0 ? [`${lastUid + 1}:*`] : [])];
        const candidates: Candidate[] = [];
        if (ranges.length > 0) {
          for await (const message of client.fetch(ranges.join(','), { uid: true, size: true, envelope: true }, { uid: true })) {
            // `n:*` also names the last message when there is nothing newer.
            if (message.uid <= lastUid && !retryable.has(message.uid)) continue;
            candidates.push({ uid: message.uid, size: message.size ?? 0, messageId: normaliseMessageId(message.envelope?.messageId) });
          }
        }
        candidates.sort((a, b) => a.uid - b.uid);
        for (const candidate of candidates) {
          if (stopped) break;
          await processMessage(client, { ...place, uid: candidate.uid }, candidate, run);
        }
      } finally {
        lock.release();
      }
      repository.recordRead(clock());
      await client.logout().catch(() => undefined);
    } finally {
      client.close();
    }
  }

  async function runOnce(): Promise<MailboxRun> {
    const run: MailboxRun = { handedOver: 0, skipped: 0, failed: 0, paused: false };
    const state = repository.state();
    if (state?.retryAt && state.retryAt > clock()) return { ...run, paused: true, problem: state.problem };
    try {
      await read(run);
    } catch (error) {
      const problem = imapProblemText(imapProblemOf(error), mailbox.folder);
      const failures = (state?.failures ?? 0) + 1;
      const now = clock();
      repository.recordProblem(problem, now, new Date(now.getTime() + retryDelayMs(failures)));
      // The reason and the server's words, never the password (it is not in the error).
      logger.warn({ server: mailbox.displayUrl, problem, err: (error as Error).message }, 'mailbox cannot be read; paused');
      return { ...run, paused: true, problem };
    }
    return run;
  }

  const once = () => (running ??= runOnce().finally(() => (running = undefined)));

  function schedule(delayMs: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      void once().then((run) => {
        const retryAt = repository.state()?.retryAt;
        schedule(run.paused && retryAt ? Math.max(1000, retryAt.getTime() - clock().getTime()) : mailbox.pollSeconds * 1000);
      });
    }, delayMs);
    timer.unref();
  }

  return {
    runOnce: once,
    start() {
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
      await pool?.close();
      pool = undefined;
    },
  };
}
