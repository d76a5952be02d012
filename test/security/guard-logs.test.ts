// What the logs hold: no personal-link token and no full client address at any level, and
// one structured line per security event.
import { describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../server/app.ts';
import { addMember } from '../../server/appeals/appeals.service.ts';
import { redactLogLine, redactPath, redactText, truncateIp } from '../../server/shared/privacy-log.ts';
import { truncateIp as auditTruncateIp } from '../../server/audit/audit.service.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { fixedNow, testConfig } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { csrfToken } from '../helpers/html.ts';

describe('IP truncation as in the audit trail', () => {
  it('keeps IPv4 /24 and IPv6 /48, expanding :: first', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0');
    expect(truncateIp('::ffff:203.0.113.77')).toBe('203.0.113.0');
    expect(truncateIp('2a01::5')).toBe('2a01:0:0::');
    expect(truncateIp('2a01:db8::5')).toBe('2a01:db8:0::');
    expect(truncateIp('2a01:db8:abcd:12:34:56:78:9a')).toBe('2a01:db8:abcd::');
    expect(truncateIp('2a01:db8:abcd:12::5')).toBe('2a01:db8:abcd::');
    expect(truncateIp('::1')).toBe('0:0:0::');
    expect(truncateIp('fe80::1%eth0')).toBe('fe80:0:0::');
    expect(truncateIp('64:ff9b::192.0.2.33')).toBe('64:ff9b:0::');
    expect(truncateIp('kein-ip')).toBe('');
    expect(truncateIp('1:2:3:4:5:6:7:8:9')).toBe('');
    expect(truncateIp(undefined)).toBe('');
    // The audit trail uses the same function.
    expect(auditTruncateIp('2a01::5')).toBe('2a01:0:0::');
  });

  it('redacts personal-link tokens in paths and text', () => {
    const token = 'x'.repeat(20) + 'Y_-'.repeat(7) + 'abcd0123'.slice(0, 2);
    expect(token).toHaveLength(43);
    expect(redactPath(`/s/${token}/sign`)).toBe('/s/[…]/sign');
    expect(redactPath(`/w/${token}`)).toBe('/w/[…]');
    expect(redactPath('/r/irgendwas?token=geheim')).toBe('/r/[…]?[…]');
    expect(redactPath('/appeals/kleve/members')).toBe('/appeals/kleve/members');
    expect(redactText(`Link: https://mitzeichnen.example/s/${token} und ${token}.`)).not.toContain(token);
    expect(redactLogLine(`{"reqId":"req-1","a":"203.0.113.77","b":"x 2a01:db8:abcd:12::5 y","c":"12:30:00","d":"/s/${token}"}`)).toBe(
      '{"reqId":"req-1","a":"203.0.113.0","b":"x 2a01:db8:abcd:: y","c":"12:30:00","d":"/s/[…]"}',
    );
    expect(redactLogLine('{"msg":"Server listening at http://127.0.0.1:3000"}')).toContain('127.0.0.1');
  });
});

describe('log lines at level trace', () => {
  it('hold no token and no full address, and record security events as structured lines', { timeout: 60_000 }, async () => {
    const lines: string[] = [];
    const connection = createTestDatabase();
    const config = testConfig({ TRUST_PROXY: '127.0.0.1' });
    const app = await buildApp({ config, db: connection.db, clock: () => new Date(fixedNow), logger: { level: 'trace', destination: { write: (line: string) => lines.push(line) } } });
    await app.ready();
    try {
      const token = 'T0kEn_-'.repeat(6) + 'z';
      expect(token).toHaveLength(43);
      const v4 = '203.0.113.77';
      const v6 = '2a01:db8:abcd:12::5';
      const owner = await makeOrganiser(connection.db, { name: 'Andrea Beispiel' });
      const member = await makeOrganiser(connection.db);
      const appeal = makeAppeal(connection.db, owner.organiser.id);
      addMember({ db: connection.db, clock: () => new Date(), appeal, input: { email: member.organiser.email, role: 'editor' }, addedBy: 'Test' });

      for (const ip of [v4, v6]) {
        const visitor = supertest.agent(app.server);
        await visitor.get(`/s/${token}`).set('x-forwarded-for', ip);
        await visitor.get(`/w/${token}`).set('x-forwarded-for', ip);
        await visitor.get(`/s/${token}/entwurf.pdf`).set('x-forwarded-for', ip);
        await visitor.get(`/s/${token}%E0%A4%A`).set('x-forwarded-for', ip);
        await visitor.get(`/s/${token}${'a'.repeat(300)}`).set('x-forwarded-for', ip);
        await visitor.get(`/v?code=${token}`).set('x-forwarded-for', ip);
        await visitor.post(`/s/${token}/sign`).set('x-forwarded-for', ip).set('content-type', 'multipart/form-data; boundary=X').send('--X\r\nbroken');
        await visitor.post(`/w/${token}`).set('x-forwarded-for', ip).type('form').send({ _csrf: 'falsch' });
        const login = await visitor.get('/login').set('x-forwarded-for', ip);
        await visitor.post('/login').set('x-forwarded-for', ip).type('form').send({ _csrf: csrfToken(login.text), email: owner.organiser.email, password: 'falsch-falsch' });
      }

      const browser = supertest.agent(app.server);
      await loginAs(browser, { email: owner.organiser.email, password: owner.password });
      const newPassword = 'ein-neuer-langer-satz-als-passwort';
      expect((await submitForm(browser, '/account', '/account/password', { current: owner.password, password: newPassword, passwordRepeat: newPassword })).status).toBe(303);
      expect((await submitForm(browser, `/appeals/${appeal.slug}/members`, `/appeals/${appeal.slug}/members/${member.organiser.id}/role`, { role: 'viewer' })).status).toBe(303);
      const page = await browser.get('/account');
      await browser.post('/logout').type('form').send({ _csrf: csrfToken(page.text) });

      // Node refuses headers over 16 KB before Fastify: logged without the raw request.
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      await new Promise<void>((resolve) => {
        const request = httpRequest({ host: '127.0.0.1', port, path: `/s/${token}?${'q'.repeat(20_000)}` }, (response) => {
          response.resume();
          response.on('end', resolve);
        });
        request.on('error', () => resolve());
        request.end();
      });

      // A server error on a personal link: the stack and URL are logged, the token is not.
      connection.sqlite.close();
      expect((await supertest(app.server).get(`/s/${token}`).set('x-forwarded-for', v4)).status).toBe(500);

      const log = lines.join('');
      if (process.env.GUARD_LOG_DUMP) (await import('node:fs')).writeFileSync(process.env.GUARD_LOG_DUMP, log);
      expect(lines.length).toBeGreaterThan(50);
      expect(log).toContain('"level":10');
      expect(log).toContain('/s/[…]');
      expect(log).toContain('/w/[…]');
      expect(log).toContain('request failed');
      expect(log).not.toContain(token);
      expect(log).not.toContain(token.slice(0, 20));
      expect(log).not.toContain(v4);
      expect(log).not.toContain('2a01:db8:abcd:12');
      expect(log).toContain('203.0.113.0');
      expect(log).toContain('2a01:db8:abcd::');
      expect(log).not.toContain(owner.organiser.email);

      const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.securityEvent);
      const named = (event: string) => events.filter((line) => line.securityEvent === event);
      expect(named('login.failed')).toHaveLength(2);
      expect(named('login.failed')[0]).toMatchObject({ ip: '203.0.113.0', account: expect.stringMatching(/^[0-9a-f]{12}$/) });
      expect(named('login.succeeded')[0]).toMatchObject({ organiserId: owner.organiser.id });
      expect(named('password.changed')[0]).toMatchObject({ organiserId: owner.organiser.id });
      expect(named('role.changed')[0]).toMatchObject({ organiserId: member.organiser.id, actorId: owner.organiser.id, role: 'viewer' });
      expect(named('logout')[0]).toMatchObject({ organiserId: owner.organiser.id });
    } finally {
      await app.close();
    }
  });
});
