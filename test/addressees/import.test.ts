import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../server/shared/clock.ts';
import { AppError } from '../../server/shared/app-error.ts';
import { t } from '../../server/i18n/index.ts';
import { listEntries } from '../../server/addressees/addressees.service.ts';
import { applyImport, operationsOf, previewImport } from '../../server/addressees/import/import.service.ts';
import { ImportFileError } from '../../server/addressees/import/import-errors.ts';
import type { PreviewRow } from '../../server/addressees/import/preview.ts';
import { exportCsv, exportXlsx } from '../../server/addressees/addressees.export.ts';
import { neutraliseFormula } from '../../server/shared/spreadsheet.ts';
import type { Addressee, AddresseeList } from '../../server/addressees/addressees.table.ts';
import type { Db } from '../../server/db/client.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { makeAddressee, makeList, makeOrganiser } from '../helpers/factories.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/addressees', name));

async function setup() {
  const { db, sqlite } = createTestDatabase();
  const { organiser } = await makeOrganiser(db);
  const list = makeList(db, organiser.id, { name: 'Import-Ziel' });
  return { db, sqlite, organiser, list };
}

const messages = (row: PreviewRow | undefined) => (row?.problems ?? []).map((problem) => t(problem.key, problem.params));
const rowAt = (rows: PreviewRow[], line: number) => rows.find((row) => row.line === line);

async function fileError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportFileError) return t(error.messageKey, error.params);
    throw error;
  }
  throw new Error('expected an ImportFileError');
}

function importAll(db: Db, list: AddresseeList, preview: Awaited<ReturnType<typeof previewImport>>) {
  return applyImport({ db, clock: systemClock, list, operations: operationsOf(preview.preview), fingerprint: preview.fingerprint });
}

const comparable = (entry: Addressee) => {
  const { id: _id, listId: _listId, createdAt: _c, updatedAt: _u, ...values } = entry;
  return values;
};

describe('reading CSV files as German offices save them', () => {
  it('reads German Excel CSV in Windows-1252 without BOM, restores a lost leading zero and flags "?" in a name', async () => {
    const { db, list } = await setup();
    const bytes = fixture('excel-windows-1252.csv');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const { preview } = await previewImport({ db, list, bytes });
    expect(preview.encoding).toBe('windows-1252');
    expect(preview.separator).toBe(';');
    expect(preview.columns.find((column) => column.header === 'Behörde')?.field).toBe('institution');
    expect(preview.counts).toMatchObject({ rows: 4, add: 4, invalid: 0 });
    expect(preview.blocking).toBe(false);
    expect(rowAt(preview.rows, 2)?.values).toMatchObject({ salutation: 'Herr', lastName: 'Gerwers', street: 'Nassauerallee 15–23', city: 'Kleve' });
    expect(rowAt(preview.rows, 2)?.addressLines).toEqual(['Kreis Kleve', 'Herrn Landrat', 'Christoph Gerwers', 'Nassauerallee 15–23', '47533 Kleve']);
    expect(rowAt(preview.rows, 2)?.salutation).toBe('Sehr geehrter Herr Landrat,');
    expect(rowAt(preview.rows, 3)?.values.city).toBe('Düsseldorf');
    expect(messages(rowAt(preview.rows, 3))).toContain(t('import.problem.questionMark', { field: 'Vorname', value: 'Ma?gorzata' }));
    expect(rowAt(preview.rows, 4)?.values.lastName).toBe('Wróbel');
    expect(rowAt(preview.rows, 5)?.values).toMatchObject({ lastName: 'Weiß', street: 'Schloßstraße 1', postcode: '01067' });
    expect(messages(rowAt(preview.rows, 5))).toContain('PLZ „1067“ hatte ihre führende Null verloren (Excel) und wurde zu „01067“ ergänzt.');
  });

  it('reads Excel "CSV UTF-8" with BOM: the BOM is not part of the first header, Polish/Turkish/Czech letters survive', async () => {
    const { db, list } = await setup();
    const { preview } = await previewImport({ db, list, bytes: fixture('excel-utf8-bom.csv') });
    expect(preview.encoding).toBe('utf-8-bom');
    expect(preview.columns[0]).toMatchObject({ header: 'Anrede', field: 'salutation' });
    expect(preview.columns.map((column) => column.field)).toEqual([
      'salutation', 'title', 'firstName', 'lastName', 'function', 'institution', 'street', 'postcode', 'city', 'email', 'letterSalutation',
    ]);
    expect(rowAt(preview.rows, 2)?.addressLines).toEqual([
      'Landtag Nordrhein-Westfalen', 'Vorsitzende des Integrationsausschusses', 'Frau Dr. Małgorzata Nowak MdL', 'Platz des Landtags 1', '40221 Düsseldorf',
    ]);
    expect(rowAt(preview.rows, 3)?.values).toMatchObject({ firstName: 'Çağrı', lastName: 'Ağaoğlu' });
    expect(rowAt(preview.rows, 3)?.salutation).toBe('Sehr geehrter Herr Bürgermeister,');
    expect(rowAt(preview.rows, 4)?.salutation).toBe('Liebe Frau Dvořáková,');
    expect(preview.rows.flatMap((row) => row.problems)).toEqual([]);
  });

  it('reads "," separated UTF-8 with quoted fields and a line break inside a quoted field', async () => {
    const { db, list } = await setup();
    const { preview } = await previewImport({ db, list, bytes: fixture('libreoffice-comma.csv') });
    expect(preview.encoding).toBe('utf-8');
    expect(preview.separator).toBe(',');
    expect(preview.counts).toMatchObject({ rows: 2, add: 2, invalid: 0 });
    expect(rowAt(preview.rows, 2)?.values.department).toBe('Fachbereich 2, Soziales');
    expect(rowAt(preview.rows, 3)?.values).toMatchObject({ department: 'Bürgermeisterbüro Zimmer 12', street: 'Peter-Plümpe-Platz 12', postcode: '47623', email: 'pichler@example.org' });
  });

  it('reports every row problem: duplicate, fields too many, no name, invalid and missing e-mail', async () => {
    const { db, list } = await setup();
    const { preview } = await previewImport({ db, list, bytes: fixture('problems.csv') });
    expect(messages(rowAt(preview.rows, 3))).toContain('Doppelt: dieselbe Person steht schon in Zeile 2 der Datei.');
    expect(messages(rowAt(preview.rows, 4))).toContain('Die Zeile hat 3 Felder zu viel (10 statt 7 wie in der Überschrift). Steht ein Trennzeichen zu viel darin (z. B. ein Komma in einer Anschrift)?');
    expect(messages(rowAt(preview.rows, 5))).toContain('Weder Nachname noch Institution angegeben.');
    expect(messages(rowAt(preview.rows, 6))).toContain('„carl(at)example.org“ ist keine gültige E-Mail-Adresse.');
    expect(messages(rowAt(preview.rows, 7))).toContain(t('import.problem.emailMissing'));
    expect(rowAt(preview.rows, 7)?.action).toBe('add');
    expect(preview.rows.map((row) => row.action)).toEqual(['add', 'invalid', 'invalid', 'invalid', 'invalid', 'add']);
    expect(preview.counts).toMatchObject({ rows: 6, add: 2, invalid: 4, errors: 4, warnings: 1 });
    expect(preview.blocking).toBe(true);
  });

  it('names the expected and the found columns when the required ones are missing', async () => {
    const { db, list } = await setup();
    const message = await fileError(previewImport({ db, list, bytes: fixture('wrong-columns.csv') }));
    expect(message).toContain('Es fehlt „Nachname“');
    expect(message).toContain('Anrede, Titel, Vorname, Nachname');
    expect(message).toContain('Gefunden: „Kundennr“, „Betrag“, „Datum“.');
  });

  it('refuses an empty file, a header without rows, a file that is no table, old .xls and a broken quote', async () => {
    const { db, list } = await setup();
    const check = (bytes: Uint8Array) => fileError(previewImport({ db, list, bytes }));
    expect(await check(Buffer.alloc(0))).toBe('Die Datei ist leer.');
    expect(await check(Buffer.from('\uFEFF  \r\n\r\n', 'utf8'))).toBe('Die Datei ist leer.');
    expect(await check(Buffer.from('Nachname;E-Mail\r\n', 'utf8'))).toBe(t('import.file.noRows'));
    expect(await check(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj', 'latin1'))).toBe(t('import.file.notTable'));
    expect(await check(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]))).toBe(t('import.file.notTable'));
    expect(await check(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toContain('alten Excel-Format (.xls)');
    expect(await check(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]))).toBe(t('import.file.notTable'));
    const { zipSync, strToU8 } = await import('fflate');
    const docx = zipSync({ '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'), 'word/document.xml': strToU8('<w:document/>') });
    expect(await check(docx)).toBe(t('import.file.notTable'));
    const emptySheet = new ExcelJS.Workbook();
    emptySheet.addWorksheet('Leer');
    expect(await check(Buffer.from(await emptySheet.xlsx.writeBuffer()))).toBe('Die Datei ist leer.');
    expect(await check(Buffer.from('Nachname;E-Mail\r\n"Meier;meier@example.org\r\n', 'utf8'))).toBe('Die CSV-Datei ist ab Zeile 2 nicht lesbar: Ein Anführungszeichen wird nicht geschlossen.');
  });

  it('refuses files over 5 MB and over 20,000 rows', async () => {
    const { db, list } = await setup();
    const check = (bytes: Uint8Array) => fileError(previewImport({ db, list, bytes }));
    expect(await check(Buffer.alloc(30 * 1024 * 1024, 0x41))).toBe('Die Datei ist größer als 5 MB. Bitte teilen Sie sie auf oder entfernen Sie nicht benötigte Spalten.');
    const rows = Array.from({ length: 20_001 }, (_, i) => `N${i};n${i}@example.org`);
    expect(await check(Buffer.from(['Nachname;E-Mail', ...rows].join('\r\n'), 'utf8'))).toBe('Die Datei hat mehr als 20.000 Zeilen; höchstens 20.000 können auf einmal importiert werden. Bitte teilen Sie die Datei auf.');
  });

  it('treats an Anrede like "Herr Dr." as salutation plus title and warns about unknown ones', async () => {
    const { db, list } = await setup();
    const csv = 'Anrede;Nachname;E-Mail\r\nHerr Dr.;Meier;m@example.org\r\nMx;Kaya;k@example.org\r\n';
    const { preview } = await previewImport({ db, list, bytes: Buffer.from(csv) });
    expect(rowAt(preview.rows, 2)?.values).toMatchObject({ salutation: 'Herr', title: 'Dr.' });
    expect(rowAt(preview.rows, 3)?.values.salutation).toBe('');
    expect(messages(rowAt(preview.rows, 3))).toContain('Anrede „Mx“ nicht erkannt (Herr, Frau oder leer) – ohne Anrede übernommen.');
  });
});

describe('reading XLSX files (made with exceljs)', () => {
  async function workbook(fill: (sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
    const book = new ExcelJS.Workbook();
    fill(book.addWorksheet('Adressen'));
    return Buffer.from(await book.xlsx.writeBuffer());
  }

  it('reads hyperlinked e-mail cells, numeric PLZ cells and dates', async () => {
    const { db, list } = await setup();
    const bytes = await workbook((sheet) => {
      sheet.addRow(['Anrede', 'Titel', 'Vorname', 'Nachname', 'Funktion', 'Institution', 'Straße', 'PLZ', 'Ort', 'E-Mail', 'Geprüft am']);
      sheet.addRow(['Frau', 'Dr.', 'Małgorzata', 'Nowak', 'Vorsitzende des Integrationsausschusses', 'Landtag Nordrhein-Westfalen', 'Platz des Landtags 1', 40221, 'Düsseldorf', { text: 'nowak@example.org', hyperlink: 'mailto:nowak@example.org' }, new Date(Date.UTC(2025, 9, 15))]);
      const row = sheet.addRow(['Herr', '', 'Jörg', 'Weiß', '', 'Stadt Dresden', 'Schloßstraße 1', 1067, 'Dresden', { text: 'weiss@example.org', hyperlink: 'mailto:weiss@example.org' }, '15.10.2025']);
      row.getCell(8).numFmt = '00000';
    });
    const { preview } = await previewImport({ db, list, bytes });
    expect(preview.format).toBe('xlsx');
    expect(rowAt(preview.rows, 2)?.values).toMatchObject({ email: 'nowak@example.org', postcode: '40221', verifiedAt: '2025-10-15', firstName: 'Małgorzata' });
    expect(rowAt(preview.rows, 3)?.values).toMatchObject({ email: 'weiss@example.org', postcode: '01067', verifiedAt: '2025-10-15' });
    expect(messages(rowAt(preview.rows, 3))).toContain('PLZ „1067“ hatte ihre führende Null verloren (Excel) und wurde zu „01067“ ergänzt.');
    expect(preview.blocking).toBe(false);
  });

  it('reports a row with cells beyond the header and the missing columns of a sheet', async () => {
    const { db, list } = await setup();
    const extra = await workbook((sheet) => {
      sheet.addRow(['Nachname', 'E-Mail']);
      sheet.addRow(['Meier', 'meier@example.org', 'x', 'y', 'z']);
    });
    const { preview } = await previewImport({ db, list, bytes: extra });
    expect(messages(preview.rows[0])).toContain(t('import.problem.tooManyFields', { extra: 3, count: 5, expected: 2 }));
    const wrong = await workbook((sheet) => {
      sheet.addRow(['Spalte A', 'Spalte B']);
      sheet.addRow(['1', '2']);
    });
    expect(await fileError(previewImport({ db, list, bytes: wrong }))).toContain('Gefunden: „Spalte A“, „Spalte B“.');
  });
});

describe('matching against the list and importing all or nothing', () => {
  it('matches by e-mail, else by name and institution; updates only the file\'s columns; the preview writes nothing', async () => {
    const { db, list } = await setup();
    const byMail = makeAddressee(db, list, { firstName: 'Anna', lastName: 'Alt', institution: 'Stadt Kleve', email: 'anna@example.org', note: 'bleibt' });
    const byName = makeAddressee(db, list, { firstName: 'Ben', lastName: 'Berg', institution: 'Stadt Goch', email: 'ben.alt@example.org' });
    const same = makeAddressee(db, list, { salutation: 'Frau', firstName: 'Cara', lastName: 'Clay', institution: 'Stadt Rees', email: 'cara@example.org' });
    const csv = [
      'Anrede;Vorname;Nachname;Institution;E-Mail',
      'Frau;Anna;Neu;Stadt Kleve;ANNA@example.org',
      'Herr;Ben;Berg;Stadt Goch;ben@example.org',
      'Frau;Cara;Clay;Stadt Rees;cara@example.org',
      'Herr;Dirk;Dorn;Stadt Uedem;dirk@example.org',
    ].join('\r\n');
    const before = listEntries({ db, list }).map(comparable);
    const result = await previewImport({ db, list, bytes: Buffer.from(csv) });
    expect(listEntries({ db, list }).map(comparable)).toEqual(before);
    const { rows } = result.preview;
    expect(rows.map((row) => [row.action, row.matchId])).toEqual([
      ['update', byMail.id],
      ['update', byName.id],
      ['unchanged', same.id],
      ['add', undefined],
    ]);
    expect(rows[0]?.changed).toEqual(['lastName']);
    expect(importAll(db, list, result)).toEqual({ added: 1, updated: 2, unchanged: 0 });
    const after = listEntries({ db, list });
    expect(after).toHaveLength(4);
    expect(after.find((entry) => entry.id === byMail.id)).toMatchObject({ lastName: 'Neu', note: 'bleibt', function: 'Bürgermeisterin' });
    expect(after.find((entry) => entry.id === byName.id)?.email).toBe('ben@example.org');
  });

  it('rolls the whole import back when one row fails to be written', async () => {
    const { db, sqlite, list } = await setup();
    const existing = makeAddressee(db, list, { lastName: 'Bestand', email: 'bestand@example.org', city: 'Kleve' });
    // A real constraint that fails in the middle of the import.
    sqlite.exec(`CREATE TRIGGER refuse_fehler BEFORE INSERT ON addressees WHEN NEW.last_name = 'Fehler' BEGIN SELECT RAISE(ABORT, 'refused'); END;`);
    const rows = Array.from({ length: 1200 }, (_, i) => `Person${i};p${i}@example.org;Goch`);
    rows.splice(700, 0, 'Fehler;fehler@example.org;Goch');
    const csv = ['Nachname;E-Mail;Ort', 'Bestand;bestand@example.org;Goch', ...rows].join('\r\n');
    const result = await previewImport({ db, list, bytes: Buffer.from(csv) });
    expect(result.preview.blocking).toBe(false);
    expect(() => importAll(db, list, result)).toThrow(/refused/);
    const after = listEntries({ db, list });
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: existing.id, city: 'Kleve' });
  });

  it('refuses to apply a preview when the list changed meanwhile', async () => {
    const { db, list } = await setup();
    const result = await previewImport({ db, list, bytes: Buffer.from('Nachname;E-Mail\r\nMeier;meier@example.org\r\n') });
    makeAddressee(db, list, { lastName: 'Dazwischen' });
    let error: unknown;
    try {
      importAll(db, list, result);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).messageKey).toBe('import.stale');
    expect(listEntries({ db, list })).toHaveLength(1);
  });
});

describe('export', () => {
  const tricky = {
    salutation: 'Frau' as const,
    title: 'Dr. MdL',
    firstName: 'Małgorzata',
    lastName: 'Nowak',
    function: 'Vorsitzende; Integrationsausschuss',
    institution: 'Landtag "NRW"',
    department: '=HYPERLINK("http://evil.example","x")',
    street: '+49 Platz des Landtags 1',
    postcode: '01067',
    city: 'Düsseldorf',
    email: 'nowak@example.org',
    letterSalutation: '@Sehr geehrte Frau Vorsitzende,',
    verifiedAt: '2025-10-15',
    note: '-bitte prüfen',
  };

  it('writes CSV that German Excel opens: BOM, ";", CRLF, formulas neutralised', async () => {
    const { db, list } = await setup();
    makeAddressee(db, list, tricky);
    const bytes = exportCsv(listEntries({ db, list }));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('Anrede;Titel;Vorname;Nachname;Funktion;Institution;Abteilung;Straße;PLZ;Ort;E-Mail;Briefanrede;Geprüft am;Notiz');
    expect(lines[1]).toBe(
      `Frau;Dr. MdL;Małgorzata;Nowak;"Vorsitzende; Integrationsausschuss";"Landtag ""NRW""";"'=HYPERLINK(""http://evil.example"",""x"")";'+49 Platz des Landtags 1;01067;Düsseldorf;nowak@example.org;'@Sehr geehrte Frau Vorsitzende,;2025-10-15;'-bitte prüfen`,
    );
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(neutraliseFormula('Kleve')).toBe('Kleve');
  });

  it('writes XLSX with text cells that exceljs reads back', async () => {
    const { db, list } = await setup();
    makeAddressee(db, list, tricky);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await exportXlsx(listEntries({ db, list }), list.name)) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).getCell(9).text).toBe('PLZ');
    expect(sheet.getRow(2).getCell(9).value).toBe('01067');
    expect(sheet.getRow(2).getCell(3).value).toBe('Małgorzata');
    expect(sheet.getRow(2).getCell(7).value).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(sheet.getRow(2).getCell(7).formula).toBeUndefined();
  });

  it('round trip: export → import into an empty list gives the same list (CSV and XLSX)', async () => {
    const { db, organiser, list } = await setup();
    makeAddressee(db, list, tricky);
    makeAddressee(db, list, { salutation: '', firstName: 'Alex', lastName: 'Beispiel', function: '', institution: '', email: 'alex@example.org' });
    makeAddressee(db, list, { salutation: 'Herr', firstName: 'Çağrı', lastName: 'Ağaoğlu', function: 'Bürgermeister', institution: 'Stadt Goch', postcode: '47574', email: 'goch@example.org' });
    const original = listEntries({ db, list }).map(comparable);
    for (const bytes of [exportCsv(listEntries({ db, list })), await exportXlsx(listEntries({ db, list }), list.name)]) {
      const target = makeList(db, organiser.id);
      const result = await previewImport({ db, list: target, bytes });
      expect(result.preview.blocking).toBe(false);
      importAll(db, target, result);
      expect(listEntries({ db, list: target }).map(comparable)).toEqual(original);
      // A second import of the same file changes nothing.
      const again = await previewImport({ db, list: target, bytes });
      expect(again.preview.counts).toMatchObject({ add: 0, update: 0, unchanged: 3 });
    }
  });

  it('keeps Windows-1252 round trips readable too (iconv-lite bytes)', async () => {
    const { db, list } = await setup();
    const bytes = iconv.encode('Nachname;Ort;E-Mail\r\nMüller;Düsseldorf;m@example.org\r\n', 'windows-1252');
    const { preview } = await previewImport({ db, list, bytes });
    expect(preview.rows[0]?.values).toMatchObject({ lastName: 'Müller', city: 'Düsseldorf' });
  });
});
