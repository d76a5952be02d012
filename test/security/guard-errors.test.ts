// Malformed requests of every kind get the one German error page, with the security headers,
// without echoing the input and never as a 500.
import { describe, expect, it } from 'vitest';
import type { Response } from 'supertest';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pageText } from '../helpers/html.ts';
import { guardWorld } from './guard-world.ts';

const MARKER = 'ECHO-MARKER-7f3a';

function expectGermanRefusal(response: Response, statuses: number[]) {
  expect(statuses, `${response.status} ${response.text.slice(0, 200)}`).toContain(response.status);
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  expect(response.text).toMatch(/<html lang="de">/);
  expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['referrer-policy']).toBe('no-referrer');
  expect(response.text).not.toContain(MARKER);
  expect(response.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

/** Multipart bodies a browser would never send. */
const malformedBodies: { name: string; contentType: string; body: string }[] = [
  { name: 'truncated part', contentType: 'multipart/form-data; boundary=XyZ', body: `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="${MARKER}.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 ${MARKER}` },
  { name: 'no boundary', contentType: 'multipart/form-data', body: `--XyZ\r\n${MARKER}\r\n--XyZ--` },
  { name: 'wrong boundary', contentType: 'multipart/form-data; boundary=AAA', body: `--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n${MARKER}\r\n--XyZ--\r\n` },
  { name: 'broken headers', contentType: 'multipart/form-data; boundary=XyZ', body: `--XyZ\r\nContent-Disposition: form-data; name="a\r\n${MARKER}\r\n\r\n--XyZ` },
  { name: 'empty', contentType: 'multipart/form-data; boundary=XyZ', body: '' },
];

describe('malformed multipart on every POST route', () => {
  it('answers 400/413/422 with the German page, anonymous and logged in, never 500', { timeout: 120_000 }, async () => {
    const world = await guardWorld();
    const posts = world.app.routeTable.filter((route) => route.method === 'POST');
    // Every upload route is among them.
    for (const upload of ['/s/:token/sign', '/v/:code', '/appeals/:slug/signatories', '/appeals/:slug/signatories/:id', '/lists/:listId/import']) {
      expect(posts.map((route) => route.url)).toContain(upload);
    }
    const failures: string[] = [];
    for (const route of posts) {
      const url = route.url.replace(':token', world.signingToken).replace(':code', 'ABCD-EFGH');
      for (const browser of [world.browser, world.http()]) {
        for (const malformed of malformedBodies) {
          const response = await browser.post(world.fill(url)).set('content-type', malformed.contentType).send(malformed.body);
          // Anonymous requests to the organiser area are sent to the login page before the body is read.
          if (response.status === 303 && response.headers.location?.startsWith('/login')) continue;
          try {
            // An empty body parses as an empty form: the missing CSRF token is refused (403).
            expectGermanRefusal(response, malformed.name === 'empty' ? [400, 403, 422] : [400, 413, 422]);
          } catch (error) {
            failures.push(`${route.url} (${malformed.name}): ${response.status} ${(error as Error).message.slice(-150)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('router and parser errors', () => {
  it('answer a URL that does not decode and an overlong parameter with the German page and security headers', async () => {
    const world = await guardWorld();
    expectGermanRefusal(await world.http().get(`/s/${MARKER}%E0%A4%A`), [400]);
    expectGermanRefusal(await world.http().get(`/s/${MARKER}${'a'.repeat(300)}`), [414]);
    expectGermanRefusal(await world.http().get(`/v/${MARKER}${'b'.repeat(300)}`), [414]);
  });

  it('answer a body that is too large, bad JSON and an unknown content type in German', async () => {
    const world = await guardWorld();
    const visitor = world.http();
    expectGermanRefusal(await visitor.post('/login').type('form').send(`email=${MARKER}${'a'.repeat(3 * 1024 * 1024)}`), [413]);
    expectGermanRefusal(await visitor.post('/login').set('content-type', 'application/json').send(`{"email": "${MARKER}`), [400, 415]);
    expectGermanRefusal(await visitor.post('/login').set('content-type', 'text/xml').send(`<a>${MARKER}</a>`), [415]);
    const page = await visitor.post('/login').set('content-type', 'application/json').send('{bad');
    expect(pageText(page.text)).toContain('Ungültige Anfrage');
  });

  it('answer headers over 16 KB (Node refuses them before Fastify) with a short German page, not JSON', async () => {
    const world = await guardWorld();
    await world.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = world.app.server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: `/s/${MARKER}${'c'.repeat(20_000)}` }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      });
      request.on('error', reject);
      request.end();
    });
    expect(answer.status).toBe(431);
    expect(answer.body).toMatch(/<html lang="de">/);
    expect(answer.body).not.toContain(MARKER);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['content-security-policy']).toBeTruthy();
  });
});
