// The audit chain covers a salted digest of the personal text: pseudonymising a person or
// removing old addresses keeps it verifiable; editing a row in the database still breaks it;
// chains written before the digests are converted once (and a broken one stays broken).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase, migrationsFolder } from '../../server/db/migrate.ts';
import { pseudonymiseAuditEvents, readAuditTrail, recordAudit, removeAuditIps } from '../../server/audit/audit.service.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { fixedNow } from '../helpers/app.ts';
import { makeAppeal, makeOrganiser } from '../helpers/factories.ts';
import type { Db } from '../../server/db/client.ts';

const DAY = 24 * 60 * 60 * 1000;

async function appealWithEvents(db: Db) {
  const { organiser } = await makeOrganiser(db);
  const appeal = makeAppeal(db, organiser.id);
  let now = fixedNow.getTime();
  const clock = () => new Date((now += 1000));
  recordAudit({ db, clock, appealId: appeal.id, actor: 'Organisator:in Andrea Beispiel', action: 'opened_for_signing', detail: 'Textfassung 1' });
  recordAudit({ db, clock, appealId: appeal.id, actor: 'System', action: 'invited', detail: 'AWO: marta@awo.example' });
  recordAudit({ db, clock, appealId: appeal.id, actor: 'AWO (Marta Muster)', action: 'signed', detail: 'getippt', ip: '203.0.113.0' });
  recordAudit({ db, clock, appealId: appeal.id, actor: 'System', action: 'mail_sent', detail: 'Bestätigung an marta@awo.example' });
  return appeal;
}

describe('the audit chain and personal data', () => {
  it('stays intact when a person is pseudonymised and when old addresses are removed', async () => {
    const { db, sqlite } = createTestDatabase();
    const appeal = await appealWithEvents(db);
    expect(readAuditTrail({ db, appealId: appeal.id }).intact).toBe(true);

    expect(pseudonymiseAuditEvents({ db, appealId: appeal.id, mentions: ['Marta Muster', 'marta@awo.example'] })).toBe(3);
    const trail = readAuditTrail({ db, appealId: appeal.id });
    expect(trail.intact).toBe(true);
    expect(trail.events.map((event) => `${event.actor} | ${event.detail}`)).toEqual([
      'Organisator:in Andrea Beispiel | Textfassung 1',
      'System | AWO: gelöschte Person',
      'AWO (gelöschte Person) | getippt',
      'System | Bestätigung an gelöschte Person',
    ]);
    expect(trail.events.every((event) => event.ip === '')).toBe(true);
    expect(JSON.stringify(trail.events)).not.toContain('marta');

    // A pseudonymised row edited later: the chain hash does not cover it (its salt is gone),
    // but an unchanged row edited in the database still breaks the chain.
    sqlite.prepare("update audit_events set detail = 'Textfassung 2' where action = 'opened_for_signing'").run();
    expect(readAuditTrail({ db, appealId: appeal.id }).intact).toBe(false);
  });

  it('removes addresses after the retention period and keeps the chain', async () => {
    const { db, sqlite } = createTestDatabase();
    const appeal = await appealWithEvents(db);
    expect(removeAuditIps({ db, before: new Date(fixedNow.getTime() - DAY) })).toBe(0);
    expect(removeAuditIps({ db, before: new Date(fixedNow.getTime() + DAY) })).toBe(1);
    const trail = readAuditTrail({ db, appealId: appeal.id });
    expect(trail.intact).toBe(true);
    expect(trail.events.map((event) => event.ip)).toEqual(['', '', '', '']);
    // Putting an address back in is noticed.
    sqlite.prepare("update audit_events set ip = '198.51.100.0' where action = 'signed'").run();
    expect(readAuditTrail({ db, appealId: appeal.id }).intact).toBe(false);
  });

  it('detects a changed address and a changed impersonal field', async () => {
    const { db, sqlite } = createTestDatabase();
    const appeal = await appealWithEvents(db);
    sqlite.prepare("update audit_events set ip = '198.51.100.0' where action = 'signed'").run();
    expect(readAuditTrail({ db, appealId: appeal.id }).firstBrokenId).not.toBeNull();
    sqlite.prepare("update audit_events set ip = '203.0.113.0' where action = 'signed'").run();
    expect(readAuditTrail({ db, appealId: appeal.id }).intact).toBe(true);
    sqlite.prepare("update audit_events set action = 'declined' where action = 'signed'").run();
    expect(readAuditTrail({ db, appealId: appeal.id }).intact).toBe(false);
  });
});

/** A copy of the migrations up to (without) the one named. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mz-migrations-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

/** Rows as the app wrote them before 0003: the hash covers actor, detail and ip directly. */
function insertLegacyChain(sqlite: ReturnType<typeof openDatabase>['sqlite'], appealId: number, rows: { actor: string; action: string; detail: string; ip: string }[]) {
  let previous = '0'.repeat(64);
  rows.forEach((row, index) => {
    const at = fixedNow.getTime() + index * 1000;
    const content = JSON.stringify([appealId, at, row.actor, row.action, row.detail, '', row.ip]);
    const hash = createHash('sha256').update(`${previous}\n${content}`, 'utf8').digest('hex');
    sqlite
      .prepare('insert into audit_events (appeal_id, at, actor, action, detail, version_hash, ip, previous_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(appealId, at, row.actor, row.action, row.detail, '', row.ip, previous, hash);
    previous = hash;
  });
}

describe('migration 0003_audit_personal_digest', () => {
  it('converts intact chains so that they verify and can be pseudonymised; a broken one stays broken', async () => {
    const older = migrationsBefore('0003_audit_personal_digest');
    const connection = openDatabase(':memory:');
    try {
      migrate(connection.db as BetterSQLite3Database<Record<string, unknown>>, { migrationsFolder: older });
      const { db, sqlite } = connection;
      // Rows written with the columns of that time: the app's inserts know later columns.
      const organiserId = Number(sqlite.prepare("insert into organisers (email, name, password_hash, created_at) values ('alt@example.org', 'Alt', 'x', 0)").run().lastInsertRowid);
      const appealOf = (slug: string) => ({
        id: Number(sqlite.prepare("insert into appeals (slug, kind, coalition_name, title, created_by, created_at, updated_at) values (?, 'aufruf', 'Bündnis', 'Aufruf', ?, 0, 0)").run(slug, organiserId).lastInsertRowid),
      });
      const intact = appealOf('intakt');
      const tampered = appealOf('verfaelscht');
      const rows = [
        { actor: 'System', action: 'invited', detail: 'AWO: marta@awo.example', ip: '' },
        { actor: 'AWO (Marta Muster)', action: 'signed', detail: 'getippt', ip: '203.0.113.0' },
      ];
      insertLegacyChain(sqlite, intact.id, rows);
      insertLegacyChain(sqlite, tampered.id, rows);
      sqlite.prepare("update audit_events set detail = 'gefälscht' where appeal_id = ? and action = 'invited'").run(tampered.id);

      migrateDatabase(db);
      const converted = readAuditTrail({ db, appealId: intact.id });
      expect(converted.intact).toBe(true);
      expect(converted.events.every((event) => event.personalDigest !== '')).toBe(true);
      expect(converted.events.map((event) => event.detail)).toEqual(['AWO: marta@awo.example', 'getippt']);
      expect(readAuditTrail({ db, appealId: tampered.id }).intact).toBe(false);

      // Running it again changes nothing; new events append to the converted chain.
      migrateDatabase(db);
      recordAudit({ db, clock: () => new Date(fixedNow.getTime() + 60_000), appealId: intact.id, actor: 'System', action: 'finalised' });
      expect(readAuditTrail({ db, appealId: intact.id }).intact).toBe(true);
      pseudonymiseAuditEvents({ db, appealId: intact.id, mentions: ['Marta Muster', 'marta@awo.example'] });
      expect(readAuditTrail({ db, appealId: intact.id }).intact).toBe(true);
      // An edited converted row is still detected.
      sqlite.prepare("update audit_events set action = 'declined' where appeal_id = ? and action = 'signed'").run(intact.id);
      expect(readAuditTrail({ db, appealId: intact.id }).intact).toBe(false);
    } finally {
      connection.close();
      rmSync(older, { recursive: true, force: true });
    }
  });
});
