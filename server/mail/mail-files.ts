import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readEml } from './eml-reader.ts';
import type { EmlMessage } from './eml-reader.ts';
import { emlFilePattern } from './transport.ts';

/** Whether a URL segment can name a stored mail (guards every path built from it). */
export const isStoredMailId = (id: string) => emlFilePattern.test(`${id}.eml`);

export function readStoredMailRaw(dir: string, id: string): Buffer | undefined {
  if (!isStoredMailId(id)) return undefined;
  try {
    return readFileSync(join(dir, `${id}.eml`));
  } catch {
    return undefined;
  }
}

export function readStoredMail(dir: string, id: string): { raw: Buffer; message: EmlMessage } | undefined {
  const raw = readStoredMailRaw(dir, id);
  return raw ? { raw, message: readEml(raw) } : undefined;
}

/** The size of a stored .eml file in bytes, or undefined when it is gone. */
export function storedMailSize(dir: string, file: string): number | undefined {
  if (!emlFilePattern.test(file)) return undefined;
  try {
    return statSync(join(dir, file)).size;
  } catch {
    return undefined;
  }
}
