import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { Db } from './client.ts';
import { upgradeAuditChains } from './audit-chain-upgrade.ts';
import { fromRoot } from '../shared/project-root.ts';

export const migrationsFolder = fromRoot('migrations');

/**
 * Applies the committed drizzle-kit migrations, then the data steps SQL cannot do (hashing);
 * a no-op when the database is current.
 */
export function migrateDatabase(db: Db): void {
  migrate(db as BetterSQLite3Database<Record<string, unknown>>, { migrationsFolder });
  upgradeAuditChains(db);
}
