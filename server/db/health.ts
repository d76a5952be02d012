import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';

/** A trivial query: proves the database file is open and readable. */
export function checkDatabase(db: Db): boolean {
  try {
    return db.get<{ ok: number }>(sql`select 1 as ok`)?.ok === 1;
  } catch {
    return false;
  }
}
