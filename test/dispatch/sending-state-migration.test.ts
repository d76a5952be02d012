// The migration that made "sending has started" part of the appeal's state: an appeal whose
// dispatch was still running when the app was updated becomes 'sending'.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase, migrationsFolder } from '../../server/db/migrate.ts';
import { startDispatch } from '../../server/dispatch/dispatch.service.ts';
import { createFileStore } from '../../server/shared/file-store.ts';
import { fixedNow, testConfig } from '../helpers/app.ts';
import { makeFinalAppeal, makeOrganiser } from '../helpers/factories.ts';

/**
 * Runs one migration's SQL again on a database with today's schema. Its data change is tested
 * on data made by today's code (an old schema would break each time a later migration adds a
 * column that today's code writes).
 */
function rerunMigration(sqlite: { exec(sql: string): unknown }, tag: string): void {
  const sql = readFileSync(join(migrationsFolder, `${tag}.sql`), 'utf8');
  for (const statement of sql.split('--> statement-breakpoint')) sqlite.exec(statement);
}

describe('migration 0002_appeal_sending_state', () => {
  it('moves a final appeal with a running dispatch to "sending" and leaves the others alone', async () => {
    const connection = openDatabase(':memory:');
    try {
      migrateDatabase(connection.db);
      const { db } = connection;
      const config = testConfig();
      const deps = { db, fileStore: createFileStore(config.uploadsDir), config };
      const { organiser } = await makeOrganiser(db);
      const running = await makeFinalAppeal(deps, organiser.id, { addressees: [{ email: 'eins@kleve.example' }] });
      const notStarted = await makeFinalAppeal(deps, organiser.id, { addressees: [{ email: 'zwei@kleve.example' }] });
      const finished = await makeFinalAppeal(deps, organiser.id, { addressees: [{ email: '' }] });
      for (const appeal of [running.appeal, finished.appeal]) {
        expect(startDispatch({ db, clock: () => fixedNow, appeal, actor: { organiserId: null, name: 'Test' } }).ok).toBe(true);
      }
      // As the app before this change left them: the running dispatch's appeal still 'final'.
      db.update(appeals).set({ state: 'final' }).where(eq(appeals.id, running.appeal.id)).run();
      const stateOf = (id: number) => db.select().from(appeals).where(eq(appeals.id, id)).get()!.state;
      expect([stateOf(running.appeal.id), stateOf(notStarted.appeal.id), stateOf(finished.appeal.id)]).toEqual(['final', 'final', 'sent']);

      rerunMigration(connection.sqlite, '0002_appeal_sending_state');
      expect([stateOf(running.appeal.id), stateOf(notStarted.appeal.id), stateOf(finished.appeal.id)]).toEqual(['sending', 'final', 'sent']);
    } finally {
      connection.close();
    }
  });
});
