// Runs in a worker thread (see read-table.ts): parses the file and, when told the list's
// entries, builds the preview too (for 20,000 rows that takes about a second, which the main
// event loop must not spend). Answers with the result or the German message's key, since an
// error class does not survive the trip between threads.
import type { Addressee } from '../addressees.table.ts';
import { ImportFileError } from './import-errors.ts';
import { parseTable } from './parse-table.ts';
import type { RawTable } from './parse-table.ts';
import type { ImportPreview } from './preview.ts';

export type ReadTableJob = { bytes: Uint8Array; existing?: Addressee[] };
type Failure = { ok: false; messageKey: ImportFileError['messageKey']; params: Record<string, string | number> };
export type ReadTableAnswer = { ok: true; table: RawTable; preview?: undefined } | { ok: true; preview: ImportPreview; table?: undefined } | Failure;

export default async function readTableJob({ bytes, existing }: ReadTableJob): Promise<ReadTableAnswer> {
  try {
    const table = parseTable(bytes);
    if (!existing) return { ok: true, table };
    // Loaded only for a file that could be read: the preview needs the fonts (line widths).
    const { buildPreview } = await import('./preview.ts');
    return { ok: true, preview: buildPreview(table, existing) };
  } catch (error) {
    if (error instanceof ImportFileError) return { ok: false, messageKey: error.messageKey, params: error.params };
    throw error;
  }
}
