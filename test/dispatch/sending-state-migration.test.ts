// The migration that made "sending has started" part of the appeal's state: an appeal whose
// dispatch was still running when the app was updated becomes 'sending'.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it } from 'vitest';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase, migrationsFolder } from '../../server/db/migrate.ts';
import { startDispatch } from '../../server/dispatch/dispatch.service.ts';
import { createFileStore } from '../../server/shared/file-store.ts';
import { fixedNow, testConfig } from '../helpers/app.ts';
import { makeFinalAppeal, makeOrganiser } from '../helpers/factories.ts';

/** A copy of the migrations up to (without) the one named. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mz-migrations-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string; idx: number }[] };
  const cut = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

describe('migration 0002_appeal_sending_state', () => {
  it('moves a final appeal with a running dispatch to "sending" and leaves the others alone', async () => {
    const older = migrationsBefore('0002_appeal_sending_state');
    const connection = openDatabase(':memory:');
    try {
      migrate(connection.db as BetterSQLite3Database<Record<string, unknown>>, { migrationsFolder: older });
      const { db } = connection;
      // Today's code writes audit rows with the digest columns of a later migration
      // (0003_audit_personal_digest): lend them for making the data, then take them away again.
      const auditColumns = ['personal_salt', 'personal_digest', 'ip_salt', 'ip_digest'];
      for (const column of auditColumns) connection.sqlite.exec(`ALTER TABLE audit_events ADD ${column} text DEFAULT '' NOT NULL`);
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

      for (const column of auditColumns) connection.sqlite.exec(`ALTER TABLE audit_events DROP COLUMN ${column}`);
      migrateDatabase(db);
      expect([stateOf(running.appeal.id), stateOf(notStarted.appeal.id), stateOf(finished.appeal.id)]).toEqual(['sending', 'final', 'sent']);
    } finally {
      connection.close();
      rmSync(older, { recursive: true, force: true });
    }
  });
});
