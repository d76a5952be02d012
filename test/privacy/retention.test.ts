// The daily retention job: mail content and .eml files after RETENTION_MAIL_DAYS, client
// addresses after RETENTION_IP_DAYS; letters stay. And the operator's CLI for one person.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { readAuditTrail } from '../../server/audit/audit.service.ts';
import { letterDocuments } from '../../server/letters/letter-documents.table.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { signatories } from '../../server/signatories/signatories.table.ts';
import { applyRetention } from '../../server/privacy/retention.ts';
import { createFileStore } from '../../server/shared/file-store.ts';
import { startDispatch } from '../../server/dispatch/dispatch.service.ts';
import { buildTestApp, fixedNow, tempDataDir } from '../helpers/app.ts';
import { makeFinalAppeal, makeOrganiser } from '../helpers/factories.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { runMitzeichnen } from '../helpers/cli.ts';
import { createBackground } from '../../server/background.ts';
import type { PersonExport } from '../../server/privacy/person-export.ts';

const DAY = 24 * 60 * 60 * 1000;
const emlCount = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.eml')).length : 0);

describe('retention', () => {
  it('deletes mail content and .eml files after the mail days, addresses after the ip days, and keeps letters', async () => {
    const time = manualClock(fixedNow);
    const test = await buildTestApp({ clock: time.clock, env: { RETENTION_MAIL_DAYS: '90', RETENTION_IP_DAYS: '30' } });
    const { organiser } = await makeOrganiser(test.db);
    // makeFinalAppeal signs with ip 127.0.0.1 and queues the co-signing mails (with sealed links).
    const made = await makeFinalAppeal({ db: test.db, fileStore: test.fileStore, config: test.config }, organiser.id);
    const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
    expect(startDispatch({ db: test.db, clock: time.clock, appeal: made.appeal, actor: { organiserId: organiser.id, name: 'Test' } }).ok).toBe(true);
    await worker.runOnce();
    await worker.runOnce();
    const mails = emlCount(test.config.mail.dir);
    // Two letters, and the thanks with the final letter to the two first signatories.
    expect(mails).toBe(4);
    const deps = { db: test.db, clock: time.clock, config: test.config };
    const ips = () => readAuditTrail({ db: test.db, appealId: made.appeal.id }).events.filter((event) => event.ip !== '').length;
    const auditIpsBefore = ips();
    expect(auditIpsBefore).toBeGreaterThan(0);

    expect(applyRetention(deps)).toEqual({ outboxRows: 0, emlFiles: 0, auditIps: 0, mailboxMessages: 0, supporterEmails: 0, unconfirmedSupporters: 0 });
    time.advance(29 * DAY);
    expect(applyRetention(deps).auditIps).toBe(0);
    time.advance(2 * DAY);
    // The audit events of makeFinalAppeal were written with the system clock (today); move past them.
    const removed = applyRetention({ ...deps, clock: () => new Date(Date.now() + 31 * DAY) });
    expect(removed.auditIps).toBe(auditIpsBefore);
    expect(ips()).toBe(0);
    expect(readAuditTrail({ db: test.db, appealId: made.appeal.id }).intact).toBe(true);

    time.advance(58 * DAY); // 89 days
    expect(applyRetention(deps)).toMatchObject({ outboxRows: 0, emlFiles: 0 });
    expect(emlCount(test.config.mail.dir)).toBe(mails);
    time.advance(2 * DAY); // 91 days
    const expired = applyRetention(deps);
    expect(expired.emlFiles).toBe(mails);
    expect(emlCount(test.config.mail.dir)).toBe(0);
    const rows = test.db.select().from(mailOutbox).all();
    const letters = rows.filter((row) => row.state === 'sent' && row.kind === 'appeal-letter');
    expect(letters.length).toBe(2);
    for (const row of letters) {
      expect(JSON.parse(row.payload)).toMatchObject({ expired: true });
      expect(row.state).toBe('sent');
      expect(row.subject).not.toBe('');
    }
    // A message still waiting keeps what it needs to be sent.
    expect(rows.filter((row) => row.state === 'queued').every((row) => !JSON.parse(row.payload).expired)).toBe(true);
    // Letters stay as long as the appeal exists.
    expect(test.db.select().from(letterDocuments).where(eq(letterDocuments.appealId, made.appeal.id)).all().length).toBeGreaterThan(0);
    expect(applyRetention(deps)).toEqual({ outboxRows: 0, emlFiles: 0, auditIps: 0, mailboxMessages: 0, supporterEmails: 0, unconfirmedSupporters: 0 });
  });

  it('refuses retention settings that are not whole numbers of days', () => {
    expect(() => loadConfig({ DATA_DIR: tempDataDir(), RETENTION_MAIL_DAYS: '0' })).toThrow(/RETENTION_MAIL_DAYS/);
    expect(() => loadConfig({ DATA_DIR: tempDataDir(), RETENTION_IP_DAYS: 'viel' })).toThrow(/RETENTION_IP_DAYS/);
    expect(loadConfig({ DATA_DIR: tempDataDir() }).retention).toEqual({ mailDays: 90, ipDays: 30, supporterEmailDays: 30 });
  });
});

describe('the background work', () => {
  it('applies the retention settings when it starts', async () => {
    const test = await buildTestApp();
    const { organiser } = await makeOrganiser(test.db);
    const made = await makeFinalAppeal({ db: test.db, fileStore: test.fileStore, config: test.config }, organiser.id);
    const ips = () => readAuditTrail({ db: test.db, appealId: made.appeal.id }).events.filter((event) => event.ip !== '').length;
    expect(ips()).toBeGreaterThan(0);
    const background = createBackground({ db: test.db, clock: () => new Date(Date.now() + 31 * DAY), config: test.config });
    background.start();
    await background.stop();
    expect(ips()).toBe(0);
  });
});

describe('the operator exports and deletes a person by e-mail', () => {
  it('export-person writes everything about the address; delete-person needs --yes', async () => {
    const env = { DATA_DIR: tempDataDir(), SESSION_SECRET: 'test-secret-test-secret-test-secret-0123', BASE_URL: 'http://mitzeichnen.test', LOG_LEVEL: 'silent' };
    const config = loadConfig(env);
    mkdirSync(config.dataDir, { recursive: true });
    const connection = openDatabase(config.databaseFile);
    migrateDatabase(connection.db);
    const { organiser } = await makeOrganiser(connection.db);
    const made = await makeFinalAppeal({ db: connection.db, fileStore: createFileStore(config.uploadsDir), config }, organiser.id, {
      addressees: [{ firstName: 'Ludger', lastName: 'Landrat', email: 'doppelt@example.org' }],
    });
    const awo = made.signatories[0]!;
    connection.db.update(signatories).set({ representativeEmail: 'doppelt@example.org' }).where(eq(signatories.id, awo.signatory.id)).run();
    connection.close();

    const exported = await runMitzeichnen(['export-person', '--email', 'Doppelt@Example.org'], { env });
    expect(exported.code).toBe(0);
    const data = JSON.parse(exported.stdout) as PersonExport;
    expect(data.representatives).toHaveLength(1);
    expect(data.addressees).toHaveLength(1);
    expect(data.organiser).toBeNull();

    const dry = await runMitzeichnen(['delete-person', '--email', 'doppelt@example.org'], { env });
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain('Nothing deleted');
    const done = await runMitzeichnen(['delete-person', '--email', 'doppelt@example.org', '--yes'], { env });
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('1 representative entry pseudonymised, 1 addressee entry deleted');
    const after = await runMitzeichnen(['export-person', '--email', 'doppelt@example.org'], { env });
    expect(after.code).toBe(2);
    expect(JSON.parse(after.stdout)).toMatchObject({ representatives: [], addressees: [], organiser: null });

    const check = openDatabase(config.databaseFile);
    try {
      expect(readAuditTrail({ db: check.db, appealId: made.appeal.id }).intact).toBe(true);
      expect(check.db.select().from(signatories).where(eq(signatories.id, awo.signatory.id)).get()!.representativeName).toBe('gelöschte Person');
    } finally {
      check.close();
    }
    const missing = await runMitzeichnen(['delete-person'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--email');
  });
});
