// Two-factor sign-in with TOTP, with the app's clock injected: the codes are computed in the
// test with otpauth, as an authenticator app would.
import { Secret, TOTP } from 'otpauth';
import type { Agent } from 'supertest';
import { describe, expect, it } from 'vitest';
import { organisersRepository } from '../../server/organisers/organisers.repository.ts';
import { recoveryCodes } from '../../server/organisers/organisers.table.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { csrfToken, fieldError, pageText, parseHtml } from '../helpers/html.ts';
import { manualClock } from '../helpers/mail.ts';

const codeAt = (secret: string, at: Date) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime(), period: 30, digits: 6, algorithm: 'SHA1' });

async function installation(env: Record<string, string> = {}) {
  const time = manualClock(fixedNow);
  const test = await buildTestApp({ clock: time.clock, env });
  const account = await makeOrganiser(test.db, { name: 'Andrea Koordination', email: 'andrea@example.org' });
  const now = () => time.clock();
  /** Switches two-factor sign-in on through the account page; returns the secret and the recovery codes. */
  const enable = async (agent: Agent) => {
    const setup = await submitForm(agent, '/account/two-factor', '/account/two-factor/setup', {});
    expect(setup.status).toBe(200);
    const $ = parseHtml(setup.text);
    expect($('.qr-code svg').length).toBe(1);
    const secret = $('.totp-secret').text().replace(/\s/g, '');
    const wrong = await agent.post('/account/two-factor/confirm').type('form').send({ _csrf: csrfToken(setup.text), code: '000000' });
    expect(wrong.status).toBe(422);
    expect(fieldError(wrong.text, 'code')).toMatch(/stimmt nicht/);
    const confirmed = await agent.post('/account/two-factor/confirm').type('form').send({ _csrf: csrfToken(wrong.text), code: codeAt(secret, now()) });
    expect(confirmed.status).toBe(200);
    const codes = parseHtml(confirmed.text)('.recovery-codes code').map((_, element) => parseHtml(confirmed.text)(element).text()).get();
    return { secret, codes };
  };
  /** The password step; returns the agent waiting at the code page. */
  const passwordStep = async () => {
    const agent = test.http();
    const response = await submitForm(agent, '/login', '/login', { email: 'andrea@example.org', password: account.password, next: '/appeals' });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/login/code');
    return agent;
  };
  const sendCode = async (agent: Agent, code: string) => submitForm(agent, '/login/code', '/login/code', { code });
  return { ...test, time, account, now, enable, passwordStep, sendCode };
}

describe('two-factor sign-in (TOTP)', () => {
  it('is switched on with a code from the app; then a login needs the code, and the session starts only after it', async () => {
    const world = await installation();
    const agent = world.http();
    await loginAs(agent, { email: 'andrea@example.org', password: world.account.password });
    const { secret, codes } = await world.enable(agent);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    // The secret is stored sealed, never as typed.
    const stored = organisersRepository(world.db).findByEmail('andrea@example.org')!;
    expect(stored.totpSecret).not.toContain(secret);
    const page = await agent.get('/account/two-factor').expect(200);
    expect(pageText(page.text)).toContain('ist eingeschaltet');
    expect(page.text).not.toContain(secret);

    world.time.advance(30_000);
    const waiting = await world.passwordStep();
    // Password alone opens nothing.
    await waiting.get('/appeals').expect(303);
    const code = codeAt(secret, world.now());
    // Spaces (as apps show the code) are ignored.
    const done = await world.sendCode(waiting, `${code.slice(0, 3)} ${code.slice(3)}`);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/appeals');
    await waiting.get('/appeals').expect(200);
  });

  it('never accepts a code twice, nor a code from an earlier window', async () => {
    const world = await installation();
    const agent = world.http();
    await loginAs(agent, { email: 'andrea@example.org', password: world.account.password });
    const { secret } = await world.enable(agent);
    world.time.advance(60_000);
    const first = await world.passwordStep();
    const code = codeAt(secret, world.now());
    expect((await world.sendCode(first, code)).status).toBe(303);

    // The same code again, at the same moment: refused.
    const replay = await world.passwordStep();
    const reused = await world.sendCode(replay, code);
    expect(reused.status).toBe(422);
    expect(fieldError(reused.text, 'code')).toMatch(/schon benutzt/);
    await replay.get('/appeals').expect(303);

    // A code from 90 seconds ago (three windows back): refused.
    world.time.advance(30_000);
    const old = await world.sendCode(replay, codeAt(secret, new Date(world.now().getTime() - 90_000)));
    expect(old.status).toBe(422);
    // The previous window is still fine (a phone clock a little off).
    world.time.advance(30_000);
    expect((await world.sendCode(replay, codeAt(secret, new Date(world.now().getTime() - 30_000)))).status).toBe(303);
  });

  it('recovery codes work once each, with or without the dash', async () => {
    const world = await installation();
    const agent = world.http();
    await loginAs(agent, { email: 'andrea@example.org', password: world.account.password });
    const { codes } = await world.enable(agent);
    expect(codes[0]).toMatch(/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);
    // Stored only as hashes.
    const stored = world.db.select().from(recoveryCodes).all();
    expect(stored).toHaveLength(10);
    for (const code of codes) expect(stored.some((row) => row.codeHash.includes(code.replace(/-/g, '')))).toBe(false);
    const first = await world.passwordStep();
    const used = await world.sendCode(first, codes[0]!.toUpperCase());
    expect(used.status).toBe(303);
    const landed = await first.get('/appeals').expect(200);
    expect(pageText(landed.text)).toContain('Es bleiben noch 9');

    const second = await world.passwordStep();
    expect((await world.sendCode(second, codes[0]!)).status).toBe(422);
    expect((await world.sendCode(second, codes[1]!.replace('-', ' '))).status).toBe(303);
    const page = await second.get('/account/two-factor').expect(200);
    expect(pageText(page.text)).toContain('noch 8 unbenutzte');
  });

  it('limits wrong codes per account', async () => {
    const world = await installation();
    const agent = world.http();
    await loginAs(agent, { email: 'andrea@example.org', password: world.account.password });
    await world.enable(agent);
    const waiting = await world.passwordStep();
    const token = csrfToken((await waiting.get('/login/code')).text);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      statuses.push((await waiting.post('/login/code').type('form').send({ _csrf: token, code: '123456' })).status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 422)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('can be switched off with the password; then the password alone logs in', async () => {
    const world = await installation();
    const agent = world.http();
    await loginAs(agent, { email: 'andrea@example.org', password: world.account.password });
    await world.enable(agent);
    const wrong = await submitForm(agent, '/account/two-factor', '/account/two-factor/disable', { passwordOff: 'falsch' });
    expect(wrong.status).toBe(422);
    expect(fieldError(wrong.text, 'passwordOff')).toBeTruthy();
    expect((await submitForm(agent, '/account/two-factor', '/account/two-factor/disable', { passwordOff: world.account.password })).status).toBe(303);
    await loginAs(world.http(), { email: 'andrea@example.org', password: world.account.password });
  });
});

describe('REQUIRE_2FA', () => {
  it('sends an account without a second factor to set it up before anything else, and keeps it on', async () => {
    const world = await installation({ REQUIRE_2FA: 'true' });
    const agent = world.http();
    await loginAs(agent, { email: 'andrea@example.org', password: world.account.password });
    for (const url of ['/appeals', '/account', '/lists', '/mail']) {
      const response = await agent.get(url);
      expect({ url, status: response.status, location: response.headers.location }).toEqual({ url, status: 303, location: '/account/two-factor' });
    }
    const page = await agent.get('/account/two-factor').expect(200);
    expect(pageText(page.text)).toContain('vorgeschrieben');
    await world.enable(agent);
    await agent.get('/appeals').expect(200);
    const off = await submitForm(agent, '/account/two-factor', '/account/two-factor/disable', { passwordOff: world.account.password });
    expect(off.status).toBe(303);
    expect(organisersRepository(world.db).findByEmail('andrea@example.org')!.totpSecret).not.toBeNull();
  });
});

describe('a disabled account', () => {
  it('loses its open session at the next request and cannot log in again', async () => {
    const world = await installation();
    const agent = world.http();
    await loginAs(agent, { email: 'andrea@example.org', password: world.account.password });
    await agent.get('/appeals').expect(200);
    organisersRepository(world.db).setDisabled(world.account.organiser.id, world.now());
    await agent.get('/appeals').expect(303).expect('location', '/login?next=%2Fappeals');
    const refused = await submitForm(world.http(), '/login', '/login', { email: 'andrea@example.org', password: world.account.password });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'email')).toMatch(/gesperrt/);
  });
});
