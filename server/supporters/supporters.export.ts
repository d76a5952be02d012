// The organisers' export of confirmed supporters, with only what each person or organisation
// agreed to. Rows are read in batches over the state index (keyset, never all at once), so a
// million citizens stream out as CSV; the XLSX workbook is streamed too, up to a limit.
import { PassThrough, Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatDateTime } from '../shared/dates.ts';
import { neutraliseFormula } from '../shared/spreadsheet.ts';
import { supportersRepository } from './supporters.repository.ts';
import type { ExportCursor } from './supporters.repository.ts';
import type { Supporter } from './supporters.table.ts';

/** Above this many confirmed supporters there is no XLSX (time to write it; who reads 100,000 rows in Excel); CSV has no limit. */
export const XLSX_MAX_ROWS = 100_000;
const BATCH = 1000;

const columns: MessageKey[] = [
  'supporters.column.kind',
  'supporters.column.organisation',
  'supporters.column.shortName',
  'supporters.column.website',
  'supporters.column.address',
  'supporters.column.firstName',
  'supporters.column.lastName',
  'supporters.column.function',
  'supporters.column.postcode',
  'supporters.column.place',
  'supporters.column.email',
  'supporters.column.comment',
  'supporters.column.confirmedAt',
];

/**
 * The cells of one confirmed supporter, or undefined when they agreed to nothing an export
 * could show. Organisations: name, short name, website, address, representative and function
 * (they asked to be listed); citizens: name, postcode and place only with "show my name".
 * E-mail only with "keep me informed"; a comment only once approved.
 */
export function exportCells(supporter: Supporter): string[] | undefined {
  const organisation = supporter.kind === 'organisation';
  const named = organisation || supporter.showName;
  const email = supporter.keepInformed && supporter.email ? supporter.email : '';
  const comment = supporter.commentState === 'approved' ? supporter.comment : '';
  if (!named && !email && !comment) return undefined;
  const cells = [
    t(`supporters.kindOne.${supporter.kind}` as MessageKey),
    organisation ? supporter.organisationName : '',
    organisation ? supporter.shortName : '',
    organisation ? supporter.website : '',
    organisation ? supporter.address.split('\n').join(', ') : '',
    named ? supporter.firstName : '',
    named ? supporter.lastName : '',
    organisation ? supporter.representativeFunction : '',
    !organisation && named ? supporter.postcode : '',
    !organisation && named ? supporter.place : '',
    email,
    comment,
    supporter.confirmedAt ? formatDateTime(supporter.confirmedAt) : '',
  ];
  return cells.map(neutraliseFormula);
}

/** Batches of exported rows: the organisations first, then the citizens, each in confirmation order. */
export function* exportBatches({ db, appealId }: { db: Db; appealId: number }): Generator<string[][]> {
  const repository = supportersRepository(db);
  for (const kind of ['organisation', 'citizen'] as const) {
    let cursor: ExportCursor | null = null;
    for (;;) {
      const batch = repository.confirmedAfter(appealId, kind, cursor, BATCH);
      if (batch.length === 0) break;
      const rows = batch.map(exportCells).filter((cells): cells is string[] => cells !== undefined);
      if (rows.length > 0) yield rows;
      const last = batch.at(-1)!;
      cursor = { confirmedAt: last.confirmedAt!.getTime(), id: last.id };
      if (batch.length < BATCH) break;
    }
  }
}

const header = () => columns.map((key) => t(key));
const csvOptions = { delimiter: ';', record_delimiter: 'windows', quoted_match: /[;"\r\n]/ } as const;

/** CSV as German Excel opens it (";" separated, UTF-8 with BOM, CRLF), produced batch by batch as it is sent. */
export function supportersCsvStream({ db, appealId }: { db: Db; appealId: number }): Readable {
  function* chunks() {
    yield stringify([header()], { ...csvOptions, bom: true });
    for (const rows of exportBatches({ db, appealId })) yield stringify(rows, csvOptions);
  }
  return Readable.from(chunks());
}

/** Whether the appeal has too many confirmed supporters for an XLSX file. */
export function tooManyForXlsx({ db, appealId }: { db: Db; appealId: number }): boolean {
  const counts = supportersRepository(db).counts(appealId);
  return counts.citizens + counts.organisations > XLSX_MAX_ROWS;
}

/**
 * An .xlsx workbook with one sheet, written row by row into the response (ExcelJS's streaming
 * writer: a file of 100,000 rows never sits in memory), giving way to other requests after
 * every batch. Every cell is text.
 */
export function supportersXlsxStream({ db, appealId }: { db: Db; appealId: number }): Readable {
  const out = new PassThrough();
  const write = async () => {
    // Loaded on first use: exceljs costs about 30 MB and a third of a second at start.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    workbook.creator = 'Mitzeichnen';
    const sheet = workbook.addWorksheet(t('supporters.export.sheet'), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = header().map((label) => ({ header: label, width: 20, style: { numFmt: '@' } }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    for (const rows of exportBatches({ db, appealId })) {
      for (const cells of rows) sheet.addRow(cells).commit();
      await new Promise((resolve) => setImmediate(resolve));
    }
    sheet.commit();
    await workbook.commit();
  };
  write().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}

/** "2026-11-22_kleve-aufruf-integration_unterstuetzer.csv" */
export const exportFileName = (slug: string, day: string, extension: 'csv' | 'xlsx') => `${day}_${slug}_unterstuetzer.${extension}`;
