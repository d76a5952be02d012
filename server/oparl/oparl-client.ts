// Reads the OParl objects the app needs (System → Body → Organization, Person, Membership,
// Location, Meeting), following paginated lists (`data`, `links.next`) up to a bound. Objects may
// be embedded or given by URL; each URL is read once per import. Knows no database.
import { OparlError } from './oparl-fetch.ts';
import type { FetchJson } from './oparl-fetch.ts';

export const OPARL_SCHEMA = 'https://schema.oparl.org/';
/** Pages of one list at most (a list of a Kreis's persons has a few; its meetings may have many). */
export const OPARL_MAX_LIST_PAGES = 100;
/** Objects of one list at most. */
export const OPARL_MAX_LIST_ITEMS = 10_000;
/** Objects read one by one (memberships, persons, locations) at most per import. */
const MAX_SINGLE_READS = 500;

export type OparlObject = { id: string; type: string; [key: string]: unknown };

const typeName = (object: OparlObject) => object.type.slice(object.type.lastIndexOf('/') + 1);

/** The value as an OParl object (a `type` from schema.oparl.org), else "not OParl". */
export function asOparlObject(value: unknown, expected?: string): OparlObject {
  const object = value as Partial<OparlObject> | null;
  if (!object || typeof object !== 'object' || typeof object.type !== 'string' || !object.type.startsWith(OPARL_SCHEMA)) {
    throw new OparlError('oparl.error.notOparl');
  }
  const result = { ...object, id: typeof object.id === 'string' ? object.id : '' } as OparlObject;
  if (expected && typeName(result) !== expected) throw new OparlError('oparl.error.wrongType', { expected, found: typeName(result) });
  return result;
}

export const text = (value: unknown): string => (typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '');
export const texts = (value: unknown): string[] => (Array.isArray(value) ? value.map(text).filter(Boolean) : typeof value === 'string' ? [text(value)].filter(Boolean) : []);
export const urlOf = (value: unknown): string => (typeof value === 'string' ? value : value && typeof value === 'object' ? text((value as { id?: unknown }).id) : '');

export function oparlReader(fetchJson: FetchJson) {
  const cache = new Map<string, Promise<unknown>>();
  let singleReads = 0;
  const get = (url: string) => {
    let answer = cache.get(url);
    if (!answer) {
      answer = fetchJson(url);
      cache.set(url, answer);
    }
    return answer;
  };

  /** An object given embedded or by URL. */
  async function object(value: unknown, expected?: string): Promise<OparlObject> {
    if (value && typeof value === 'object') return asOparlObject(value, expected);
    const url = text(value);
    if (!url) throw new OparlError('oparl.error.notOparl');
    if (expected && expected !== 'System' && expected !== 'Body') {
      singleReads += 1;
      if (singleReads > MAX_SINGLE_READS) throw new OparlError('oparl.error.tooManyObjects', { max: MAX_SINGLE_READS });
    }
    return asOparlObject(await get(url), expected);
  }

  /** Every object of a paginated list, following `links.next` (at most OPARL_MAX_LIST_PAGES pages). */
  async function list(url: string, expected: string, onPage?: (pages: number, items: number) => void): Promise<OparlObject[]> {
    const items: OparlObject[] = [];
    const seen = new Set<string>();
    let next: string | undefined = url;
    for (let pages = 0; next; pages += 1) {
      if (pages >= OPARL_MAX_LIST_PAGES) throw new OparlError('oparl.error.tooManyPages', { max: OPARL_MAX_LIST_PAGES });
      if (seen.has(next)) break; // a list whose `next` points back to itself ends
      seen.add(next);
      const page = (await get(next)) as { data?: unknown; links?: { next?: unknown } } | null;
      if (!page || typeof page !== 'object' || !Array.isArray(page.data)) throw new OparlError('oparl.error.notOparl');
      for (const entry of page.data) {
        if (entry && typeof entry === 'object' && (entry as { deleted?: unknown }).deleted === true) continue;
        items.push(asOparlObject(entry, expected));
      }
      if (items.length > OPARL_MAX_LIST_ITEMS) throw new OparlError('oparl.error.tooManyObjects', { max: OPARL_MAX_LIST_ITEMS });
      onPage?.(pages + 1, items.length);
      next = text(page.links?.next) || undefined;
    }
    return items;
  }

  return { object, list };
}

export type OparlReader = ReturnType<typeof oparlReader>;

/** Runs `work` over the items, `limit` at a time (a council system is asked politely). */
export async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let index = 0;
  const run = async () => {
    while (index < items.length) {
      const current = index;
      index += 1;
      results[current] = await work(items[current]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return results;
}
