import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEml } from './eml-reader.ts';
import type { EmlMessage } from './eml-reader.ts';
import { emlFilePattern } from './transport.ts';

export type StoredMailSummary = { id: string; date: Date; from: string; to: string; subject: string; size: number };

/** The ids (file stems) of the stored .eml files, newest first. */
function listIds(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => emlFilePattern.test(name))
    .sort()
    .reverse()
    .map((name) => name.slice(0, -'.eml'.length));
}

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

/** The newest `limit` stored mails with date, sender, recipient and subject. */
export function listStoredMails(dir: string, limit = 200): { mails: StoredMailSummary[]; total: number } {
  const ids = listIds(dir);
  const mails = ids.slice(0, limit).flatMap((id) => {
    const stored = readStoredMail(dir, id);
    if (!stored) return [];
    const { message, raw } = stored;
    const date = new Date(message.header('date'));
    return [{ id, date: Number.isNaN(date.getTime()) ? new Date(0) : date, from: message.header('from'), to: message.header('to'), subject: message.header('subject'), size: raw.length }];
  });
  return { mails, total: ids.length };
}
