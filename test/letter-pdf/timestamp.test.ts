// The seal's RFC 3161 signature timestamp (SEAL_TSA_URL) with a REAL timestamp server:
// `openssl ts -reply` behind a small HTTP server (test/helpers/tsa.ts). The sealed letter stays
// valid for pdfsig, its CMS carries the token as an unsigned attribute (openssl cms shows it),
// the token's message imprint is the SHA-256 of the signature value (parsed with node-forge)
// and openssl ts -verify accepts it. A server that is down or slow stops the letter.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, fixedNow, tempDataDir } from '../helpers/app.ts';
import { makeAddressee, makeAppeal, makeList, makeOrganiser } from '../helpers/factories.ts';
import { makeSealCertificate } from '../helpers/seal-certificate.ts';
import { startTestTsa } from '../helpers/tsa.ts';
import type { TestTsa } from '../helpers/tsa.ts';
import { ConfigError, loadConfig } from '../../server/config.ts';
import type { SealConfig } from '../../server/config.ts';
import { addListToAppeal } from '../../server/addressees/addressees.service.ts';
import { resolveLetter } from '../../server/letters/resolve-letter.ts';
import { buildRecipients } from '../../server/letters/recipients.ts';
import { prepareLetter, recipientTexts, salutationLinesFor, stampLetter } from '../../server/letter-pdf/letter-render.ts';
import { timestampLetters } from '../../server/letter-pdf/seal.ts';
import { TIMESTAMP_FAILED } from '../../server/letter-pdf/timestamp.ts';
import { createLetterRenderer } from '../../server/letters/letter-renderer.ts';
import { createWorkerPool } from '../../server/jobs/worker-pool.ts';
import { AppError } from '../../server/shared/app-error.ts';
import { t } from '../../server/i18n/index.ts';

type Asn1 = { tagClass: number; type: number; constructed: boolean; value: Asn1[] | string };
type Forge = {
  asn1: { fromDer(bytes: unknown): Asn1; toDer(node: Asn1): { getBytes(): string }; derToOid(bytes: unknown): string; Class: { CONTEXT_SPECIFIC: number } };
  util: { createBuffer(bytes: string, encoding: string): unknown };
};
const forge = createRequire(import.meta.url)('node-forge') as Forge;

const clock = () => new Date(fixedNow);
let certificate: ReturnType<typeof makeSealCertificate>;
let tsa: TestTsa;

beforeAll(async () => {
  certificate = makeSealCertificate();
  tsa = await startTestTsa();
});
afterAll(async () => {
  rmSync(certificate.dir, { recursive: true, force: true });
  await tsa.close();
});

const sealWithTsa = (env: Record<string, string> = {}): SealConfig =>
  loadConfig({ DATA_DIR: tempDataDir(), SEAL_P12_FILE: certificate.p12File, SEAL_P12_PASSWORD: certificate.password, SEAL_TSA_URL: tsa.url, ...env }).seal!;

async function preparedLetter(seal: SealConfig) {
  const app = await buildTestApp();
  const { organiser } = await makeOrganiser(app.db);
  const appeal = makeAppeal(app.db, organiser.id);
  const list = makeList(app.db, organiser.id);
  makeAddressee(app.db, list, { lastName: 'Dvořák', institution: 'Gemeinde Kranenburg' });
  addListToAppeal({ db: app.db, organiserId: organiser.id, appeal, listId: list.id, collective: false });
  const { model } = resolveLetter({ db: app.db, fileStore: app.fileStore, clock, appeal, baseUrl: app.config.baseUrl });
  const recipients = buildRecipients({ db: app.db, appeal }).personal.map((recipient) => ({ ...recipient, code: 'ABCD-EFGH' }));
  const prepared = await prepareLetter(model, { extraTexts: recipientTexts(recipients), salutationLines: salutationLinesFor(recipients), createdAt: clock(), seal });
  return { prepared, recipient: recipients[0]! };
}

function inDir(bytes: Uint8Array) {
  const dir = mkdtempSync(join(tmpdir(), 'mz-tsa-run-'));
  writeFileSync(join(dir, 'letter.pdf'), bytes);
  return { dir, file: join(dir, 'letter.pdf') };
}

/** The CMS of the (only) seal, exactly as long as its DER says (the placeholder's zeros cut off). */
function cmsOf(pdf: Uint8Array): Buffer {
  const text = Buffer.from(pdf).toString('latin1');
  const hex = /\/Contents <([0-9a-f]+)>/.exec(text)![1]!;
  const bytes = Buffer.from(hex, 'hex');
  // The DER length of the outer SEQUENCE.
  const first = bytes[1]!;
  const length = first < 0x80 ? first : [...bytes.subarray(2, 2 + (first & 0x7f))].reduce((sum, byte) => sum * 256 + byte, 0);
  return bytes.subarray(0, (first < 0x80 ? 2 : 2 + (first & 0x7f)) + length);
}

const children = (node: Asn1) => node.value as Asn1[];
const fromDer = (bytes: Buffer) => forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary'), 'raw'));

/** The SignerInfo's signature value and its signature timestamp token (both as DER/bytes), read with node-forge. */
function signatureAndToken(cms: Buffer): { signature: Buffer; token: Buffer | undefined } {
  const signedData = children(children(fromDer(cms))[1]!)[0]!;
  const signerInfo = children(children(signedData).at(-1)!)[0]!;
  const signature = Buffer.from(children(signerInfo).find((node, index) => index > 3 && node.type === 4)!.value as string, 'binary');
  const unsigned = children(signerInfo).find((node) => node.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && node.type === 1);
  const attribute = unsigned && children(unsigned).find((attr) => forge.asn1.derToOid(children(attr)[0]!.value) === '1.2.840.113549.1.9.16.2.14');
  if (!attribute) return { signature, token: undefined };
  const tokenNode = children(children(attribute)[1]!)[0]!;
  return { signature, token: Buffer.from(forge.asn1.toDer(tokenNode).getBytes(), 'binary') };
}

/** The message imprint (hashed message) of a token's TSTInfo, read with node-forge. */
function imprintOf(token: Buffer): { algorithm: string; hashed: Buffer } {
  const signedData = children(children(fromDer(token))[1]!)[0]!;
  const encapsulated = children(signedData)[2]!;
  expect(forge.asn1.derToOid(children(encapsulated)[0]!.value)).toBe('1.2.840.113549.1.9.16.1.4');
  const octets = children(children(encapsulated)[1]!)[0]!;
  const tstInfo = fromDer(Buffer.from(octets.value as string, 'binary'));
  const imprint = children(children(tstInfo)[2]!);
  return { algorithm: forge.asn1.derToOid(children(imprint[0]!)[0]!.value), hashed: Buffer.from(imprint[1]!.value as string, 'binary') };
}

describe('the signature timestamp (SEAL_TSA_URL)', () => {
  it('is added to the seal: pdfsig still finds it valid, the CMS carries the token over the signature value, openssl ts -verify accepts it, and the same letter keeps its bytes', { timeout: 60_000 }, async () => {
    const seal = sealWithTsa();
    expect(seal.tsa).toMatchObject({ url: tsa.url, timeoutMs: 10_000 });
    const { prepared, recipient } = await preparedLetter(seal);
    const before = tsa.answered;
    const [letter] = await timestampLetters([stampLetter(prepared, recipient)], seal);
    expect(tsa.answered).toBe(before + 1);
    expect(letter!.sha256).toBe(createHash('sha256').update(letter!.bytes).digest('hex'));
    expect(letter!.bytes.length).toBeLessThan(150 * 1024);

    const { dir, file } = inDir(letter!.bytes);
    // pdfsig (poppler 22.12) checks the signature over the byte range; it does not print timestamps.
    const check = spawnSync('pdfsig', [file], { encoding: 'utf8' });
    expect(check.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(check.stdout).toContain('Total document signed');
    expect(check.stdout).toContain('Signing Time: Nov 22 2026 10:00:00');
    expect(spawnSync('qpdf', ['--check', file], { encoding: 'utf8' }).status).toBe(0);
    // What pdfsig itself reads as the signature (-dump) holds the token as an unsigned attribute.
    execFileSync('pdfsig', ['-dump', file], { cwd: dir });
    const dumped = join(dir, readdirSync(dir).find((name) => name.endsWith('.sig0'))!);
    const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-noout', '-inform', 'DER', '-in', dumped], { encoding: 'utf8' });
    expect(printed).toMatch(/unsignedAttrs:\s+object: id-smime-aa-timeStampToken \(1\.2\.840\.113549\.1\.9\.16\.2\.14\)/);

    // The token, parsed back: its imprint is SHA-256 of the signature value.
    const { signature, token } = signatureAndToken(cmsOf(letter!.bytes));
    expect(token).toBeDefined();
    const imprint = imprintOf(token!);
    expect(imprint.algorithm).toBe('2.16.840.1.101.3.4.2.1');
    expect(imprint.hashed.equals(createHash('sha256').update(signature).digest())).toBe(true);
    // openssl verifies the token over the signature value with the TSA's certificate.
    writeFileSync(join(dir, 'token.der'), token!);
    writeFileSync(join(dir, 'signature.bin'), signature);
    const verify = spawnSync('openssl', ['ts', '-verify', '-token_in', '-in', join(dir, 'token.der'), '-data', join(dir, 'signature.bin'), '-CAfile', tsa.certificate], { encoding: 'utf8' });
    expect(verify.stdout).toContain('Verification: OK');

    // The same letter again: the token is kept by the signature (DATA_DIR/tsa-tokens), so the bytes are the same and the server is not asked.
    const [again] = await timestampLetters([stampLetter(prepared, recipient)], seal);
    expect(tsa.answered).toBe(before + 1);
    expect(Buffer.compare(Buffer.from(again!.bytes), Buffer.from(letter!.bytes))).toBe(0);
    expect(readdirSync(seal.tsa!.tokenDir)).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  });

  it('without a reachable server the letter is not issued: 503 from the server, no answer in time, or a server that is gone', { timeout: 60_000 }, async () => {
    // Time enough for a timestamp made by `openssl ts` on a busy machine, short enough for the slow case.
    const seal = sealWithTsa({ SEAL_TSA_TIMEOUT_MS: '3000' });
    const { prepared, recipient } = await preparedLetter(seal);
    tsa.mode = 'down';
    await expect(timestampLetters([stampLetter(prepared, recipient)], seal)).rejects.toThrow(`${TIMESTAMP_FAILED} HTTP 503`);
    tsa.mode = 'slow';
    tsa.slowMs = 6000;
    await expect(timestampLetters([stampLetter(prepared, recipient)], seal)).rejects.toThrow(`${TIMESTAMP_FAILED} no answer within 3000 ms`);
    tsa.mode = 'ok';
    // A port nobody listens on (taken and given back).
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gone = { ...seal, tsa: { ...seal.tsa!, url: `http://127.0.0.1:${port}/tsa` } };
    await expect(timestampLetters([stampLetter(prepared, recipient)], gone)).rejects.toThrow(`${TIMESTAMP_FAILED} ECONNREFUSED`);

    // Through the worker pool (where letters are stamped): a German 503 that the dispatch retries.
    const renderer = createLetterRenderer(createWorkerPool({ threads: 1, timeoutMs: 30_000, memoryMb: 256 }));
    try {
      tsa.mode = 'down';
      const failure = await renderer.stamp(prepared, [recipient]).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AppError);
      expect((failure as AppError).statusCode).toBe(503);
      expect(t((failure as AppError).messageKey, (failure as AppError).params)).toBe(
        'Der Zeitstempeldienst des Siegels (SEAL_TSA_URL) antwortet gerade nicht (HTTP 503). Ohne Zeitstempel wird kein Schreiben ausgestellt; der Versand versucht es später noch einmal.',
      );
      tsa.mode = 'ok';
      const [stamped] = await renderer.stamp(prepared, [recipient]);
      expect(signatureAndToken(cmsOf(stamped!.bytes)).token).toBeDefined();
    } finally {
      tsa.mode = 'ok';
      await renderer.close();
    }
  });

  it('is configured only beside a seal, with an http(s) URL, and is off by default', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ DATA_DIR: tempDataDir(), ...env });
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ SEAL_TSA_URL: tsa.url })).toEqual([t('sealConfig.tsaWithoutSeal')]);
    const sealEnv = { SEAL_P12_FILE: certificate.p12File, SEAL_P12_PASSWORD: certificate.password };
    expect(problems({ ...sealEnv, SEAL_TSA_URL: 'ftp://tsa.example/' })).toEqual(['SEAL_TSA_URL „ftp://tsa.example/“ ist keine http- oder https-Adresse eines Zeitstempeldienstes.']);
    expect(problems({ ...sealEnv, SEAL_TSA_URL: tsa.url, SEAL_TSA_TIMEOUT_MS: '5' })[0]).toContain('SEAL_TSA_TIMEOUT_MS');
    expect(loadConfig({ DATA_DIR: tempDataDir(), ...sealEnv }).seal!.tsa).toBeUndefined();
    const dataDir = tempDataDir();
    expect(loadConfig({ DATA_DIR: dataDir, ...sealEnv, SEAL_TSA_URL: tsa.url, SEAL_TSA_TIMEOUT_MS: '2500' }).seal!.tsa).toEqual({ url: tsa.url, timeoutMs: 2500, tokenDir: join(dataDir, 'tsa-tokens') });
    expect(() => loadConfig({ DATA_DIR: tempDataDir(), SEAL_TSA_URL: tsa.url })).toThrow(ConfigError);
  });
});
