import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { inGroupCommit } from '../db/commit-group.ts';
import type { Clock } from '../shared/clock.ts';
import { createFileStore } from '../shared/file-store.ts';
import type { FileStore } from '../shared/file-store.ts';
import { isValidMailAddress } from './mail.service.ts';
import { t } from '../i18n/index.ts';
import { AppError } from '../shared/app-error.ts';
import type { ComposerRegistry } from './composers.ts';
import { mailRepository } from './mail.repository.ts';
import type { MailRepository } from './mail.repository.ts';
import type { OutboxRow } from './mail.table.ts';
import { MailNotNeeded } from './mail.types.ts';
import type { MailMessage, MailRenderer } from './mail.types.ts';
import type { MailTransport } from './transport.ts';
import { headerText } from './header-text.ts';
import { messageIdFor, messageOptions } from './raw-message.ts';

type Logger = {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
};

const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export type MailWorkerOptions = {
  db: Db;
  clock: Clock;
  config: Config;
  transport: MailTransport;
  composers: ComposerRegistry;
  render: MailRenderer;
  /** Given to composers (default: the store under DATA_DIR/uploads). */
  fileStore?: FileStore;
  logger?: Logger;
  /** Rows composed and sent at once (default SMTP_POOL): rendering overlaps sending. */
  concurrency?: number;
  /** Attempts in total before a 4xx/network failure is final (default 8). */
  maxAttempts?: number;
  /** Wait before attempt n+1 after n failed attempts (default 1 min doubling, at most 1 h). */
  retryDelayMs?: (attempts: number) => number;
  /** How long the worker pauses after a refused login or connection (default 1 min). */
  pauseMs?: number;
  /** How often the running worker looks for due rows (default 1 s). */
  pollIntervalMs?: number;
  /** A row `sending` for longer than this is in doubt even if its worker's process lives (default 10 min). */
  staleAfterMs?: number;
};

export type RunResult = { sent: number; failed: number; rejected: number; paused: boolean };

export type MailWorker = {
  /** Sends every row that is due now, then resolves. Tests drive the worker with it. */
  runOnce(): Promise<RunResult>;
  /**
   * Marks rows left in `sending` by a worker that is gone (its process died, or it held the
   * row for longer than `staleAfterMs`) as `uncertain`; returns their ids. Rows held by a live
   * worker (another process on this host, e.g. the CLI, or this process) are left alone.
   */
  recover(): number[];
  /** recover(), then runOnce() every poll interval until stop(). */
  start(): void;
  /** Wakes a started worker at once (after enqueueing). */
  wake(): void;
  /** Lets the messages in flight finish, then closes the transport. */
  stop(): Promise<void>;
};

export const defaultRetryDelayMs = (attempts: number) => Math.min(60_000 * 2 ** Math.max(attempts - 1, 0), 3_600_000);

type Outcome =
  | { kind: 'retry'; reason: string }
  | { kind: 'reject'; reason: string }
  | { kind: 'pause'; reason: string };

type SmtpFailure = Error & { code?: string; responseCode?: number; response?: string; command?: string };

/** What an SMTP error means for the row and the worker (DESIGN §7). */
export function classifySmtpError(error: unknown): Outcome {
  const failure = error as SmtpFailure;
  const detail = failure.response || failure.message || String(error);
  if (failure.code === 'EAUTH' || failure.responseCode === 530 || failure.responseCode === 535 || failure.responseCode === 534) {
    return { kind: 'pause', reason: t('mail.pause.auth', { detail }) };
  }
  if (failure.command === 'CONN' || failure.code === 'EDNS' || failure.code === 'ETLS' || failure.code === 'ECONNREFUSED') {
    return { kind: 'pause', reason: t('mail.pause.connection', { detail }) };
  }
  if (typeof failure.responseCode === 'number' && failure.responseCode >= 500) return { kind: 'reject', reason: detail };
  // Refused by nodemailer itself before talking to the server (message too large, bad address).
  if (failure.responseCode === undefined && (failure.code === 'EMESSAGE' || failure.code === 'EENVELOPE')) {
    return { kind: 'reject', reason: detail };
  }
  return { kind: 'retry', reason: detail };
}

/**
 * The outbox worker: claims due rows atomically, composes each message at send time through
 * the composer registry, sends it and records the outcome. Requests only insert rows.
 */
export function createMailWorker(options: MailWorkerOptions): MailWorker {
  const { db, clock, config, transport, composers, render } = options;
  const logger = options.logger ?? silentLogger;
  const concurrency = options.concurrency ?? config.mail.pool;
  const maxAttempts = options.maxAttempts ?? 8;
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
  const pauseMs = options.pauseMs ?? 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const staleAfterMs = options.staleAfterMs ?? 600_000;
  const host = hostname();
  const workerId = `${host}:${globalThis.process.pid}:${randomBytes(4).toString('hex')}`;
  const fileStore = options.fileStore ?? createFileStore(config.uploadsDir);
  const repository = mailRepository(db);
  const newMessageId = (row: OutboxRow) => messageIdFor(config, `mz.${row.id}.${randomBytes(8).toString('hex')}`);

  let stopping = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;

  const depsFor = (row: OutboxRow) => ({ db, clock, config, render, fileStore, row });

  async function compose(row: OutboxRow): Promise<MailMessage> {
    const composer = composers.get(row.kind);
    if (!composer) throw new Error(`no composer registered for "${row.kind}"`);
    const message = await composer(JSON.parse(row.payload) as unknown, depsFor(row));
    if (message.replyTo && !isValidMailAddress(message.replyTo.address)) {
      throw new Error(`invalid Reply-To address ${JSON.stringify(message.replyTo.address)}`);
    }
    return message;
  }

  /** Runs the kind's onOutcome hook (after the commit) with the row as now stored. */
  async function settled({ id, kind }: OutboxRow) {
    const hook = composers.hooks(kind).onOutcome;
    if (!hook) return;
    const row = repository.findById(id);
    if (!row) return;
    try {
      await hook(row, depsFor(row));
    } catch (error) {
      logger.error({ outboxId: id, kind: row.kind, err: error }, 'mail outcome hook failed');
    }
  }

  /**
   * An attempt's outcome: `write` records it (the row, the worker's pause state and the kind's
   * recordOutcome hook) inside the transaction that also claims the slot's next row, so a
   * letter costs one commit less; `after` runs once that has committed.
   */
  type Finished = { write: (tx: Db) => void; after: () => Promise<void> };

  /** The outcome of `row` as it will be stored, with the kind's recordOutcome hook (in a savepoint). */
  const finishing = (row: OutboxRow, values: Parameters<MailRepository['finishAttempt']>[1], after: () => Promise<void>): Finished => ({
    write(tx) {
      if (!mailRepository(tx).finishAttempt(row.id, values)) return;
      const hook = composers.hooks(row.kind).recordOutcome;
      if (!hook) return;
      const stored = { ...row, ...values } as OutboxRow;
      try {
        tx.transaction((inner) => hook(inner, stored, { ...depsFor(stored), db: inner }));
      } catch (error) {
        logger.error({ outboxId: row.id, kind: row.kind, err: error }, 'mail outcome record failed');
      }
    },
    after,
  });

  async function runOnce(): Promise<RunResult> {
    const result: RunResult = { sent: 0, failed: 0, rejected: 0, paused: false };
    const state = repository.workerState();
    if (state?.pausedUntil && state.pausedUntil > clock()) return { ...result, paused: true };
    let pauseStored = Boolean(state?.pausedAt);

    const deliver = async (row: OutboxRow): Promise<Finished> => {
      let message: MailMessage;
      try {
        message = await compose(row);
      } catch (error) {
        // A service the composer needs is down for now (a 503, e.g. the seal's timestamp server): tried again later, like a temporary SMTP failure.
        if (error instanceof AppError && error.statusCode === 503) {
          const now = clock();
          const reason = t(error.messageKey, error.params);
          const final = row.attempts >= maxAttempts;
          logger.warn({ outboxId: row.id, kind: row.kind, attempts: row.attempts, final, reason }, 'mail could not be composed for now');
          result.failed += 1;
          return finishing(row, { state: 'failed', nextAttemptAt: final ? null : new Date(now.getTime() + retryDelayMs(row.attempts)), lastError: reason, updatedAt: now }, () => settled(row));
        }
        // Composing is our own code and data: a retry would fail the same way.
        // A mail no longer needed says why in German (its composer's words); anything else failed.
        const reason = error instanceof MailNotNeeded ? error.message : t('mail.composeFailed', { detail: (error as Error).message });
        if (error instanceof MailNotNeeded) logger.info({ outboxId: row.id, kind: row.kind, reason: error.message }, 'mail no longer needed');
        else logger.error({ outboxId: row.id, kind: row.kind, err: error }, 'mail could not be composed');
        result.failed += 1;
        return finishing(row, { state: 'failed', nextAttemptAt: null, lastError: reason, updatedAt: clock() }, () => settled(row));
      }
      const subject = headerText(message.subject);
      try {
        const info = await transport.send(messageOptions({ config, envelope: row, message, date: clock() }));
        const now = clock();
        result.sent += 1;
        const finished = finishing(row, { state: 'sent', sentAt: now, smtpResponse: info.response, lastError: '', subject, updatedAt: now, ...(info.storedAs ? { storedFile: info.storedAs } : {}) }, () => settled(row));
        if (!pauseStored) return finished;
        pauseStored = false;
        return { ...finished, write: (tx) => (finished.write(tx), mailRepository(tx).recordSent(now)) };
      } catch (error) {
        const outcome = classifySmtpError(error);
        const now = clock();
        if (outcome.kind === 'pause') {
          pauseStored = true;
          result.paused = true;
          logger.warn({ outboxId: row.id, reason: outcome.reason }, 'mail worker paused');
          return {
            write(tx) {
              const records = mailRepository(tx);
              records.release(row.id, now, outcome.reason);
              records.pause(now, new Date(now.getTime() + pauseMs), outcome.reason);
            },
            after: async () => {},
          };
        }
        if (outcome.kind === 'reject') {
          logger.warn({ outboxId: row.id, reason: outcome.reason }, 'mail rejected');
          result.rejected += 1;
          return finishing(row, { state: 'rejected', lastError: outcome.reason, subject, updatedAt: now }, () => settled(row));
        }
        const final = row.attempts >= maxAttempts;
        const nextAttemptAt = final ? null : new Date(now.getTime() + retryDelayMs(row.attempts));
        logger.info({ outboxId: row.id, attempts: row.attempts, final, reason: outcome.reason }, 'mail attempt failed');
        result.failed += 1;
        return finishing(row, { state: 'failed', nextAttemptAt, lastError: outcome.reason, subject, updatedAt: now }, () => settled(row));
      }
    };

    // `concurrency` slots, each claiming one row at a time: one composes while another sends.
    // A slot records the outcome of its last row in the same commit that claims its next one,
    // right after the server's answer: the outcome commits no later than before, and the claim
    // still commits before the next message goes out.
    const slot = async () => {
      let finished: Finished | undefined;
      for (;;) {
        const claiming = !stopping && !result.paused;
        const previous = finished;
        // A unit of the connection's group commit: with the writes of the requests of the moment.
        const row = await inGroupCommit(db, () => {
          previous?.write(db);
          return claiming ? repository.claimDueWithin(clock(), 1, workerId, newMessageId)[0] : undefined;
        });
        finished = undefined;
        await previous?.after();
        if (!row) return;
        finished = await deliver(row);
      }
    };
    await Promise.all(Array.from({ length: Math.max(concurrency, 1) }, slot));
    return result;
  }

  /** Whether the worker that claimed the row may still be sending it. */
  function heldByLiveWorker(claimedBy: string, claimedAt: Date | null, now: Date): boolean {
    if (!claimedAt || now.getTime() - claimedAt.getTime() > staleAfterMs) return false;
    const [claimHost, claimPid] = claimedBy.split(':');
    if (claimHost !== host || !claimPid || !/^\d+$/.test(claimPid)) return false;
    if (Number(claimPid) === globalThis.process.pid) return true;
    try {
      globalThis.process.kill(Number(claimPid), 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  function recover(): number[] {
    const now = clock();
    const orphaned = repository
      .listSending()
      .filter((row) => !heldByLiveWorker(row.claimedBy, row.claimedAt, now))
      .map((row) => row.id);
    const ids = repository.markUncertain(orphaned, now);
    if (ids.length > 0) logger.warn({ outboxIds: ids }, 'mails found in flight of a stopped worker are now uncertain and will not be re-sent');
    return ids;
  }

  const sleep = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wakeUp = undefined;
        resolve();
      }, pollIntervalMs);
      wakeUp = () => {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      };
    });

  return {
    runOnce,
    recover,
    start() {
      if (loop) return;
      recover();
      logger.info({ transport: transport.kind, to: transport.description }, 'mail worker started');
      loop = (async () => {
        let lastRecovery = Date.now();
        while (!stopping) {
          try {
            // Another process's worker (e.g. the CLI) may have died meanwhile.
            if (Date.now() - lastRecovery > 60_000) {
              lastRecovery = Date.now();
              recover();
            }
            await runOnce();
          } catch (error) {
            logger.error({ err: error }, 'mail worker run failed');
          }
          if (!stopping) await sleep();
        }
      })();
    },
    wake() {
      wakeUp?.();
    },
    async stop() {
      stopping = true;
      wakeUp?.();
      await loop;
      transport.close();
    },
  };
}
