import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { sqliteOf } from './client.ts';
import type { Db } from './client.ts';
import { rateLimits } from './rate-limits.table.ts';

/** A limit: at most `max` counted events per window of `windowMs`. */
export type RateLimit = { max: number; windowMs: number };

export type RateLimitState = { count: number; limited: boolean; retryAfterSeconds: number };

type Deps = { db: Db; now: Date; secret: string };

/** The stored key: an HMAC, so that the table names no address and no account. */
export const rateLimitKey = (secret: string, parts: string[]) => createHmac('sha256', secret).update(parts.join('\u0000'), 'utf8').digest('base64url');

const retryAfter = (windowStart: number, { windowMs }: RateLimit, now: number) => Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));

// The counting statement runs on every rate-limited request: prepared once per connection
// (building it with Drizzle cost more than running it). One statement: a fresh window when the
// stored one has ended, else one more in it.
const hitStatements = new WeakMap<object, { hit: Statement; sweep: Statement }>();
type Statement = { get(...params: unknown[]): unknown; run(...params: unknown[]): unknown };
function statementsOf(db: Db) {
  const client = sqliteOf(db);
  let statements = hitStatements.get(client);
  if (!statements) {
    statements = {
      hit: client.prepare(
        `insert into rate_limits (key, window_start, count) values (@key, @now, 1)
         on conflict (key) do update set
           count = case when window_start <= @expired then 1 else count + 1 end,
           window_start = case when window_start <= @expired then @now else window_start end
         returning count, window_start`,
      ),
      sweep: client.prepare('delete from rate_limits where window_start < ?'),
    };
    hitStatements.set(client, statements);
  }
  return statements;
}

/** Counts one event under `parts` and says whether it went over the limit. */
export function hitRateLimit({ db, now, secret }: Deps, parts: string[], limit: RateLimit): RateLimitState {
  const key = rateLimitKey(secret, parts);
  const nowMs = now.getTime();
  const statements = statementsOf(db);
  const row = statements.hit.get({ key, now: nowMs, expired: nowMs - limit.windowMs }) as { count: number; window_start: number };
  // Now and then, rows whose window ended long ago go.
  if (Math.random() < 0.01) statements.sweep.run(nowMs - 24 * 60 * 60 * 1000);
  return { count: row.count, limited: row.count > limit.max, retryAfterSeconds: retryAfter(row.window_start, limit, nowMs) };
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
