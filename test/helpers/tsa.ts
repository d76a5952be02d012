// A real RFC 3161 timestamp server for tests: `openssl ts -reply` behind a tiny HTTP server on
// loopback, with its own certificate (extendedKeyUsage critical timeStamping) made with openssl.
// It can be switched to answer 503 or to be slow, and counts the requests it answered.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type TestTsa = {
  url: string;
  /** The TSA's certificate (PEM file), e.g. for `openssl ts -verify`. */
  certificate: string;
  /** Requests answered with a token so far. */
  readonly answered: number;
  /** 'ok' answers, 'down' answers 503, 'slow' answers after `slowMs`. */
  mode: 'ok' | 'down' | 'slow';
  slowMs: number;
  close(): Promise<void>;
};

export async function startTestTsa(): Promise<TestTsa> {
  const dir = mkdtempSync(join(tmpdir(), 'mz-tsa-'));
  const key = join(dir, 'tsa.key');
  const certificate = join(dir, 'tsa.crt');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', certificate, '-days', '3650', '-subj', '/CN=Test-Zeitstempeldienst/O=Mitzeichnen Tests/C=DE', '-addext', 'extendedKeyUsage=critical,timeStamping', '-addext', 'keyUsage=critical,digitalSignature'],
    { stdio: 'pipe' },
  );
  writeFileSync(join(dir, 'serial'), '01\n');
  const config = join(dir, 'tsa.cnf');
  writeFileSync(
    config,
    [
      '[ tsa ]',
      'default_tsa = test_tsa',
      '[ test_tsa ]',
      `serial = ${join(dir, 'serial')}`,
      'crypto_device = builtin',
      `signer_cert = ${certificate}`,
      `signer_key = ${key}`,
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.55555.1',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = yes',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let answered = 0;
  let requests = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        if (tsa.mode === 'down') {
          response.writeHead(503).end('down');
          return;
        }
        if (tsa.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, tsa.slowMs));
        if (request.method !== 'POST' || request.headers['content-type'] !== 'application/timestamp-query') {
          response.writeHead(400).end();
          return;
        }
        requests += 1;
        const query = join(dir, `q${requests}.tsq`);
        const reply = join(dir, `r${requests}.tsr`);
        writeFileSync(query, Buffer.concat(chunks));
        try {
          await run('openssl', ['ts', '-reply', '-config', config, '-queryfile', query, '-out', reply]);
          const body = readFileSync(reply);
          answered += 1;
          if (!response.destroyed) response.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': body.length }).end(body);
        } catch (error) {
          response.writeHead(500).end((error as Error).message);
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const tsa: TestTsa = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`,
    certificate,
    get answered() {
      return answered;
    },
    mode: 'ok',
    slowMs: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return tsa;
}
