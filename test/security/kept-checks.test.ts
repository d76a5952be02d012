// Checks that an attacker's tour of the app passed before issue 11, kept as tests so that
// they keep passing: personal links and sessions are stored only as hashes, and an SVG logo
// can neither read a local file nor call a server, whatever it references.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { reencodeLogo } from '../../server/signatories/logos.ts';
import { loginAs } from '../helpers/factories.ts';
import { guardWorld } from './guard-world.ts';

describe('secrets at rest', () => {
  it('stores personal signing links and session tokens only as hashes', async () => {
    const world = await guardWorld();
    const login = await loginAs(world.http(), { email: world.owner.organiser.email, password: world.owner.password });
    const sessionToken = /mz_session=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1];
    expect(sessionToken).toBeTruthy();
    // Every text in every table, as a database thief would read it.
    const tables = (world.sqlite.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((row) => row.name);
    const everything = tables
      .flatMap((table) => world.sqlite.prepare(`select * from "${table}"`).all() as Record<string, unknown>[])
      .flatMap((row) => Object.values(row).map((value) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : String(value))))
      .join('\n');
    expect(world.signingToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(everything).not.toContain(world.signingToken);
    // The cookie is signed (token.signature): the token part must not be stored either.
    const token = decodeURIComponent(sessionToken!).split('.')[0]!;
    expect(token.length).toBeGreaterThan(20);
    expect(everything).not.toContain(token);
  });
});

describe('SVG logos read nothing and call nothing', () => {
  const servers: { close: () => void }[] = [];
  afterEach(() => {
    while (servers.length > 0) servers.pop()!.close();
  });

  it('ignores file: and http: references, XInclude and DTD entities', async () => {
    let calls = 0;
    const server = createServer((_request, response) => {
      calls += 1;
      response.end('<svg xmlns="http://www.w3.org/2000/svg"/>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const svgs = {
      fileImage: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100"><image xlink:href="file:///etc/passwd" width="200" height="100"/><rect width="20" height="20"/></svg>`,
      httpImage: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100"><image xlink:href="${url}/logo.svg" width="200" height="100"/><rect width="20" height="20"/></svg>`,
      cssImport: `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><style>@import url("${url}/style.css");</style><rect width="20" height="20"/></svg>`,
      xinclude: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xi="http://www.w3.org/2001/XInclude" width="200" height="100"><text y="50"><xi:include href="${url}/text" parse="text"/><xi:include href="/etc/passwd" parse="text"/></text></svg>`,
      entity: `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY remote SYSTEM "${url}/entity"><!ENTITY local SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><text y="50">&remote;&local;</text></svg>`,
    };
    for (const [name, svg] of Object.entries(svgs)) {
      const bytes = Buffer.from(svg);
      const result = await reencodeLogo({ filename: `${name}.svg`, mimetype: 'image/svg+xml', size: bytes.length, bytes, tooLarge: false });
      // Either refused with a message, or re-encoded as a PNG that carries no text of the file.
      if (result.ok) {
        expect(result.png.subarray(0, 8).toString('hex'), name).toBe('89504e470d0a1a0a');
        expect(result.png.includes(Buffer.from('root:')), name).toBe(false);
      } else {
        expect(result.error, name).toMatch(/^logo\./);
      }
    }
    expect(calls).toBe(0);
  });
});
