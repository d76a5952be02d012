// The parsing of an uploaded CSV or XLSX file, with every limit checked while reading. Runs in
// a worker thread (read-table.worker.ts); read-table.ts is the entry point for the app.
import { parse } from 'csv-parse/sync';
import { decodeText } from './decode.ts';
import type { TextEncodingName } from './decode.ts';
import { ImportFileError, MAX_IMPORT_BYTES, MAX_IMPORT_CELL_CHARS, MAX_IMPORT_RECORD_CHARS, MAX_IMPORT_ROWS, MAX_IMPORT_UNPACKED_BYTES } from './import-errors.ts';
import { readXlsxRows } from './xlsx-reader.ts';

export type Separator = ';' | ',' | '\t';

/** A spreadsheet as rows of text cells; `line` is the row number a spreadsheet program shows. */
export type RawTable = {
  /** 'oparl': rows read from a council information system (server/oparl/) instead of a file. */
  format: 'csv' | 'xlsx' | 'oparl';
  encoding?: TextEncodingName;
  separator?: Separator;
  headers: string[];
  rows: { line: number; cells: string[] }[];
};

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Uint8Array) => b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;
const isPdf = (b: Uint8Array) => b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46;

/** The checks that need no parsing: size and file type by content. Throws ImportFileError. */
export function checkTableFile(bytes: Uint8Array): 'csv' | 'xlsx' {
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw new ImportFileError('import.file.tooLarge', { mb: MAX_IMPORT_BYTES / 1024 / 1024 });
  if (bytes.byteLength === 0) throw new ImportFileError('import.file.empty');
  if (isOle(bytes)) throw new ImportFileError('import.file.oldExcel');
  if (isZip(bytes)) return 'xlsx';
  if (isPdf(bytes)) throw new ImportFileError('import.file.notTable');
  return 'csv';
}

/** Reads an uploaded CSV or XLSX file (told apart by content, not by name). Throws ImportFileError. */
export function parseTable(bytes: Uint8Array): RawTable {
  return checkTableFile(bytes) === 'xlsx' ? readXlsx(bytes) : readCsv(bytes);
}

const rowIsEmpty = (cells: string[]) => cells.every((cell) => cell.trim() === '');

function finish(table: Omit<RawTable, 'headers' | 'rows'>, records: { line: number; cells: string[] }[]): RawTable {
  const nonEmpty = records.filter((record) => !rowIsEmpty(record.cells));
  const [header, ...rows] = nonEmpty;
  if (!header) throw new ImportFileError('import.file.empty');
  if (rows.length === 0) throw new ImportFileError('import.file.noRows');
  if (rows.length > MAX_IMPORT_ROWS) throw new ImportFileError('import.file.tooManyRows', { max: MAX_IMPORT_ROWS });
  return { ...table, headers: header.cells.map((cell) => cell.trim()), rows };
}

/** The separator used most in the first line outside quotes; ";" on a tie (German Excel). */
export function detectSeparator(text: string): Separator {
  const counts: Record<Separator, number> = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && (char === ';' || char === ',' || char === '\t')) counts[char] += 1;
  }
  const best = (Object.keys(counts) as Separator[]).reduce((a, b) => (counts[b] > counts[a] ? b : a), ';');
  return counts[best] > 0 ? best : ';';
}

function readCsv(bytes: Uint8Array): RawTable {
  const { text, encoding } = decodeText(bytes);
  if (text.trim() === '') throw new ImportFileError('import.file.empty');
  // Binary files (images, archives, …) contain control characters that no address list has.
  const sample = text.slice(0, 4096);
  const controls = sample.match(/[\u0000-\u0008\u000E-\u001F\uFFFD]/g)?.length ?? 0;
  if (controls > 0 && (sample.includes('\u0000') || controls > sample.length / 100)) throw new ImportFileError('import.file.notTable');
  const separator = detectSeparator(text);
  const records: { line: number; cells: string[] }[] = [];
  let nonEmpty = 0;
  try {
    parse(text, {
      delimiter: separator,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      bom: true,
      to_line: MAX_IMPORT_ROWS + 100_000,
      max_record_size: MAX_IMPORT_RECORD_CHARS,
      // The limits are checked record by record while reading: a file with a million rows is
      // refused after 20,001, not after all of them have been read.
      on_record: (cells: string[], { records: index }: { records: number }) => {
        if (cells.some((cell) => cell.length > MAX_IMPORT_CELL_CHARS)) throw new ImportFileError('import.file.cellTooLong', { max: MAX_IMPORT_CELL_CHARS });
        if (!rowIsEmpty(cells)) {
          nonEmpty += 1;
          if (nonEmpty > MAX_IMPORT_ROWS + 1) throw new ImportFileError('import.file.tooManyRows', { max: MAX_IMPORT_ROWS });
          records.push({ line: index, cells });
        }
        return null;
      },
    });
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    const { code, records: index, lines } = error as { code?: string; records?: number; lines?: number };
    if (code === 'CSV_MAX_RECORD_SIZE') throw new ImportFileError('import.file.rowTooLong', { line: lines ?? '?', max: MAX_IMPORT_RECORD_CHARS });
    // The record (spreadsheet row) in which the broken field starts.
    throw new ImportFileError('import.file.csvBroken', { line: index === undefined ? '?' : index + 1 });
  }
  return finish({ format: 'csv', encoding, separator }, records);
}

function readXlsx(bytes: Uint8Array): RawTable {
  const records = readXlsxRows(bytes, { maxRows: MAX_IMPORT_ROWS, maxCellChars: MAX_IMPORT_CELL_CHARS, maxUnpackedBytes: MAX_IMPORT_UNPACKED_BYTES });
  return finish({ format: 'xlsx' }, records);
}
