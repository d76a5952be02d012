import type { MessageKey } from '../../i18n/index.ts';

/** A problem with the uploaded file as a whole (nothing is imported); the message is German. */
export class ImportFileError extends Error {
  readonly messageKey: MessageKey;
  readonly params: Record<string, string | number>;
  constructor(messageKey: MessageKey, params: Record<string, string | number> = {}) {
    super(messageKey);
    this.name = 'ImportFileError';
    this.messageKey = messageKey;
    this.params = params;
  }
}

/** Upload limits: larger files or more data rows are refused before anything is parsed further. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;
/** Longest text in one cell (an address field has at most 300 characters). */
export const MAX_IMPORT_CELL_CHARS = 10_000;
/** Longest line of a CSV file. */
export const MAX_IMPORT_RECORD_CHARS = 100_000;
/** Largest size of one XML part of an XLSX file once unpacked. */
export const MAX_IMPORT_UNPACKED_BYTES = 64 * 1024 * 1024;
/** Budget of the worker that reads a file: time and heap. */
export const IMPORT_READ_TIMEOUT_MS = 10_000;
export const IMPORT_READ_MEMORY_MB = 256;
