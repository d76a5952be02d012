// Rate-limit counters are written without an fsync (issue 18: they were the largest cost of
// GET /s/… and /v/…); everything else on the connection keeps synchronous=FULL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { hitRateLimit, hitRateLimitTogether } from '../../server/db/rate-limits.ts';

const dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-rate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rate-limit counters', () => {
  it('count per window in a database file and leave the connection at synchronous=FULL', () => {
    const connection = openDatabase(join(dir, 'rate.sqlite'));
    migrateDatabase(connection.db);
    const deps = { db: connection.db, secret: 'rate-test-secret-rate-test-secret-01' };
    const limit = { max: 2, windowMs: 60_000 };
    const at = (seconds: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, seconds));
    const states = [0, 1, 2].map((s) => hitRateLimit({ ...deps, now: at(s) }, ['route', 'GET /v/:code', '10.0.0.1'], limit));
    expect(states.map((state) => [state.count, state.limited])).toEqual([[1, false], [2, false], [3, true]]);
    expect(states[2]!.retryAfterSeconds).toBe(58);
    // Another address counts on its own; a new window starts afresh.
    expect(hitRateLimit({ ...deps, now: at(3) }, ['route', 'GET /v/:code', '10.0.0.2'], limit).count).toBe(1);
    expect(hitRateLimit({ ...deps, now: at(61) }, ['route', 'GET /v/:code', '10.0.0.1'], limit).count).toBe(1);
    expect(connection.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    // Inside a transaction the counter is written as part of it.
    connection.sqlite.transaction(() => hitRateLimit({ ...deps, now: at(62) }, ['route', 'GET /v/:code', '10.0.0.1'], limit))();
    expect(connection.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    connection.close();
    // Kept across a restart (a new connection).
    const again = openDatabase(join(dir, 'rate.sqlite'));
    expect(hitRateLimit({ db: again.db, secret: deps.secret, now: at(63) }, ['route', 'GET /v/:code', '10.0.0.1'], limit).count).toBe(3);
    again.close();
  });

  it('count the hits of one event-loop turn in one commit, each caller with its own count', async () => {
    const connection = openDatabase(join(dir, 'together.sqlite'));
    migrateDatabase(connection.db);
    const deps = { db: connection.db, secret: 'rate-test-secret-rate-test-secret-01', now: new Date(Date.UTC(2026, 10, 25, 12, 0, 0)) };
    const limit = { max: 2, windowMs: 60_000 };
    // An empty log before: afterwards it holds the frames of what was committed.
    connection.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const walFrames = () => (connection.sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
    const states = await Promise.all([
      ...[1, 2, 3].map(() => hitRateLimitTogether(deps, ['route', 'GET /s/:token', '10.0.0.1'], limit)),
      hitRateLimitTogether(deps, ['route', 'GET /s/:token', '10.0.0.2'], limit),
    ]);
    expect(states.map((state) => [state.count, state.limited])).toEqual([[1, false], [2, false], [3, true], [1, false]]);
    // One transaction: the table's pages went to the log once (a commit per hit: twice as many).
    expect(walFrames()).toBeLessThanOrEqual(3);
    expect(connection.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    // The next turn counts on.
    expect((await hitRateLimitTogether(deps, ['route', 'GET /s/:token', '10.0.0.2'], limit)).count).toBe(2);
    connection.close();
  });
});
