// Rate limits counted in the database: login failures per account and per network, the public
// pages and forms; a restart does not reset them, a successful login does not count.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Agent } from 'supertest';
import supertest from 'supertest';
import { buildApp } from '../../server/app.ts';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { buildTestApp, fixedNow, tempDataDir, testConfig } from '../helpers/app.ts';
import { makeOrganiser } from '../helpers/factories.ts';
import { csrfToken, pageText } from '../helpers/html.ts';
import { manualClock } from '../helpers/mail.ts';

const MINUTE = 60 * 1000;

async function tryLogin(browser: Agent, email: string, password: string, from = '198.51.100.7') {
  const page = await browser.get('/login').set('x-forwarded-for', from);
  return browser.post('/login').set('x-forwarded-for', from).type('form').send({ _csrf: csrfToken(page.text), email, password });
}

describe('login limits', () => {
  it('lock an account after 10 failures from anywhere, with a German page and Retry-After; a success does not count', async () => {
    const time = manualClock(fixedNow);
    const { http, db, sqlite } = await buildTestApp({ clock: time.clock, env: { TRUST_PROXY: '127.0.0.1' } });
    const { organiser, password } = await makeOrganiser(db);
    const browser = http();
    // Nine failures from nine networks, then the right password: in.
    for (let n = 0; n < 9; n += 1) expect((await tryLogin(browser, organiser.email, 'falsch-falsch', `203.0.113.${n + 1}`)).status).toBe(422);
    expect((await tryLogin(http(), organiser.email, password)).status).toBe(303);
    // Had the success counted, this tenth failure would already be refused.
    expect((await tryLogin(browser, organiser.email, 'falsch-falsch', '192.0.2.50')).status).toBe(422);

    const locked = await tryLogin(browser, organiser.email, password, '192.0.2.51');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    expect(pageText(locked.text)).toMatch(/zu viele falsche Anmeldeversuche.*in \d+ Minuten erneut/);
    expect(locked.headers['content-security-policy']).toBeTruthy();
    // The table names neither the account nor an address.
    const keys = (sqlite.prepare('select key from rate_limits').all() as { key: string }[]).map((row) => row.key).join(' ');
    expect(keys).not.toContain(organiser.email);
    expect(keys).not.toContain('203.0.113');

    // Another account is not affected; after the window the account opens again.
    const other = await makeOrganiser(db);
    expect((await tryLogin(http(), other.organiser.email, other.password, '192.0.2.52')).status).toBe(303);
    time.advance(16 * MINUTE);
    expect((await tryLogin(http(), organiser.email, password, '192.0.2.53')).status).toBe(303);
  });

  it('lock a network after 30 failures across accounts', async () => {
    const { http, db } = await buildTestApp({ env: { TRUST_PROXY: '127.0.0.1' } });
    const { organiser, password } = await makeOrganiser(db);
    const browser = http();
    for (let n = 0; n < 30; n += 1) expect((await tryLogin(browser, `niemand${n}@example.org`, 'falsch-falsch', '2001:db8:1:2::99')).status).toBe(422);
    // The same /64, another address: still that network.
    expect((await tryLogin(browser, organiser.email, password, '2001:db8:1:2::1234')).status).toBe(429);
    expect((await tryLogin(http(), organiser.email, password, '2001:db8:1:3::1')).status).toBe(303);
  });

  it('survive a restart: a new app over the same database still refuses', async () => {
    const dataDir = tempDataDir();
    const config = testConfig({ DATA_DIR: dataDir });
    const file = join(dataDir, 'mitzeichnen.sqlite');
    const clock = () => new Date(fixedNow);
    let connection = openDatabase(file);
    migrateDatabase(connection.db);
    const { organiser, password } = await makeOrganiser(connection.db);
    let app = await buildApp({ config, db: connection.db, clock, logger: false });
    await app.ready();
    for (let n = 0; n < 10; n += 1) expect((await tryLogin(supertest.agent(app.server), organiser.email, 'falsch-falsch')).status).toBe(422);
    await app.close();
    connection.close();

    connection = openDatabase(file);
    app = await buildApp({ config, db: connection.db, clock, logger: false });
    await app.ready();
    const response = await tryLogin(supertest.agent(app.server), organiser.email, password);
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBeTruthy();
    await app.close();
    connection.close();
  });
});

describe('public pages and forms', () => {
  it('limit /v/ lookups, personal-link pages and every anonymous form, per network, with Retry-After', async () => {
    const time = manualClock(fixedNow);
    const { http } = await buildTestApp({ clock: time.clock, env: { TRUST_PROXY: '127.0.0.1' } });
    const visitor = http();
    const statuses = async (count: number, send: () => Promise<{ status: number }>) => {
      const seen: number[] = [];
      for (let n = 0; n < count; n += 1) seen.push((await send()).status);
      return seen;
    };
    // /v and /v/:code share one count: 60 per 10 minutes.
    const lookups = await statuses(61, () => visitor.get('/v/ABCD-EFGH').set('x-forwarded-for', '198.51.100.1'));
    expect(lookups.slice(0, 60).every((status) => status === 404)).toBe(true);
    expect(lookups[60]).toBe(429);
    expect((await visitor.get('/v?code=ABCD').set('x-forwarded-for', '198.51.100.1')).status).toBe(429);
    expect((await visitor.get('/v/ABCD-EFGH').set('x-forwarded-for', '198.51.100.2')).status).toBe(404);

    // Signing and withdraw pages: 60 a minute.
    const token = 'B'.repeat(43);
    const signing = await statuses(61, () => visitor.get(`/s/${token}`).set('x-forwarded-for', '198.51.100.3'));
    expect(signing[60]).toBe(429);
    const withdraw = await statuses(61, () => visitor.get(`/w/${token}`).set('x-forwarded-for', '198.51.100.3'));
    expect(withdraw[60]).toBe(429);
    const refused = await visitor.get(`/w/${token}`).set('x-forwarded-for', '198.51.100.3');
    expect(refused.headers['retry-after']).toBeTruthy();
    expect(pageText(refused.text)).toContain('Zu viele Versuche');
    time.advance(MINUTE + 1000);
    expect((await visitor.get(`/w/${token}`).set('x-forwarded-for', '198.51.100.3')).status).not.toBe(429);

    // A form without its own limit, sent anonymously: the public-form default (30 per 10 minutes).
    const logouts = await statuses(31, () => visitor.post('/logout').set('x-forwarded-for', '198.51.100.4').type('form').send({}));
    expect(logouts.slice(0, 30).every((status) => status === 403)).toBe(true);
    expect(logouts[30]).toBe(429);
  });
});
