// Privacy of supporters: their addresses go some days after sending unless they asked to be
// kept informed; expired unconfirmed requests go; export and deletion like any person's data.
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { startDispatch } from '../../server/dispatch/dispatch.service.ts';
import { applyRetention } from '../../server/privacy/retention.ts';
import type { PersonExport } from '../../server/privacy/person-export.ts';
import { createFileStore } from '../../server/shared/file-store.ts';
import { placeholderLogo } from '../../server/signatories/logos.ts';
import { supportersRepository } from '../../server/supporters/supporters.repository.ts';
import { emailKeyOf } from '../../server/supporters/supporters.table.ts';
import { buildTestApp, fixedNow, tempDataDir } from '../helpers/app.ts';
import { loginAs, makeFinalAppeal, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { pageText } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { runMitzeichnen } from '../helpers/cli.ts';
import { addSupporter, addSupporters } from '../helpers/supporters.ts';

const DAY = 24 * 60 * 60 * 1000;

async function sentAppealWithSupporters() {
  const time = manualClock(fixedNow);
  const test = await buildTestApp({ clock: time.clock, env: { SUPPORTER_EMAIL_RETENTION_DAYS: '30' } });
  const owner = await makeOrganiser(test.db);
  let citizens: { forget: number; keep: number; organisation: number } = { forget: 0, keep: 0, organisation: 0 };
  const made = await makeFinalAppeal(test, owner.organiser.id, {
    appeal: { letterCountsCitizens: true },
    beforeFinalise: (appeal) => {
      citizens = {
        forget: addSupporter(test.db, appeal.id, { email: 'vergessen@example.org', keepInformed: false }).id,
        keep: addSupporter(test.db, appeal.id, { email: 'informiert@example.org', keepInformed: true }).id,
        organisation: addSupporter(test.db, appeal.id, { email: 'verein@example.org', kind: 'organisation', organisationName: 'Tafel Goch e.V.' }).id,
      };
    },
  });
  const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
  expect(startDispatch({ db: test.db, clock: time.clock, appeal: made.appeal, actor: { organiserId: owner.organiser.id, name: 'Test' } }).ok).toBe(true);
  await worker.runOnce();
  await worker.runOnce();
  expect(test.sqlite.prepare('SELECT finished_at FROM dispatches WHERE appeal_id = ?').get(made.appeal.id)).toMatchObject({ finished_at: expect.any(Number) });
  const email = (id: number) => (test.sqlite.prepare('SELECT email, email_key AS emailKey FROM supporters WHERE id = ?').get(id) as { email: string | null; emailKey: string });
  return { test, time, owner, appeal: made.appeal, ids: citizens, email };
}

describe('retention of supporters', () => {
  it('drops the addresses of those not kept informed SUPPORTER_EMAIL_RETENTION_DAYS after sending; the hash stays, so the address cannot sign twice', async () => {
    const { test, time, appeal, ids, email } = await sentAppealWithSupporters();
    const deps = { db: test.db, clock: time.clock, config: test.config };
    time.advance(29 * DAY);
    expect(applyRetention(deps).supporterEmails).toBe(0);
    expect(email(ids.forget).email).toBe('vergessen@example.org');
    time.advance(2 * DAY);
    expect(applyRetention(deps).supporterEmails).toBe(2);
    expect(email(ids.forget)).toEqual({ email: null, emailKey: emailKeyOf('vergessen@example.org') });
    expect(email(ids.organisation).email).toBeNull();
    expect(email(ids.keep).email).toBe('informiert@example.org');
    expect(applyRetention(deps).supporterEmails).toBe(0);
    // Still counted, and the same address on the same appeal is refused by the database.
    expect(supportersRepository(test.db).counts(appeal.id).citizens).toBe(2);
    expect(() => addSupporter(test.db, appeal.id, { email: ' Vergessen@Example.org ' })).toThrow(/UNIQUE/);
  });

  it('deletes unconfirmed requests once their confirmation link has expired, and nothing else', async () => {
    const time = manualClock(fixedNow);
    const test = await buildTestApp({ clock: time.clock });
    const { organiser } = await makeOrganiser(test.db);
    const { appeal } = await makeFinalAppeal(test, organiser.id);
    const now = fixedNow.getTime();
    addSupporter(test.db, appeal.id, { email: 'abgelaufen@example.org', state: 'unconfirmed', createdAt: new Date(now - 8 * DAY), confirmExpiresAt: new Date(now - DAY) });
    addSupporter(test.db, appeal.id, { email: 'noch-gueltig@example.org', state: 'unconfirmed', createdAt: new Date(now - 2 * DAY), confirmExpiresAt: new Date(now + 5 * DAY) });
    addSupporter(test.db, appeal.id, { email: 'ohne-frist@example.org', state: 'unconfirmed', createdAt: new Date(now - 8 * DAY) });
    addSupporter(test.db, appeal.id, { email: 'bestaetigt@example.org', createdAt: new Date(now - 60 * DAY) });
    addSupporter(test.db, appeal.id, { email: 'wartet@example.org', kind: 'organisation', state: 'awaiting_approval', createdAt: new Date(now - 60 * DAY) });
    expect(applyRetention({ db: test.db, clock: time.clock, config: test.config }).unconfirmedSupporters).toBe(2);
    const left = (test.sqlite.prepare('SELECT email FROM supporters WHERE appeal_id = ? ORDER BY id').all(appeal.id) as { email: string }[]).map((row) => row.email);
    expect(left).toEqual(['noch-gueltig@example.org', 'bestaetigt@example.org', 'wartet@example.org']);
  });
});

describe("a supporter's data", () => {
  it('the owner finds a supporter by e-mail (also after the address was dropped), sees and downloads the data, and deletes it: the count falls, the letter keeps its number', async () => {
    const { test, time, owner, appeal, ids } = await sentAppealWithSupporters();
    addSupporters(test.db, appeal.id, { citizens: 3 });
    time.advance(31 * DAY);
    applyRetention({ db: test.db, clock: time.clock, config: test.config });
    const browser = test.http();
    await loginAs(browser, { email: owner.organiser.email, password: owner.password });
    const base = `/appeals/${appeal.slug}/privacy`;
    const found = pageText((await browser.get(`${base}?q=${encodeURIComponent('Vergessen@example.org')}`).expect(200)).text);
    expect(found).toContain('Clara Bürgerin');
    expect(found).not.toContain('informiert@example.org');
    const page = pageText((await browser.get(`${base}/supporters/${ids.forget}`).expect(200)).text);
    for (const expected of ['Clara Bürgerin', '47574 Goch', 'bestätigt', 'gelöscht (nach dem Versand']) expect(page).toContain(expected);
    const json = JSON.parse((await browser.get(`${base}/supporters/${ids.forget}/export.json`).expect(200)).text) as PersonExport;
    expect(json.supporters).toEqual([expect.objectContaining({ kind: 'citizen', state: 'confirmed', firstName: 'Clara', email: null, consents: { nameShown: false, keepInformed: false, logo: false } })]);
    expect(JSON.stringify(json)).not.toMatch(/email_?key|token/i);

    const frozen = supportersRepository(test.db).findSnapshot(appeal.id);
    const before = supportersRepository(test.db).counts(appeal.id).citizens;
    const deleted = await submitForm(browser, `${base}/supporters/${ids.forget}`, `${base}/supporters/${ids.forget}/delete`, { confirm: 'on' });
    expect(deleted.status).toBe(303);
    expect(supportersRepository(test.db).findInAppeal(appeal.id, ids.forget)).toBeUndefined();
    expect(supportersRepository(test.db).counts(appeal.id).citizens).toBe(before - 1);
    expect(supportersRepository(test.db).findSnapshot(appeal.id)).toEqual(frozen);
    await browser.get(`${base}/supporters/${ids.forget}`).expect(404);
  });

  it("the owner of another appeal cannot see or delete the supporter", async () => {
    const { test, ids } = await sentAppealWithSupporters();
    const other = await makeOrganiser(test.db);
    const otherAppeal = (await makeFinalAppeal(test, other.organiser.id)).appeal;
    const browser = test.http();
    await loginAs(browser, { email: other.organiser.email, password: other.password });
    await browser.get(`/appeals/${otherAppeal.slug}/privacy/supporters/${ids.keep}`).expect(404);
    expect(pageText((await browser.get(`/appeals/${otherAppeal.slug}/privacy?q=informiert%40example.org`).expect(200)).text)).not.toContain('Clara');
  });

  it('export-person and delete-person find supporters by e-mail in every appeal, also after the address was dropped', async () => {
    const env = { DATA_DIR: tempDataDir(), SESSION_SECRET: 'test-secret-test-secret-test-secret-0123', BASE_URL: 'http://mitzeichnen.test', LOG_LEVEL: 'silent' };
    const config = loadConfig(env);
    mkdirSync(config.dataDir, { recursive: true });
    const connection = openDatabase(config.databaseFile);
    migrateDatabase(connection.db);
    const { organiser } = await makeOrganiser(connection.db);
    const { appeal } = await makeFinalAppeal({ db: connection.db, fileStore: createFileStore(config.uploadsDir), config }, organiser.id);
    addSupporter(connection.db, appeal.id, { email: 'zweimal@example.org' });
    // As after retention: the address is gone, its hash stays.
    connection.sqlite.prepare("UPDATE supporters SET email = NULL WHERE kind = 'citizen'").run();
    const fileStore = createFileStore(config.uploadsDir);
    const logoFile = fileStore.write('logos', await placeholderLogo('NH Kerken'), 'png');
    addSupporter(connection.db, appeal.id, { email: 'zweimal@example.org', kind: 'organisation', organisationName: 'Nachbarschaftshilfe Kerken e.V.', firstName: 'Jonas', lastName: 'Evers', logoFile, consentLogo: true });
    connection.close();

    const exported = await runMitzeichnen(['export-person', '--email', 'ZWEIMAL@example.org'], { env });
    expect(exported.code).toBe(0);
    const data = JSON.parse(exported.stdout) as PersonExport;
    expect(data.supporters.map((entry) => [entry.kind, entry.email])).toEqual([['citizen', null], ['organisation', 'zweimal@example.org']]);
    expect(data.supporters[1]!.organisation).toMatchObject({ name: 'Nachbarschaftshilfe Kerken e.V.' });

    expect(fileStore.read('logos', logoFile)).toBeDefined();
    const done = await runMitzeichnen(['delete-person', '--email', 'zweimal@example.org', '--yes'], { env });
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('2 supporter entries deleted');
    expect(fileStore.read('logos', logoFile)).toBeUndefined();
    const after = await runMitzeichnen(['export-person', '--email', 'zweimal@example.org'], { env });
    expect(after.code).toBe(2);
    const check = openDatabase(config.databaseFile);
    try {
      expect(check.sqlite.prepare('SELECT count(*) AS n FROM supporters').get()).toEqual({ n: 0 });
      expect(check.sqlite.prepare('SELECT citizens, organisations FROM supporter_counts WHERE appeal_id = ?').get(appeal.id)).toEqual({ citizens: 0, organisations: 0 });
    } finally {
      check.close();
    }
  });
});
