import { stringify } from 'csv-stringify/sync';
import type { Addressee } from './addressees.table.ts';
import { columnLabels, importFields } from './import/columns.ts';
import { neutraliseFormula } from '../shared/spreadsheet.ts';
import { transliterate } from '../shared/transliterate.ts';
import type { ImportField } from './import/columns.ts';

/** Columns of an export, named so that the import reads them back unchanged. */
const exportFields = importFields.filter((field): field is Exclude<ImportField, 'houseNumber'> => field !== 'houseNumber');

const header = () => exportFields.map((field) => columnLabels[field]);
const cells = (entry: Addressee) => exportFields.map((field) => neutraliseFormula(entry[field]));

/** CSV as German Excel opens it directly: ";" separated, UTF-8 with BOM, CRLF line ends. */
export function exportCsv(entries: Addressee[]): Buffer {
  const text = stringify([header(), ...entries.map(cells)], {
    bom: true,
    delimiter: ';',
    record_delimiter: 'windows',
    quoted_match: /[;"\r\n]/,
  });
  return Buffer.from(text, 'utf8');
}

/** An .xlsx workbook with one sheet; every cell is text (postcodes keep their leading zero). */
export async function exportXlsx(entries: Addressee[], sheetName: string): Promise<Buffer> {
  // Loaded on first use: exceljs costs about 30 MB and a third of a second at start.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Mitzeichnen';
  const sheet = workbook.addWorksheet(sheetName.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'Adressen');
  sheet.columns = exportFields.map((field) => ({ header: columnLabels[field], key: field, width: field === 'function' || field === 'institution' ? 36 : 18, style: { numFmt: '@' } }));
  sheet.getRow(1).font = { bold: true };
  for (const entry of entries) sheet.addRow(cells(entry));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** An ASCII file name for a download: "Bürgermeister:innen" → "Buergermeister-innen". */
export function exportFileName(listName: string, extension: 'csv' | 'xlsx'): string {
  const stem = transliterate(listName)
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${stem || 'adressliste'}.${extension}`;
}
