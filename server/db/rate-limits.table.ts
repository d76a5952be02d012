import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Rate-limit counters (fixed windows), kept in the database so that a restart does not reset
 * them. The key is an HMAC of what is counted (route and client network, or account), so the
 * table holds no address or e-mail in clear; a row lives no longer than its window.
 */
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start', { mode: 'timestamp_ms' }).notNull(),
  count: integer('count').notNull(),
});

export type RateLimitRow = typeof rateLimits.$inferSelect;
