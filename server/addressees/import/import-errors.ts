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
