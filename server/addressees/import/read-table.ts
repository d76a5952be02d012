import { JobFailedError, JobTimeoutError, runInWorker } from '../../jobs/worker-job.ts';
import type { Addressee } from '../addressees.table.ts';
import { IMPORT_READ_MEMORY_MB, IMPORT_READ_TIMEOUT_MS, ImportFileError } from './import-errors.ts';
import { checkTableFile } from './parse-table.ts';
import type { RawTable } from './parse-table.ts';
import type { ImportPreview } from './preview.ts';
import type { ReadTableAnswer, ReadTableJob } from './read-table.worker.ts';

export type { RawTable, Separator } from './parse-table.ts';
export { detectSeparator } from './parse-table.ts';

const worker = new URL('./read-table.worker.ts', import.meta.url);

/** Runs the job in a worker thread with a time and a memory limit, so that no file can stall the server. */
async function runJob(job: ReadTableJob): Promise<Exclude<ReadTableAnswer, { ok: false }>> {
  checkTableFile(job.bytes);
  let answer: ReadTableAnswer;
  try {
    answer = await runInWorker<ReadTableJob, ReadTableAnswer>(worker, job, { timeoutMs: IMPORT_READ_TIMEOUT_MS, maxMemoryMb: IMPORT_READ_MEMORY_MB });
  } catch (error) {
    if (error instanceof JobTimeoutError) throw new ImportFileError('import.file.tooSlow', { seconds: IMPORT_READ_TIMEOUT_MS / 1000 });
    if (error instanceof JobFailedError && error.outOfMemory) throw new ImportFileError('import.file.tooComplex');
    // Anything else that breaks the reader is a file it cannot read; never a 500 for bad input.
    if (error instanceof JobFailedError) throw new ImportFileError('import.file.notTable');
    throw error;
  }
  if (!answer.ok) throw new ImportFileError(answer.messageKey, answer.params);
  return answer;
}

/** Reads an uploaded CSV or XLSX file (told apart by content, not by name). Throws ImportFileError. */
export async function readTable(bytes: Uint8Array): Promise<RawTable> {
  const { table } = await runJob({ bytes });
  return table!;
}

/** Reads the file and builds the preview against the list's `existing` entries, both off the main thread. Throws ImportFileError. */
export async function readTablePreview(bytes: Uint8Array, existing: Addressee[]): Promise<ImportPreview> {
  const { preview } = await runJob({ bytes, existing });
  return preview!;
}
