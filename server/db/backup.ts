import { chmodSync, existsSync } from 'node:fs';
import type Database from 'better-sqlite3';

/**
 * An online backup of the live database (SQLite's backup API): consistent even while the
 * app keeps writing. Refuses to overwrite an existing file.
 */
export async function backupDatabase(sqlite: Database.Database, target: string): Promise<{ pages: number }> {
  if (existsSync(target)) throw new Error(`The file ${target} already exists; choose a new file name.`);
  const result = await sqlite.backup(target);
  chmodSync(target, 0o600);
  return { pages: result.totalPages };
}
