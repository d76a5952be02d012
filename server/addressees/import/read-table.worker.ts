// Runs in a worker thread (see read-table.ts): parses the file and answers with the table or
// the German message's key, since an error class does not survive the trip between threads.
import { ImportFileError } from './import-errors.ts';
import { parseTable } from './parse-table.ts';
import type { RawTable } from './parse-table.ts';

export type ReadTableAnswer = { ok: true; table: RawTable } | { ok: false; messageKey: ImportFileError['messageKey']; params: Record<string, string | number> };

export default function readTableJob(bytes: Uint8Array): ReadTableAnswer {
  try {
    return { ok: true, table: parseTable(bytes) };
  } catch (error) {
    if (error instanceof ImportFileError) return { ok: false, messageKey: error.messageKey, params: error.params };
    throw error;
  }
}
