// Reads the first non-empty worksheet of an XLSX file as rows of text cells, streaming: the zip
// entries are inflated chunk by chunk (fflate) and their XML scanned as it comes, so that a cell
// longer than the cap, a sheet with more rows than the limit or an entry that unpacks to more
// than the cap is refused as soon as it is seen, without holding it in memory.
import { Unzip, UnzipInflate } from 'fflate';
import { ImportFileError } from './import-errors.ts';
import { createXmlScanner, decodeEntities, XmlSyntaxError } from './xml-scanner.ts';
import type { XmlHandlers } from './xml-scanner.ts';

export type XlsxLimits = { maxRows: number; maxCellChars: number; maxUnpackedBytes: number };
export type XlsxRecord = { line: number; cells: string[] };

/** Streams one zip entry's text to `handlers`; false when the entry is missing. */
function scanEntry(zip: Uint8Array, name: string, handlers: XmlHandlers, limits: XlsxLimits): boolean {
  let found = false;
  let failure: unknown;
  const unzip = new Unzip((file) => {
    if (found || file.name.replace(/^\//, '').toLowerCase() !== name.toLowerCase()) return;
    found = true;
    const decoder = new TextDecoder('utf-8');
    const scanner = createXmlScanner(handlers);
    let total = 0;
    file.ondata = (error, chunk, final) => {
      if (failure) return;
      try {
        if (error) throw new ImportFileError('import.file.notTable');
        total += chunk.length;
        if (total > limits.maxUnpackedBytes) throw new ImportFileError('import.file.unpackedTooLarge', { mb: Math.round(limits.maxUnpackedBytes / 1024 / 1024) });
        scanner.feed(decoder.decode(chunk, { stream: !final }));
        if (final) scanner.end();
      } catch (caught) {
        failure = caught;
        file.terminate();
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    // Small pieces, so that a refusal stops the inflating early.
    for (let offset = 0; offset < zip.length && !failure; offset += 8 * 1024) {
      unzip.push(zip.subarray(offset, offset + 8 * 1024), offset + 8 * 1024 >= zip.length);
    }
  } catch (caught) {
    failure ??= caught;
  }
  if (failure instanceof ImportFileError) throw failure;
  if (failure) throw new ImportFileError('import.file.notTable');
  return found;
}

const ignore = () => {};

function relationships(zip: Uint8Array, path: string, limits: XlsxLimits): Map<string, string> {
  const map = new Map<string, string>();
  scanEntry(zip, path, { open: (name, attributes) => name === 'Relationship' && attributes.Id && map.set(attributes.Id, `${attributes.Type ?? ''} ${attributes.Target ?? ''}`), close: ignore, text: ignore }, limits);
  return map;
}

const resolveTarget = (target: string, base: string) => (target.startsWith('/') ? target.slice(1) : `${base}${target}`).replace(/[^/]+\/\.\.\//g, '');

// Built-in number formats that show a date (ECMA-376 18.8.30).
const builtinDateFormats = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57]);
const isDateFormatCode = (code: string) => /[ymdhs]/i.test(code.replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/\[[^\]]*\]/g, ''));

function dateStyles(zip: Uint8Array, limits: XlsxLimits): boolean[] {
  const customDate = new Map<number, boolean>();
  const styles: boolean[] = [];
  let inCellXfs = false;
  scanEntry(
    zip,
    'xl/styles.xml',
    {
      open(name, attributes) {
        if (name === 'numFmt') customDate.set(Number(attributes.numFmtId), isDateFormatCode(attributes.formatCode ?? ''));
        else if (name === 'cellXfs') inCellXfs = true;
        else if (name === 'xf' && inCellXfs) {
          const id = Number(attributes.numFmtId ?? 0);
          styles.push(customDate.get(id) ?? builtinDateFormats.has(id));
        }
      },
      close: (name) => {
        if (name === 'cellXfs') inCellXfs = false;
      },
      text: ignore,
    },
    limits,
  );
  return styles;
}

function cellTooLong(limits: XlsxLimits): ImportFileError {
  return new ImportFileError('import.file.cellTooLong', { max: limits.maxCellChars });
}

/** Collects raw text with a cap: entities shrink when decoded, so the raw cap is generous. */
function textCollector(limits: XlsxLimits) {
  let raw = '';
  return {
    add(text: string) {
      raw += text;
      if (raw.length > limits.maxCellChars * 8) throw cellTooLong(limits);
    },
    take(): string {
      const text = decodeEntities(raw);
      raw = '';
      if (text.length > limits.maxCellChars) throw cellTooLong(limits);
      return text;
    },
    reset() {
      raw = '';
    },
  };
}

function sharedStrings(zip: Uint8Array, path: string, limits: XlsxLimits): string[] {
  const strings: string[] = [];
  const collector = textCollector(limits);
  let current = '';
  let inSi = false;
  let inT = false;
  let inPhonetic = false;
  scanEntry(
    zip,
    path,
    {
      open(name) {
        if (name === 'si') {
          inSi = true;
          current = '';
        } else if (name === 'rPh') inPhonetic = true;
        else if (name === 't' && inSi && !inPhonetic) {
          inT = true;
          collector.reset();
        }
      },
      close(name) {
        if (name === 't' && inT) {
          inT = false;
          current += collector.take();
          if (current.length > limits.maxCellChars) throw cellTooLong(limits);
        } else if (name === 'rPh') inPhonetic = false;
        else if (name === 'si') {
          inSi = false;
          strings.push(current);
        }
      },
      text(raw) {
        if (inT) collector.add(raw);
      },
    },
    limits,
  );
  return strings;
}

const columnIndex = (ref: string | undefined): number | undefined => {
  const letters = /^([A-Z]+)/i.exec(ref ?? '')?.[1]?.toUpperCase();
  if (!letters) return undefined;
  let index = 0;
  for (const letter of letters) index = index * 26 + (letter.charCodeAt(0) - 64);
  return index - 1;
};

function excelDate(serial: number, date1904: boolean): string {
  const date = new Date(Math.round((serial + (date1904 ? 1462 : 0) - 25569) * 86_400_000));
  return Number.isNaN(date.getTime()) ? String(serial) : date.toISOString().slice(0, 10);
}

type SheetContext = { strings: string[]; dates: boolean[]; date1904: boolean; limits: XlsxLimits };

function readSheet(zip: Uint8Array, path: string, { strings, dates, date1904, limits }: SheetContext): { records: XlsxRecord[]; links: { ref: string; id: string }[] } {
  const records: XlsxRecord[] = [];
  const links: { ref: string; id: string }[] = [];
  const collector = textCollector(limits);
  let nonEmpty = 0;
  let line = 0;
  let cells: string[] = [];
  let column = -1;
  let cell: { type: string; style: number; value: string; inline: string } | undefined;
  let collecting: 'v' | 't' | undefined;
  let inInline = false;
  scanEntry(
    zip,
    path,
    {
      open(name, attributes) {
        if (name === 'row') {
          line = attributes.r ? Number(attributes.r) : line + 1;
          cells = [];
          column = -1;
        } else if (name === 'c') {
          column = columnIndex(attributes.r) ?? column + 1;
          if (column > 16_383) throw new ImportFileError('import.file.notTable');
          cell = { type: attributes.t ?? 'n', style: Number(attributes.s ?? 0), value: '', inline: '' };
        } else if (name === 'v' && cell) {
          collecting = 'v';
          collector.reset();
        } else if (name === 'is' && cell) inInline = true;
        else if (name === 'rPh') inInline = false;
        else if (name === 't' && cell && inInline) {
          collecting = 't';
          collector.reset();
        } else if (name === 'hyperlink' && attributes.ref && attributes['r:id']) links.push({ ref: attributes.ref, id: attributes['r:id'] });
      },
      close(name) {
        if (name === 'v' && collecting === 'v' && cell) {
          cell.value = collector.take();
          collecting = undefined;
        } else if (name === 't' && collecting === 't' && cell) {
          cell.inline += collector.take();
          if (cell.inline.length > limits.maxCellChars) throw cellTooLong(limits);
          collecting = undefined;
        } else if (name === 'is') inInline = false;
        else if (name === 'c' && cell) {
          cells[column] = cellText(cell, { strings, dates, date1904 });
          cell = undefined;
        } else if (name === 'row') {
          if (cells.some((text) => text !== undefined && text.trim() !== '')) {
            nonEmpty += 1;
            // The header row plus at most maxRows data rows.
            if (nonEmpty > limits.maxRows + 1) throw new ImportFileError('import.file.tooManyRows', { max: limits.maxRows });
            records.push({ line, cells: Array.from(cells, (text) => text ?? '') });
          }
        }
      },
      text(raw) {
        if (collecting) collector.add(raw);
      },
    },
    limits,
  );
  return { records, links };
}

function cellText(cell: { type: string; style: number; value: string; inline: string }, { strings, dates, date1904 }: Omit<SheetContext, 'limits'>): string {
  switch (cell.type) {
    case 's':
      return strings[Number(cell.value)] ?? '';
    case 'inlineStr':
      return cell.inline;
    case 'b':
      return cell.value === '1' ? 'true' : cell.value === '' ? '' : 'false';
    case 'str':
    case 'e':
      return cell.value;
    case 'd':
      return cell.value.slice(0, 10);
    default: {
      if (cell.value.trim() === '') return '';
      const number = Number(cell.value);
      if (Number.isNaN(number)) return cell.value;
      return dates[cell.style] ? excelDate(number, date1904) : String(number);
    }
  }
}

/**
 * The rows of the first worksheet that has any, with the row numbers a spreadsheet program
 * shows; text as the spreadsheet shows it (hyperlinks without text give their address, date
 * cells an ISO date). Throws ImportFileError.
 */
export function readXlsxRows(zip: Uint8Array, limits: XlsxLimits): XlsxRecord[] {
  const sheets: string[] = [];
  let date1904 = false;
  const found = scanEntry(
    zip,
    'xl/workbook.xml',
    {
      open(name, attributes) {
        if (name === 'sheet') sheets.push(attributes['r:id'] ?? Object.entries(attributes).find(([key]) => key.endsWith(':id'))?.[1] ?? '');
        else if (name === 'workbookPr') date1904 = attributes.date1904 === '1' || attributes.date1904 === 'true';
      },
      close: ignore,
      text: ignore,
    },
    limits,
  );
  // A Word or OpenDocument file is a zip too, but has no workbook.
  if (!found || sheets.length === 0) throw new ImportFileError('import.file.notTable');
  const rels = relationships(zip, 'xl/_rels/workbook.xml.rels', limits);
  const target = (type: string) => [...rels.values()].find((value) => value.split(' ')[0]!.endsWith(`/${type}`))?.split(' ')[1];
  const stringsTarget = target('sharedStrings');
  const strings = sharedStrings(zip, stringsTarget ? resolveTarget(stringsTarget, 'xl/') : 'xl/sharedStrings.xml', limits);
  const dates = dateStyles(zip, limits);
  for (const [index, id] of sheets.entries()) {
    const sheetTarget = rels.get(id)?.split(' ')[1];
    const path = sheetTarget ? resolveTarget(sheetTarget, 'xl/') : `xl/worksheets/sheet${index + 1}.xml`;
    const { records, links } = readSheet(zip, path, { strings, dates, date1904, limits });
    if (records.length === 0) continue;
    if (links.length > 0) {
      const folder = path.slice(0, path.lastIndexOf('/') + 1);
      const sheetRels = relationships(zip, `${folder}_rels/${path.slice(folder.length)}.rels`, limits);
      for (const link of links) {
        const address = sheetRels.get(link.id)?.split(' ')[1];
        const column = columnIndex(link.ref);
        const row = records.find((record) => record.line === Number(/\d+$/.exec(link.ref)?.[0]));
        if (address && column !== undefined && row && (row.cells[column] ?? '') === '') {
          row.cells[column] = address.replace(/^mailto:/i, '');
          for (let index = 0; index < row.cells.length; index += 1) row.cells[index] ??= '';
        }
      }
    }
    return records;
  }
  return [];
}

export { XmlSyntaxError };
