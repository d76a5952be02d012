import { lookup } from 'node:dns/promises';
import { describe, expect, it } from 'vitest';
import { fetchOparlJson, OparlError } from '../../server/oparl/oparl-fetch.ts';
import type { OparlFetchOptions } from '../../server/oparl/oparl-fetch.ts';
import { isPrivateAddress } from '../../server/oparl/private-addresses.ts';
import { t } from '../../server/i18n/index.ts';
import { startOparlServer } from './oparl-server.ts';

const allowed: OparlFetchOptions = { allowPrivate: true, userAgent: 'Mitzeichnen/0.1.0 (+http://mitzeichnen.test)' };

async function failure(promise: Promise<unknown>): Promise<{ key: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OparlError) return { key: error.messageKey, message: t(error.messageKey, error.params) };
    throw error;
  }
  throw new Error('expected the fetch to fail');
}

describe('safe fetching from a council information system', () => {
  it('reads an OParl object and names Mitzeichnen in the User-Agent', async () => {
    const server = await startOparlServer();
    const system = (await fetchOparlJson(server.system, allowed)) as { type: string };
    expect(system.type).toBe('https://schema.oparl.org/1.1/System');
    expect(server.requests.at(-1)!.userAgent).toBe('Mitzeichnen/0.1.0 (+http://mitzeichnen.test)');
    // By host name: resolved once, checked, and the connection made to that address (where
    // "localhost" means 127.0.0.1, the address the test server listens on).
    if ((await lookup('localhost', { verbatim: true })).address !== '127.0.0.1') return;
    const byName = (await fetchOparlJson(server.system.replace('127.0.0.1', 'localhost'), allowed)) as { type: string };
    expect(byName.type).toBe('https://schema.oparl.org/1.1/System');
  });

  it('parses a large answer (over 256 KB) in a worker thread', async () => {
    const server = await startOparlServer();
    const data = Array.from({ length: 3000 }, (_, index) => ({ id: `${server.base}/p/${index}`, type: 'https://schema.oparl.org/1.1/Person', name: `Person ${index} ${'x'.repeat(100)}` }));
    server.raw.set('/large', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data, links: {} }));
    });
    const page = (await fetchOparlJson(`${server.base}/large`, allowed)) as { data: { name: string }[] };
    expect(page.data).toHaveLength(3000);
    expect(page.data[2999]!.name).toMatch(/^Person 2999 x+$/);
  });

  it('refuses file:, ftp: and other schemes before anything is read', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.org/system', 'javascript:alert(1)']) {
      const { key, message } = await failure(fetchOparlJson(url, allowed));
      expect(key).toBe('oparl.error.scheme');
      expect(message).toBe('Nur Adressen mit http:// oder https:// sind möglich.');
    }
  });

  it('refuses private, loopback and link-local addresses unless allowed, also by host name', async () => {
    const server = await startOparlServer();
    const refused = { ...allowed, allowPrivate: false };
    expect((await failure(fetchOparlJson(server.system, refused))).key).toBe('oparl.error.privateAddress');
    expect((await failure(fetchOparlJson(server.system.replace('127.0.0.1', 'localhost'), refused))).key).toBe('oparl.error.privateAddress');
    expect((await failure(fetchOparlJson(server.system.replace('127.0.0.1', '[::ffff:127.0.0.1]'), refused))).key).toBe('oparl.error.privateAddress');
    expect(server.requests).toHaveLength(0);
    for (const address of ['10.0.0.1', '172.16.5.4', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', 'fe80::1', 'fd00::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe']) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '2a00:1450:4001:80b::200e', '141.30.1.1']) expect(isPrivateAddress(address), address).toBe(false);
  });

  it('refuses a redirect to a private address before connecting to it', async () => {
    const server = await startOparlServer();
    for (const target of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/oparl']) {
      server.raw.set('/redirect', (_request, response) => {
        response.writeHead(302, { location: target });
        response.end();
      });
      // Only the test server itself is allowed; every other private address stays refused.
      const options = { ...allowed, allowPrivate: false, allowAddress: (address: string) => address === '127.0.0.1' };
      const started = Date.now();
      const { key, message } = await failure(fetchOparlJson(`${server.base}/redirect`, options));
      expect(key).toBe('oparl.error.redirectPrivate');
      expect(message).toContain('leitet auf eine interne Adresse');
      // Refused at once: no connection to 10.0.0.1 was tried (that would wait for the time limit).
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it('follows redirects by hand, at most five', async () => {
    const server = await startOparlServer();
    server.raw.set('/moved', (_request, response) => {
      response.writeHead(301, { location: '/oparl/v1/system' });
      response.end();
    });
    expect(((await fetchOparlJson(`${server.base}/moved`, allowed)) as { name: string }).name).toBe('Ratsinformationssystem Kreis Beispiel');
    server.raw.set('/loop', (_request, response) => {
      response.writeHead(302, { location: '/loop' });
      response.end();
    });
    expect((await failure(fetchOparlJson(`${server.base}/loop`, allowed))).key).toBe('oparl.error.tooManyRedirects');
    expect(server.requests.filter((request) => request.url === '/loop')).toHaveLength(6);
  });

  it('stops reading a 50 MB answer at the 5 MB limit', async () => {
    const server = await startOparlServer();
    let sent = 0;
    let aborted = false;
    server.raw.set('/huge', (request, response) => {
      // No Content-Length: the size is only known by counting while reading.
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      request.socket.on('close', () => (aborted = true));
      const write = () => {
        while (sent < 50 * 1024 * 1024) {
          sent += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', write);
        }
        response.end();
      };
      write();
    });
    const { key, message } = await failure(fetchOparlJson(`${server.base}/huge`, allowed));
    expect(key).toBe('oparl.error.tooLarge');
    expect(message).toBe('Eine Antwort des Ratsinformationssystems ist größer als 5 MB; das Lesen wurde abgebrochen.');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(aborted).toBe(true);
    expect(sent).toBeLessThan(20 * 1024 * 1024);
  });

  it('gives up on a slow server after the time limit', async () => {
    const server = await startOparlServer();
    server.raw.set('/slow', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"type":');
      // … and never more.
    });
    const { key, message } = await failure(fetchOparlJson(`${server.base}/slow`, { ...allowed, requestTimeoutMs: 500 }));
    expect(key).toBe('oparl.error.timeout');
    expect(message).toContain('nicht innerhalb von 0,5 Sekunden');
    // The whole import's limit stops a request in flight too.
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    expect((await failure(fetchOparlJson(`${server.base}/slow`, { ...allowed, signal: controller.signal }))).key).toBe('oparl.error.importTimeout');
  });

  it('says so for invalid JSON and an unreachable system', async () => {
    const server = await startOparlServer();
    server.raw.set('/broken', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"type": "https://schema.oparl.org/1.1/System", ');
    });
    expect((await failure(fetchOparlJson(`${server.base}/broken`, allowed))).message).toBe('Das Ratsinformationssystem hat kein gültiges JSON geliefert.');
    // A large broken answer is parsed in a worker thread and reported the same way.
    server.raw.set('/broken-large', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`{"data": [${'"x",'.repeat(200_000)}`);
    });
    expect((await failure(fetchOparlJson(`${server.base}/broken-large`, allowed))).key).toBe('oparl.error.invalidJson');
    const closed = `http://127.0.0.1:${(server.server.address() as { port: number }).port + 1}/oparl`;
    expect((await failure(fetchOparlJson(closed, allowed))).message).toContain('ist nicht erreichbar');
  });
});
