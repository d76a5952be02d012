import { openDatabase } from '../../server/db/client.ts';
import type { DatabaseConnection } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';

/** A fresh in-memory database with the real migrations applied. */
export function createTestDatabase(): DatabaseConnection {
  const connection = openDatabase(':memory:');
  migrateDatabase(connection.db);
  return connection;
}
