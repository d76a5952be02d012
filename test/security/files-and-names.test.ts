import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPendingImportStore } from '../../server/addressees/import/pending-imports.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import { backupDatabase } from '../../server/db/backup.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { createMailTransport } from '../../server/mail/transport.ts';
import { createFileStore } from '../../server/shared/file-store.ts';
import { appealSlug, reservedSlugs, slugify } from '../../server/shared/slug.ts';
import { buildTestApp, tempDataDir } from '../helpers/app.ts';
import { appealFormFields, loginAs, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { parseHtml } from '../helpers/html.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('DATA_DIR and its files are for the app\'s user only', () => {
  // A permissive umask, as on many servers: the modes must not depend on it.
  let previous: number;
  beforeEach(() => {
    previous = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(previous);
  });

  it('creates the folder 0700 and the session secret, database, uploads, stored mail, imports and backups 0600', async () => {
    const dataDir = join(tempDataDir(), 'neu', 'data');
    const config = loadConfig({ DATA_DIR: dataDir, BASE_URL: 'http://mitzeichnen.test', LOG_LEVEL: 'silent' });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'session-secret'))).toBe(0o600);

    const connection = openDatabase(config.databaseFile);
    migrateDatabase(connection.db);
    for (const file of [config.databaseFile, `${config.databaseFile}-wal`, `${config.databaseFile}-shm`]) {
      expect({ file, mode: mode(file) }).toEqual({ file, mode: 0o600 });
    }
    const backup = join(dataDir, 'sicherung.sqlite');
    await backupDatabase(connection.sqlite, backup);
    expect(mode(backup)).toBe(0o600);
    connection.close();

    const store = createFileStore(config.uploadsDir);
    const name = store.write('signatures', new Uint8Array([1, 2, 3]), 'png');
    expect(mode(config.uploadsDir)).toBe(0o700);
    expect(mode(join(config.uploadsDir, 'signatures'))).toBe(0o700);
    expect(mode(join(config.uploadsDir, 'signatures', name))).toBe(0o600);

    const transport = createMailTransport(config.mail);
    const sent = await transport.send({ from: 'a@example.org', to: 'b@example.org', subject: 'Test', text: 'Hallo' });
    transport.close();
    expect(mode(config.mail.dir)).toBe(0o700);
    expect(sent.storedAs).toMatch(/\.eml$/);
    expect(mode(join(config.mail.dir, sent.storedAs!))).toBe(0o600);

    const imports = createPendingImportStore(config.importsDir);
    const id = imports.save({ rows: [] }, new Date());
    expect(mode(config.importsDir)).toBe(0o700);
    expect(mode(join(config.importsDir, `${id}.json`))).toBe(0o600);

    // Nothing in the folder is readable by others.
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? [join(dir, entry.name), ...walk(join(dir, entry.name))] : [join(dir, entry.name)]));
    for (const path of walk(dataDir)) expect({ path, others: mode(path) & 0o077 }).toEqual({ path, others: 0 });
  });

  it('tightens an existing, world-readable DATA_DIR and database of an older install', () => {
    const dataDir = join(tempDataDir(), 'alt');
    mkdirSync(dataDir, { mode: 0o755 });
    const first = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent' });
    chmodSync(dataDir, 0o755);
    openDatabase(first.databaseFile).close();
    chmodSync(first.databaseFile, 0o644);
    const config = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent' });
    expect(mode(dataDir)).toBe(0o700);
    openDatabase(config.databaseFile).close();
    expect(mode(config.databaseFile)).toBe(0o600);
    expect(existsSync(config.databaseFile)).toBe(true);
  });
});

describe('slugs never take a fixed page\'s name', () => {
  it('gives reserved words a prefix and keeps other slugs as they were', () => {
    expect(appealSlug('New')).toBe('aufruf-new');
    expect(appealSlug('edit')).toBe('aufruf-edit');
    expect(appealSlug('Neu')).toBe('neu');
    expect(appealSlug('Integration ist kein Zufall')).toBe('integration-ist-kein-zufall');
    // File names of letters are not appeal slugs.
    expect(slugify('New')).toBe('new');
  });

  it('reserves every fixed path segment after /appeals/ in the route table', async () => {
    const { app } = await buildTestApp();
    const fixed = new Set(
      app.routeTable
        .map((route) => route.url.split('/'))
        .filter((parts) => parts[1] === 'appeals' && parts[2] !== undefined && parts[2] !== '' && !parts[2].startsWith(':'))
        .map((parts) => parts[2]!),
    );
    expect(fixed.size).toBeGreaterThan(0);
    for (const segment of fixed) expect({ segment, reserved: reservedSlugs.has(segment) }).toEqual({ segment, reserved: true });
  });

  it('an appeal titled "new" gets its own address and opens', async () => {
    const test = await buildTestApp();
    const { organiser, password } = await makeOrganiser(test.db);
    const browser = test.http();
    await loginAs(browser, { email: organiser.email, password });
    for (const [title, slug] of [['new', 'aufruf-new'], ['New', 'aufruf-new-2'], ['Edit', 'aufruf-edit']] as const) {
      const created = await submitForm(browser, '/appeals/new', '/appeals', { ...appealFormFields({ title, letterDate: '2026-12-01' }) });
      expect(created.status).toBe(303);
      expect(created.headers.location).toBe(`/appeals/${slug}`);
      const page = await browser.get(created.headers.location!).expect(200);
      expect(parseHtml(page.text)('h1').text()).toBe(title);
    }
    // /appeals/new is still the form for a new appeal.
    expect(parseHtml((await browser.get('/appeals/new').expect(200)).text)('form').length).toBeGreaterThan(0);
  });
});
