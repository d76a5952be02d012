import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { decodeText } from './decode.ts';
import type { TextEncodingName } from './decode.ts';
import { ImportFileError, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './import-errors.ts';

export type Separator = ';' | ',' | '\t';

/** A spreadsheet as rows of text cells; `line` is the row number a spreadsheet program shows. */
export type RawTable = {
  format: 'csv' | 'xlsx';
  encoding?: TextEncodingName;
  separator?: Separator;
  headers: string[];
  rows: { line: number; cells: string[] }[];
};

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Uint8Array) => b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;
const isPdf = (b: Uint8Array) => b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46;

/** Reads an uploaded CSV or XLSX file (told apart by content, not by name). Throws ImportFileError. */
export async function readTable(bytes: Uint8Array): Promise<RawTable> {
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw new ImportFileError('import.file.tooLarge', { mb: MAX_IMPORT_BYTES / 1024 / 1024 });
  if (bytes.byteLength === 0) throw new ImportFileError('import.file.empty');
  if (isOle(bytes)) throw new ImportFileError('import.file.oldExcel');
  if (isZip(bytes)) return readXlsx(bytes);
  if (isPdf(bytes)) throw new ImportFileError('import.file.notTable');
  return readCsv(bytes);
}

const rowIsEmpty = (cells: string[]) => cells.every((cell) => cell.trim() === '');

function finish(table: Omit<RawTable, 'headers' | 'rows'>, records: { line: number; cells: string[] }[]): RawTable {
  const nonEmpty = records.filter((record) => !rowIsEmpty(record.cells));
  const [header, ...rows] = nonEmpty;
  if (!header) throw new ImportFileError('import.file.empty');
  if (rows.length === 0) throw new ImportFileError('import.file.noRows');
  if (rows.length > MAX_IMPORT_ROWS) throw new ImportFileError('import.file.tooManyRows', { max: MAX_IMPORT_ROWS, count: rows.length });
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
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: separator,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      bom: true,
      to_line: MAX_IMPORT_ROWS + 100_000,
    }) as string[][];
  } catch (error) {
    // The record (spreadsheet row) in which the broken field starts.
    const records = (error as { records?: number }).records;
    throw new ImportFileError('import.file.csvBroken', { line: records === undefined ? '?' : records + 1 });
  }
  return finish(
    { format: 'csv', encoding, separator },
    records.map((cells, index) => ({ line: index + 1, cells })),
  );
}

/** Cell text as the spreadsheet shows it; hyperlinks give their text, dates an ISO date. */
function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (value && typeof value === 'object' && 'hyperlink' in value && !('text' in value && value.text)) {
    return String((value as { hyperlink: string }).hyperlink).replace(/^mailto:/i, '');
  }
  return cell.text ?? '';
}

async function readXlsx(bytes: Uint8Array): Promise<RawTable> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    throw new ImportFileError('import.file.notTable');
  }
  // A Word or OpenDocument file is a zip too, but has no worksheets.
  if (workbook.worksheets.length === 0) throw new ImportFileError('import.file.notTable');
  const sheet = workbook.worksheets.find((candidate) => candidate.actualRowCount > 0);
  if (!sheet) throw new ImportFileError('import.file.empty');
  if (sheet.actualRowCount > MAX_IMPORT_ROWS + 1) {
    throw new ImportFileError('import.file.tooManyRows', { max: MAX_IMPORT_ROWS, count: sheet.actualRowCount - 1 });
  }
  const records: { line: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell);
    });
    records.push({ line: rowNumber, cells: Array.from(cells, (cell) => cell ?? '') });
  });
  return finish({ format: 'xlsx' }, records);
}
