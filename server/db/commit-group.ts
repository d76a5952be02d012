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
 */
type Unit = { work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

type Client = ReturnType<typeof sqliteOf>;

/** Units run in one transaction at most; the rest wait for the next turn. */
const MAX_UNITS = 200;

function createCommitGroup(client: Client) {
  let queue: Unit[] = [];
  let scheduled = false;

  const flush = () => {
    const units = queue.splice(0, MAX_UNITS);
    scheduled = false;
    if (queue.length > 0) schedule();
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      // IMMEDIATE: the write lock at once, so that another process's writer (the CLI) makes us
      // wait (busy_timeout) instead of failing on a lock upgrade.
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
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of this group is stored.
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
    setImmediate(flush);
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
