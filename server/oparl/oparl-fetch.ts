// Reading JSON from a council information system, safely: the URL comes from an organiser, so
// only http(s), every host name resolved and checked before connecting (and the connection
// pinned to the checked address, so a second DNS answer cannot point elsewhere), redirects
// followed by hand and checked the same way, each response limited in size and time, and the
// whole import limited in time by one AbortSignal.
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import { JobFailedError, JobTimeoutError, runInWorker } from '../jobs/worker-job.ts';
import { isPrivateAddress } from './private-addresses.ts';
import type { MessageKey } from '../i18n/index.ts';

export const OPARL_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
export const OPARL_REQUEST_TIMEOUT_MS = 10_000;
export const OPARL_IMPORT_TIMEOUT_MS = 60_000;
export const OPARL_MAX_REDIRECTS = 5;
/** Responses up to this size are parsed on the event loop (a few milliseconds); larger ones in a worker thread. */
const MAIN_THREAD_PARSE_BYTES = 256 * 1024;

/** A problem with the council information system, with the German message's key. */
export class OparlError extends Error {
  readonly messageKey: MessageKey;
  readonly params: Record<string, string | number>;
  constructor(messageKey: MessageKey, params: Record<string, string | number> = {}) {
    super(messageKey);
    this.name = 'OparlError';
    this.messageKey = messageKey;
    this.params = params;
  }
}

export type OparlFetchOptions = {
  allowPrivate: boolean;
  /** An address allowed although private (the tests' local server, with every other private address still refused). */
  allowAddress?: (address: string) => boolean;
  userAgent: string;
  /** The whole import's time limit; aborting it stops the request in flight. */
  signal?: AbortSignal;
  maxBytes?: number;
  requestTimeoutMs?: number;
};

export type FetchJson = (url: string) => Promise<unknown>;

/** The address to connect to: checked, and refused when private (unless allowed). */
async function checkedAddress(url: URL, allowPrivate: boolean, allowAddress?: (address: string) => boolean): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let resolved: { address: string; family: number };
  if (isIP(host)) resolved = { address: host, family: isIP(host) };
  else {
    try {
      resolved = await dnsLookup(host, { verbatim: true });
    } catch {
      throw new OparlError('oparl.error.unreachable', { host });
    }
  }
  if (!allowPrivate && isPrivateAddress(resolved.address) && !allowAddress?.(resolved.address)) throw new OparlError('oparl.error.privateAddress', { host });
  return resolved;
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OparlError('oparl.error.url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OparlError('oparl.error.scheme');
  if (url.username || url.password) throw new OparlError('oparl.error.url');
  return url;
}

type Answer = { status: number; location?: string; body?: Buffer };

/** One GET to the pinned address; the body counted while it arrives and cut off at the limit. */
function request(url: URL, pinned: { address: string; family: number }, options: { userAgent: string; maxBytes: number; requestTimeoutMs: number; signal?: AbortSignal }): Promise<Answer> {
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      action();
    };
    const fail = (error: OparlError) => finish(() => {
      req.destroy();
      reject(error);
    });
    const onAbort = () => fail(new OparlError('oparl.error.importTimeout', { seconds: OPARL_IMPORT_TIMEOUT_MS / 1000 }));
    const timer = setTimeout(() => fail(new OparlError('oparl.error.timeout', { seconds: options.requestTimeoutMs / 1000 })), options.requestTimeoutMs);
    const req = client.request(
      url,
      {
        method: 'GET',
        lookup,
        headers: { 'user-agent': options.userAgent, accept: 'application/json' },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          finish(() => resolve({ status, location: response.headers.location }));
          return;
        }
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > options.maxBytes) return fail(new OparlError('oparl.error.tooLarge', { mb: options.maxBytes / 1024 / 1024 }));
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) return fail(new OparlError('oparl.error.tooLarge', { mb: options.maxBytes / 1024 / 1024 }));
          chunks.push(chunk);
        });
        response.on('end', () => finish(() => resolve({ status, body: Buffer.concat(chunks) })));
        response.on('error', () => fail(new OparlError('oparl.error.unreachable', { host: url.host })));
      },
    );
    req.on('error', () => fail(new OparlError('oparl.error.unreachable', { host: url.host })));
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}

const parserWorker = new URL('./parse-json.worker.ts', import.meta.url);

/** JSON.parse, bounded: small bodies on the event loop, larger ones (up to 5 MB) in a worker thread with a time and memory limit. */
async function parseJson(body: Buffer): Promise<unknown> {
  if (body.length <= MAIN_THREAD_PARSE_BYTES) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new OparlError('oparl.error.invalidJson');
    }
  }
  try {
    const answer = await runInWorker<Uint8Array, { ok: boolean; value?: unknown }>(parserWorker, new Uint8Array(body), { timeoutMs: 10_000, maxMemoryMb: 128 });
    if (!answer.ok) throw new OparlError('oparl.error.invalidJson');
    return answer.value;
  } catch (error) {
    if (error instanceof JobTimeoutError || error instanceof JobFailedError) throw new OparlError('oparl.error.invalidJson');
    throw error;
  }
}

/** A GET of one OParl URL, redirects followed by hand (each target checked again), the answer parsed as JSON. */
export async function fetchOparlJson(raw: string, options: OparlFetchOptions): Promise<unknown> {
  const settings = {
    allowPrivate: options.allowPrivate,
    allowAddress: options.allowAddress,
    userAgent: options.userAgent,
    signal: options.signal,
    maxBytes: options.maxBytes ?? OPARL_MAX_RESPONSE_BYTES,
    requestTimeoutMs: options.requestTimeoutMs ?? OPARL_REQUEST_TIMEOUT_MS,
  };
  let url = parseUrl(raw);
  for (let redirects = 0; ; redirects += 1) {
    if (settings.signal?.aborted) throw new OparlError('oparl.error.importTimeout', { seconds: OPARL_IMPORT_TIMEOUT_MS / 1000 });
    let pinned: { address: string; family: number };
    try {
      pinned = await checkedAddress(url, settings.allowPrivate, settings.allowAddress);
    } catch (error) {
      // A redirect to a private address is refused with its own message: the first URL was fine.
      if (redirects > 0 && error instanceof OparlError && error.messageKey === 'oparl.error.privateAddress') throw new OparlError('oparl.error.redirectPrivate', error.params);
      throw error;
    }
    const answer = await request(url, pinned, settings);
    if (answer.location !== undefined) {
      if (redirects >= OPARL_MAX_REDIRECTS) throw new OparlError('oparl.error.tooManyRedirects', { max: OPARL_MAX_REDIRECTS });
      try {
        url = parseUrl(new URL(answer.location, url).href);
      } catch {
        throw new OparlError('oparl.error.scheme');
      }
      continue;
    }
    if (answer.status !== 200) throw new OparlError('oparl.error.status', { status: answer.status, url: url.href.slice(0, 200) });
    return parseJson(answer.body!);
  }
}

/** A fetcher for one import: one time limit for all its requests. */
export function oparlFetcher({ allowPrivate, userAgent, timeoutMs = OPARL_IMPORT_TIMEOUT_MS }: { allowPrivate: boolean; userAgent: string; timeoutMs?: number }): { fetchJson: FetchJson; close: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  timer.unref();
  return {
    fetchJson: (url) => fetchOparlJson(url, { allowPrivate, userAgent, signal: controller.signal }),
    close: () => clearTimeout(timer),
  };
}
