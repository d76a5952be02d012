import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
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
  if (file !== ':memory:') ownerOnly(file);
  const sqlite = new Database(file);
  if (file !== ':memory:') {
    sqlite.pragma('journal_mode = WAL');
    // SQLite gives its -wal and -shm files the database file's mode; older ones are tightened.
    for (const companion of [`${file}-wal`, `${file}-shm`]) if (existsSync(companion)) ownerOnly(companion);
  }
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  return { db, sqlite, close: () => sqlite.close() };
}

/**
 * The database file readable and writable by the app's user only (0600): created so before
 * SQLite opens it (an empty file is a new database), tightened when it exists.
 */
function ownerOnly(file: string): void {
  try {
    if (existsSync(file)) chmodSync(file, 0o600);
    else closeSync(openSync(file, 'a', 0o600));
  } catch {
    // A file of another user or a file system without modes: SQLite reports real problems.
  }
}

/** The better-sqlite3 connection under a database handle or one of its transactions (they share the session). */
export const sqliteOf = (db: Db): Database.Database => (db as unknown as { session: { client: Database.Database } }).session.client;
