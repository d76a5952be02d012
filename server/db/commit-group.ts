import { open } from 'node:fs/promises';
import { sqliteOf } from './client.ts';
import type { Db } from './client.ts';

/**
 * Group commit: the writes of requests that arrive together share one transaction, and so one
 * commit. With synchronous=FULL every commit is an fsync that holds the event loop (about a
 * quarter of a millisecond here); under a burst of public signatures it was a fifth of the
 * server's time. A unit is queued, the queue runs at the end of the event loop's turn (after
 * every request read in that turn) in one transaction, each unit in its own savepoint (a unit
 * that throws rolls back alone), and only after the commit does each caller get its result —
 * so an answer is never sent for a write that is not on disk.
 *
 * In a WAL database the fsync of the commit runs off the event loop: the group's transaction
 * commits with synchronous=NORMAL (SQLite writes the WAL without syncing it), then the WAL file
 * is synced in libuv's thread pool, and only then are the callers answered. Nothing acts on a
 * write before it is on disk, as with synchronous=FULL, but the event loop sends, renders and
 * answers meanwhile (the fsync was a fifth of the sending process's main thread). Other
 * transactions of the connection keep synchronous=FULL.
 */
type Unit = { work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

type Client = ReturnType<typeof sqliteOf>;

/** Units run in one transaction at most; the rest wait for the next turn. */
const MAX_UNITS = 200;

/** Commits without an fsync and syncs the WAL file afterwards; undefined for a database without a WAL file. */
function walSyncer(client: Client) {
  if (client.memory || client.pragma('journal_mode', { simple: true }) !== 'wal') return undefined;
  const wal = `${client.name}-wal`;
  return {
    commitUnsynced(commit: () => void) {
      const level = client.pragma('synchronous', { simple: true }) as number;
      client.pragma('synchronous = NORMAL');
      try {
        commit();
      } finally {
        client.pragma(`synchronous = ${level}`);
      }
    },
    // fsync of any descriptor of the file writes the file's pages; opened per sync, so none is left open.
    async sync() {
      const file = await open(wal, 'r');
      try {
        await file.sync();
      } finally {
        await file.close();
      }
    },
  };
}

function createCommitGroup(client: Client) {
  let queue: Unit[] = [];
  let scheduled = false;
  const syncer = walSyncer(client);

  const flush = async () => {
    const units = queue.splice(0, MAX_UNITS);
    scheduled = false;
    if (queue.length > 0) schedule();
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      // IMMEDIATE: the write lock at once, so that another process's writer (the CLI) makes us
      // wait (busy_timeout) instead of failing on a lock upgrade.
      const commit = () =>
        client
          .transaction(() => {
            for (const unit of units) {
              try {
                outcomes.push({ ok: true, value: client.transaction(unit.work)() });
              } catch (error) {
                outcomes.push({ ok: false, error });
              }
            }
          })
          .immediate();
      if (syncer) {
        syncer.commitUnsynced(commit);
        await syncer.sync();
      } else commit();
    } catch (error) {
      // The commit or its sync failed (disk full, I/O error): no caller may count on its write.
      for (const unit of units) unit.reject(error);
      return;
    }
    units.forEach((unit, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
  };

  const schedule = () => {
    scheduled = true;
    setImmediate(() => void flush());
  };

  return <T>(work: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) schedule();
    });
}

const groups = new WeakMap<object, ReturnType<typeof createCommitGroup>>();

/**
 * Runs `work` (synchronous, on `db`) in the connection's next group commit and resolves with
 * its result once that is committed. Use it for small, frequent writes of public requests.
 */
export function inGroupCommit<T>(db: Db, work: () => T): Promise<T> {
  const client = sqliteOf(db);
  let group = groups.get(client);
  if (!group) groups.set(client, (group = createCommitGroup(client)));
  return group(work);
}
