// The security headers are computed once from helmet's options (issue 18: helmet built them on
// every request); a page gets exactly what helmet itself sets with the same options.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.ts';
import { securityHeaders } from '../../server/plugins/security.ts';

async function helmetItself(secureCookies: boolean): Promise<Record<string, string>> {
  const apply = securityHeaders(secureCookies);
  const server = createServer((request, response) => {
    apply(request, response);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return Object.fromEntries([...answer.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name)));
  } finally {
    server.close();
  }
}

describe('security headers', () => {
  it('are those helmet sets with the same options, on a page and on a 404', async () => {
    const expected = await helmetItself(false);
    expect(expected['content-security-policy']).toContain("default-src 'self'");
    const app = await buildTestApp();
    for (const path of ['/login', '/gibt-es-nicht']) {
      const response = await app.http().get(path);
      for (const [name, value] of Object.entries(expected)) expect([path, name, response.headers[name]]).toEqual([path, name, value]);
    }
  });

  it('include HSTS and upgrade-insecure-requests behind https', async () => {
    const expected = await helmetItself(true);
    expect(expected['strict-transport-security']).toBe('max-age=31536000');
    const app = await buildTestApp({ env: { BASE_URL: 'https://mitzeichnen.test' } });
    const response = await app.http().get('/login');
    for (const [name, value] of Object.entries(expected)) expect([name, response.headers[name]]).toEqual([name, value]);
  });
});
