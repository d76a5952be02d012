import { createHmac } from 'node:crypto';
import { lt, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { rateLimits } from './rate-limits.table.ts';
import { preparedStatements } from './prepared.ts';

/** A limit: at most `max` counted events per window of `windowMs`. */
export type RateLimit = { max: number; windowMs: number };

export type RateLimitState = { count: number; limited: boolean; retryAfterSeconds: number };

type Deps = { db: Db; now: Date; secret: string };

/** The stored key: an HMAC, so that the table names no address and no account. */
export const rateLimitKey = (secret: string, parts: string[]) => createHmac('sha256', secret).update(parts.join('\u0000'), 'utf8').digest('base64url');

const retryAfter = (windowStart: number, { windowMs }: RateLimit, now: number) => Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));

// One statement, prepared once per connection (it runs on every limited request): a fresh
// window when the stored one has ended, else one more in it.
const statements = preparedStatements((db) => {
  const expired = sql.placeholder('expired');
  const nowMs = sql.placeholder('nowMs');
  return {
    hit: db
      .insert(rateLimits)
      .values({ key: sql.placeholder('key'), windowStart: sql`${nowMs}`, count: 1 })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          count: sql`case when ${rateLimits.windowStart} <= ${expired} then 1 else ${rateLimits.count} + 1 end`,
          windowStart: sql`case when ${rateLimits.windowStart} <= ${expired} then ${nowMs} else ${rateLimits.windowStart} end`,
        },
      })
      .returning()
      .prepare(),
  };
});

type Statement = { get(): unknown; run(): unknown };
type Sqlite = { inTransaction: boolean; prepare(source: string): Statement & { pluck(): Statement } };

// The pragmas of withoutSync, prepared once per connection (`pragma()` prepares anew on every call).
const syncPragmas = new WeakMap<Sqlite, { read: Statement; normal: Statement; restore: Map<number, Statement> }>();
function syncPragmasOf(sqlite: Sqlite) {
  let pragmas = syncPragmas.get(sqlite);
  if (!pragmas) syncPragmas.set(sqlite, (pragmas = { read: sqlite.prepare('PRAGMA synchronous').pluck(), normal: sqlite.prepare('PRAGMA synchronous = NORMAL'), restore: new Map() }));
  return pragmas;
}

/**
 * Runs `write` without waiting for the disk: a counter need not survive a power loss (the
 * database keeps synchronous=FULL for everything else), and in WAL mode its commit then costs
 * no fsync — otherwise one per limited request, the largest cost of GET /s/… and /v/…. A crash
 * of the app keeps it all the same (the WAL is written, only not synced).
 */
function withoutSync<T>(db: Db, write: () => T): T {
  const sqlite = (db as unknown as { $client?: Sqlite }).$client;
  if (!sqlite || sqlite.inTransaction) return write();
  const pragmas = syncPragmasOf(sqlite);
  const before = Number(pragmas.read.get() ?? 2);
  pragmas.normal.run();
  try {
    return write();
  } finally {
    let restore = pragmas.restore.get(before);
    if (!restore) pragmas.restore.set(before, (restore = sqlite.prepare(`PRAGMA synchronous = ${before}`)));
    restore.run();
  }
}

/** Counts one event under `parts` and says whether it went over the limit. */
export function hitRateLimit({ db, now, secret }: Deps, parts: string[], limit: RateLimit): RateLimitState {
  const key = rateLimitKey(secret, parts);
  const nowMs = now.getTime();
  const expired = nowMs - limit.windowMs;
  const row = withoutSync(db, () => statements(db).hit.get({ key, nowMs, expired }))!;
  // Now and then, rows whose window ended long ago go.
  if (Math.random() < 0.01) db.delete(rateLimits).where(lt(rateLimits.windowStart, new Date(nowMs - 24 * 60 * 60 * 1000))).run();
  return { count: row.count, limited: row.count > limit.max, retryAfterSeconds: retryAfter(row.windowStart.getTime(), limit, nowMs) };
}

type Hit = { deps: Deps; parts: string[]; limit: RateLimit; resolve: (state: RateLimitState) => void; reject: (error: unknown) => void };
const queues = new WeakMap<Sqlite, Hit[]>();

/**
 * `hitRateLimit` for the requests of one event-loop turn together: their counters are written in
 * one transaction at the end of the turn (one commit instead of one per request; a limited
 * public page is mostly this write), and each caller gets its own count once it is committed.
 */
export function hitRateLimitTogether(deps: Deps, parts: string[], limit: RateLimit): Promise<RateLimitState> {
  const sqlite = (deps.db as unknown as { $client?: Sqlite & { transaction(work: () => void): () => void } }).$client;
  if (!sqlite) return Promise.resolve(hitRateLimit(deps, parts, limit));
  return new Promise((resolve, reject) => {
    let queue = queues.get(sqlite);
    if (!queue) {
      queues.set(sqlite, (queue = []));
      setImmediate(() => {
        queues.delete(sqlite);
        const states: RateLimitState[] = [];
        try {
          withoutSync(deps.db, () => sqlite.transaction(() => queue!.forEach((hit) => states.push(hitRateLimit(hit.deps, hit.parts, hit.limit))))());
        } catch (error) {
          for (const hit of queue!) hit.reject(error);
          return;
        }
        queue!.forEach((hit, index) => hit.resolve(states[index]!));
      });
    }
    queue.push({ deps, parts, limit, resolve, reject });
  });
}

/** Whether `parts` is over its limit already, without counting (login checks before trying). */
export function peekRateLimit({ db, now, secret }: Deps, parts: string[], limit: RateLimit): RateLimitState {
  const key = rateLimitKey(secret, parts);
  const row = db.select().from(rateLimits).where(sql`${rateLimits.key} = ${key}`).get();
  const nowMs = now.getTime();
  if (!row || row.windowStart.getTime() <= nowMs - limit.windowMs) return { count: 0, limited: false, retryAfterSeconds: 0 };
  return { count: row.count, limited: row.count >= limit.max, retryAfterSeconds: retryAfter(row.windowStart.getTime(), limit, nowMs) };
}

/** Parses `'15 minutes'`, `'1 minute'`, `'30 seconds'`, `'1 hour'` or a number of milliseconds. */
export function windowMs(timeWindow: string | number): number {
  if (typeof timeWindow === 'number') return timeWindow;
  const match = /^\s*(\d+)\s*(second|minute|hour|day)s?\s*$/.exec(timeWindow);
  if (!match) throw new Error(`Unknown rate-limit window "${timeWindow}"`);
  const unit = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 }[match[2] as 'second'];
  return Number(match[1]) * unit;
}
