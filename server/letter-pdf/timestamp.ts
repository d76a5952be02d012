// The optional RFC 3161 signature timestamp of a seal (SEAL_TSA_URL). A sealed PDF's CMS
// gets, as an unsigned attribute, a token from the operator's timestamp server over its
// signature value. The seal reserves room for it in the /Contents placeholder; the signed
// byte range is not touched, so adding the token afterwards leaves the seal valid.
// Tokens are kept by the hash of the signature value (tokenDir): the same letter issued again
// (same signature, RSA being deterministic) gets the same token, hence the same bytes.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { der, signatureValueOf, withSignatureTimestamp } from './cms.ts';

export type TsaSettings = {
  /** The server's URL (HTTP POST, application/timestamp-query). */
  url: string;
  /** Time limit of one request. */
  timeoutMs: number;
  /** Where tokens are kept by the hash of the signature value; absent: none kept. */
  tokenDir?: string;
};

/**
 * Bytes a seal's placeholder keeps free for the token (a token with the server's certificate is
 * about 2 KB, with a chain of three about 5–6 KB). Each byte costs two in the file (hex).
 */
export const TIMESTAMP_RESERVE = 8 * 1024;
/** The largest answer read from the server (the token and its status). */
const MAX_RESPONSE = TIMESTAMP_RESERVE + 1024;
const TST_INFO = '1.2.840.113549.1.9.16.1.4';

/** The timestamp server failed or answered something unusable; the message starts with TIMESTAMP_FAILED (it crosses worker threads as a plain Error). */
export const TIMESTAMP_FAILED = 'timestamp server:';
export class TimestampError extends Error {
  constructor(detail: string) {
    super(`${TIMESTAMP_FAILED} ${detail}`);
    this.name = 'TimestampError';
  }
}

const { tlv, seq, octets, oid, NULL, readTlv, elements } = der;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();
const integer = (bytes: Buffer) => tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const content = (element: Buffer) => element.subarray(readTlv(element, 0).start);
const children = (element: Buffer) => elements(element, readTlv(element, 0));

/** A TimeStampReq (RFC 3161 §2.4.1) for SHA-256 of `data`, asking for the server's certificate. */
export function timestampRequest(data: Buffer, nonce: Buffer): Buffer {
  const imprint = seq(seq(oid(der.OID_SHA256), NULL), octets(sha256(data)));
  return seq(tlv(0x02, Buffer.from([1])), imprint, integer(nonce), tlv(0x01, Buffer.from([0xff])));
}

export type TokenInfo = { hashedMessage: Buffer; genTime: Date; nonce: Buffer | undefined };

/** What a token says: the hash it covers, the time and the nonce (from its TSTInfo). */
export function tokenInfo(token: Buffer): TokenInfo {
  const [contentType, wrapped] = children(token);
  if (!contentType || !wrapped) throw new TimestampError('the token is no ContentInfo');
  const signedData = children(content(wrapped));
  const encapsulated = children(signedData[2]!);
  if (!encapsulated[0]!.equals(oid(TST_INFO)) || !encapsulated[1]) throw new TimestampError('the token holds no TSTInfo');
  const tstInfo = content(content(encapsulated[1]));
  const fields = children(tstInfo);
  const hashedMessage = content(children(fields[2]!)[1]!);
  const time = content(fields[4]!).toString('latin1');
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/.exec(time);
  if (!match) throw new TimestampError(`unreadable time ${time}`);
  const genTime = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}${match[7] ?? ''}Z`);
  const nonce = fields.slice(5).find((field) => field[0] === 0x02);
  return { hashedMessage, genTime, nonce: nonce ? content(nonce) : undefined };
}

/** The token of a TimeStampResp, after checking the status, the hash and the nonce. */
export function tokenOfResponse(response: Buffer, data: Buffer, nonce: Buffer): Buffer {
  let parts: Buffer[];
  try {
    parts = children(response);
  } catch {
    throw new TimestampError('the answer is no TimeStampResp');
  }
  const status = content(children(parts[0]!)[0]!);
  // 0 granted, 1 grantedWithMods; anything else is a refusal.
  if (status.length !== 1 || status[0]! > 1 || !parts[1]) throw new TimestampError(`refused (status ${status.toString('hex')})`);
  const token = parts[1];
  const info = tokenInfo(token);
  if (!info.hashedMessage.equals(sha256(data))) throw new TimestampError('the token covers another hash');
  if (!info.nonce || !info.nonce.equals(content(integer(nonce)))) throw new TimestampError('the token repeats another nonce');
  return token;
}

/** Reads at most `limit` bytes of a response body; more is an error (the answer is bounded in size as in time). */
async function boundedBody(response: Response, limit: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > limit) throw new TimestampError(`answer of ${declared} bytes, more than ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > limit) throw new TimestampError(`answer larger than ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Asks the server for a token over `data` (the signature value), within its time limit. */
export async function requestTimestampToken(settings: Pick<TsaSettings, 'url' | 'timeoutMs'>, data: Buffer): Promise<Buffer> {
  const nonce = randomBytes(8);
  const signal = AbortSignal.timeout(settings.timeoutMs);
  const ask = async () => {
    const response = await fetch(settings.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' }, body: timestampRequest(data, nonce), signal, redirect: 'error' });
    if (!response.ok) throw new TimestampError(`HTTP ${response.status}`);
    return boundedBody(response, MAX_RESPONSE);
  };
  let body: Buffer;
  try {
    try {
      body = await ask();
    } catch (error) {
      // A kept-alive connection the server closed just then: asked once more on a new one (within the same time limit).
      const code = (error as Error & { cause?: { code?: string } }).cause?.code;
      if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw error;
      body = await ask();
    }
  } catch (error) {
    if (error instanceof TimestampError) throw error;
    // fetch says only "fetch failed"; the cause names it (ECONNREFUSED, ENOTFOUND …).
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    throw new TimestampError(signal.aborted ? `no answer within ${settings.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message));
  }
  return tokenOfResponse(body, data, nonce);
}

/** The kept token for this signature, if any and if it covers it. */
function keptToken(file: string, signature: Buffer): Buffer | undefined {
  let token: Buffer;
  try {
    token = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    return tokenInfo(token).hashedMessage.equals(sha256(signature)) ? token : undefined;
  } catch {
    return undefined;
  }
}

/** The token for a signature value: the kept one, or a new one from the server (then kept). */
export async function timestampToken(settings: TsaSettings, signature: Buffer): Promise<Buffer> {
  const file = settings.tokenDir && join(settings.tokenDir, `${sha256(signature).toString('hex')}.tst`);
  const kept = file ? keptToken(file, signature) : undefined;
  if (kept) return kept;
  const token = await requestTimestampToken(settings, signature);
  if (file) {
    mkdirSync(settings.tokenDir!, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temporary, token);
    renameSync(temporary, file);
  }
  return token;
}

/** Where the CMS of the last signature of a PDF sits: between the `<` and `>` of its /Contents. */
function contentsRange(pdf: Buffer): { start: number; end: number } {
  const at = pdf.lastIndexOf('/ByteRange [0 ', undefined, 'latin1');
  const match = at < 0 ? null : /^\/ByteRange \[0 (\d+) (\d+) (\d+)\]/.exec(pdf.subarray(at, at + 64).toString('latin1'));
  if (!match) throw new Error('no sealed signature to timestamp');
  return { start: Number(match[1]) + 1, end: Number(match[2]) - 1 };
}

/**
 * Adds a signature timestamp to a PDF sealed by seal.ts (with the room TIMESTAMP_RESERVE):
 * the CMS in /Contents is rewritten in place, the rest of the bytes stays as it is.
 */
export async function addSignatureTimestamp(sealed: Uint8Array, settings: TsaSettings): Promise<Uint8Array> {
  const pdf = Buffer.from(sealed);
  const { start, end } = contentsRange(pdf);
  const hex = pdf.subarray(start, end).toString('latin1');
  const stored = Buffer.from(hex, 'hex');
  const cms = stored.subarray(0, readTlv(stored, 0).end);
  const token = await timestampToken(settings, signatureValueOf(cms));
  const stamped = withSignatureTimestamp(cms, token);
  if (stamped.length * 2 > end - start) throw new TimestampError(`token of ${token.length} bytes does not fit the seal's room`);
  pdf.write(stamped.toString('hex').padEnd(end - start, '0'), start, 'latin1');
  return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
}

/** Runs `work` over `items` with at most `limit` at a time (a timestamp server is asked a few letters at once, not a whole batch). */
export async function eachLimited<T, U>(items: T[], limit: number, work: (item: T) => Promise<U>): Promise<U[]> {
  const results: U[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
