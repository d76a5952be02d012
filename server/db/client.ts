import Database from 'better-sqlite3';
import type { RunResult } from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as schema from './schema.ts';

/** A database handle or a transaction: repositories accept either. */
export type Db = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;

export type DatabaseConnection = {
  db: Db;
  sqlite: Database.Database;
  close: () => void;
};

/**
 * Opens (or creates) the SQLite file. WAL lets readers and the outbox worker run beside
 * writers; synchronous=FULL keeps an acknowledged signature or delivery state even after a
 * power loss, at a cost (thousands of commits per second) far above what the app needs.
 */
export function openDatabase(file: string): DatabaseConnection {
  const sqlite = new Database(file);
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  return { db, sqlite, close: () => sqlite.close() };
}
