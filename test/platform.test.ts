import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, settingsDoc } from '../server/config.ts';
import { openDatabase } from '../server/db/client.ts';
import { migrateDatabase } from '../server/db/migrate.ts';
import { buildTestApp, tempDataDir } from './helpers/app.ts';
import { runMitzeichnen } from './helpers/cli.ts';
import { loginAs } from './helpers/factories.ts';
import { pageText } from './helpers/html.ts';

describe('configuration', () => {
  it('reports every bad value at once, naming the variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'achtzig', LOG_LEVEL: 'loud', BASE_URL: 'ftp://example.org', SESSION_SECRET: 'kurz', DATA_DIR: tempDataDir() });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('LOG_LEVEL');
    expect(message).toContain('BASE_URL');
    expect(message).toContain('SESSION_SECRET');
  });

  it('is documented in the README, every setting of the config module', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const setting of settingsDoc) expect(readme).toContain(`| \`${setting.name}\` |`);
  });

  it('generates a session secret once and keeps it in DATA_DIR', () => {
    const dataDir = tempDataDir();
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.sessionSecret).toBe(first.sessionSecret);
    expect(first.databaseFile).toBe(join(dataDir, 'mitzeichnen.sqlite'));
    expect(first.port).toBe(3000);
  });
});

describe('database', () => {
  it('migrates an empty file with WAL and foreign keys on, and migrating again changes nothing', () => {
    const file = join(tempDataDir(), 'leer.sqlite');
    const connection = openDatabase(file);
    migrateDatabase(connection.db);
    migrateDatabase(connection.db);
    expect(connection.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(connection.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = connection.sqlite.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[];
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['organisers', 'sessions', 'appeals', 'signatories', 'addressees']));
    connection.close();
  });

  it('answers /healthz with ok while the database works', async () => {
    const { http } = await buildTestApp();
    const response = await http().get('/healthz').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });
});

describe('error pages', () => {
  it('answers an unknown address with a German 404 page', async () => {
    const { http } = await buildTestApp();
    const response = await http().get('/gibt-es-nicht').expect(404);
    expect(pageText(response.text)).toContain('Seite nicht gefunden');
  });

  it('answers a broken database with a German 500 page and 503 on /healthz, without internals', async () => {
    const { http, sqlite } = await buildTestApp();
    sqlite.close();
    const page = await http().get('/');
    expect(page.status).toBe(500);
    expect(page.text).toMatch(/<html lang="de">/);
    expect(page.text).not.toMatch(/sqlite|stack|at \//i);
    await http().get('/healthz').expect(503);
  });
});

describe('command line', () => {
  it('seeds the demo once: a second run creates nothing and keeps the password', async () => {
    const env = { DATA_DIR: tempDataDir(), DEMO_PASSWORD: 'demo-passwort-123' };
    const first = await runMitzeichnen(['seed-demo'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('demo@example.org');
    expect(first.stdout).toContain('kleve-aufruf-integration');

    const second = await runMitzeichnen(['seed-demo'], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('exist already');

    const connection = openDatabase(join(env.DATA_DIR, 'mitzeichnen.sqlite'));
    const count = (table: string) => (connection.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    expect(count('appeals')).toBe(2);
    expect(count('addressee_lists')).toBe(4);
    expect(count('organisers')).toBe(1);
    connection.close();
  });

  it('creates an organiser with the password from stdin who can then log in', async () => {
    const dataDir = tempDataDir();
    const created = await runMitzeichnen(['create-organiser', '--email', 'kim@example.org', '--name', 'Kim Beispiel', '--password-stdin'], {
      env: { DATA_DIR: dataDir },
      stdin: 'ein-sicheres-passwort\n',
    });
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toContain('kim@example.org');

    const twice = await runMitzeichnen(['create-organiser', '--email', 'kim@example.org', '--name', 'Kim', '--password-stdin'], {
      env: { DATA_DIR: dataDir },
      stdin: 'ein-sicheres-passwort\n',
    });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('already exists');
  });

  it('refuses short and common passwords in create-organiser and set-password, exiting non-zero', async () => {
    const env = { DATA_DIR: tempDataDir() };
    const weak = await runMitzeichnen(['create-organiser', '--email', 'kim@example.org', '--name', 'Kim Beispiel', '--password-stdin'], { env, stdin: 'passwort1234\n' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password: Dieses Passwort ist zu verbreitet');

    const created = await runMitzeichnen(['create-organiser', '--email', 'kim@example.org', '--name', 'Kim Beispiel', '--password-stdin'], { env, stdin: 'ein-sicheres-passwort\n' });
    expect(created.code).toBe(0);
    const short = await runMitzeichnen(['set-password', '--email', 'kim@example.org', '--password-stdin'], { env, stdin: 'kurz-1234\n' });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('mindestens 12 Zeichen');
    const common = await runMitzeichnen(['set-password', '--email', 'kim@example.org', '--password-stdin'], { env, stdin: 'password123456\n' });
    expect(common.code).toBe(1);
    expect(common.stderr).toContain('zu verbreitet');
    const changed = await runMitzeichnen(['set-password', '--email', 'kim@example.org', '--password-stdin'], { env, stdin: 'noch ein sicherer Satz\n' });
    expect(changed.code).toBe(0);
  });

  it('exits non-zero with a usage message for unknown commands, bad options and bad configuration', async () => {
    const env = { DATA_DIR: tempDataDir() };
    const unknown = await runMitzeichnen(['versenden'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown command "versenden"');

    const badOption = await runMitzeichnen(['create-organiser', '--emial', 'x'], { env });
    expect(badOption.code).toBe(1);
    expect(badOption.stderr).toContain('Usage: mitzeichnen create-organiser');

    const badConfig = await runMitzeichnen(['migrate'], { env: { ...env, PORT: '0' } });
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toContain('PORT');

    const help = await runMitzeichnen(['--help'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('seed-demo');
  });

  it('writes a backup that opens as a database with the same appeals', async () => {
    const dataDir = tempDataDir();
    await runMitzeichnen(['seed-demo'], { env: { DATA_DIR: dataDir, DEMO_PASSWORD: 'demo-passwort-123' } });
    const target = join(dataDir, 'sicherung.sqlite');
    const backup = await runMitzeichnen(['backup', target], { env: { DATA_DIR: dataDir } });
    expect(backup.code).toBe(0);
    expect(existsSync(target)).toBe(true);
    const copy = openDatabase(target);
    expect((copy.sqlite.prepare('select count(*) as n from appeals').get() as { n: number }).n).toBe(2);
    copy.close();
    expect(readFileSync(target).subarray(0, 15).toString()).toBe('SQLite format 3');
  });
});

describe('demo data in the app', () => {
  it('shows the two Kreis Kleve appeals with organisations and addressees after login', async () => {
    const dataDir = tempDataDir();
    await runMitzeichnen(['seed-demo'], { env: { DATA_DIR: dataDir, DEMO_PASSWORD: 'demo-passwort-123' } });
    const connection = openDatabase(join(dataDir, 'mitzeichnen.sqlite'));
    const { buildApp } = await import('../server/app.ts');
    const app = await buildApp({ config: loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), db: connection.db, logger: false });
    await app.ready();
    try {
      const supertest = (await import('supertest')).default;
      const browser = supertest.agent(app.server);
      await loginAs(browser, { email: 'demo@example.org', password: 'demo-passwort-123' });
      const list = pageText((await browser.get('/appeals').expect(200)).text);
      expect(list).toContain('Integration');
      const signatories = pageText((await browser.get('/appeals/kleve-aufruf-integration/signatories').expect(200)).text);
      for (const name of ['AWO', 'Caritas', 'Diakonie', 'DGB']) expect(signatories).toContain(name);
      const addressees = pageText((await browser.get('/appeals/kleve-antrag-kiz/addressees').expect(200)).text);
      expect(addressees).toMatch(/Kreistag/);
    } finally {
      await app.close();
      connection.close();
    }
  });
});
