import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli.ts';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { listEntries } from '../../server/addressees/addressees.service.ts';
import { addresseeLists, appealAddresseeLists } from '../../server/addressees/addressees.table.ts';
import type { AddresseeList } from '../../server/addressees/addressees.table.ts';
import { tempDataDir } from '../helpers/app.ts';
import { makeAddressee, makeAppeal, makeList, makeOrganiser } from '../helpers/factories.ts';

const fixtures = join(import.meta.dirname, '../fixtures/addressees');

async function cli(dataDir: string, argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const code = await runCli(argv, {
    env: { DATA_DIR: dataDir, SESSION_SECRET: 'test-secret-test-secret-test-secret-0123' },
    cwd: dataDir,
    stdin: Readable.from([]),
    stdout,
    stderr,
  });
  return { code, out, err };
}

/** A DATA_DIR with a migrated database holding one list "Bürgermeister:innen" with one entry. */
async function setup() {
  const dataDir = tempDataDir();
  const connection = openDatabase(join(dataDir, 'mitzeichnen.sqlite'));
  migrateDatabase(connection.db);
  const { organiser } = await makeOrganiser(connection.db, { email: 'orga@example.org' });
  const list = makeList(connection.db, organiser.id, { name: 'Bürgermeister:innen' });
  makeAddressee(connection.db, list, { lastName: 'Bestand', email: 'bestand@example.org' });
  connection.close();
  const entries = (target: AddresseeList = list) => {
    const reader = openDatabase(join(dataDir, 'mitzeichnen.sqlite'));
    try {
      return listEntries({ db: reader.db, list: target });
    } finally {
      reader.close();
    }
  };
  return { dataDir, list, entries, organiser };
}

describe('mitzeichnen import-addressees', () => {
  it('--dry-run prints the preview and writes nothing', async () => {
    const { dataDir, entries } = await setup();
    copyFileSync(join(fixtures, 'excel-windows-1252.csv'), join(dataDir, 'liste.csv'));
    const result = await cli(dataDir, ['import-addressees', '--list', 'Bürgermeister:innen', 'liste.csv', '--dry-run']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('CSV, Windows-1252 (ANSI), Trennzeichen „;“');
    expect(result.out).toContain('Rows: 4 · new 4 · update 0');
    expect(result.out).toContain('Row 3 Hinweis: „?“ in Vorname „Ma?gorzata“');
    expect(result.out).toContain('Row 5 Info: PLZ „1067“ hatte ihre führende Null verloren');
    expect(result.out).toContain('Dry run: nothing was written.');
    expect(entries()).toHaveLength(1);
  });

  it('imports a file and reports the counts', async () => {
    const { dataDir, entries } = await setup();
    const result = await cli(dataDir, ['import-addressees', '--list', 'Bürgermeister:innen', join(fixtures, 'excel-utf8-bom.csv')]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Imported: 3 new, 0 updated, 0 unchanged.');
    expect(entries().map((entry) => entry.lastName).sort()).toEqual(['Ağaoğlu', 'Bestand', 'Dvořáková', 'Nowak']);
  });

  it('exits non-zero with the row problems when the file has blocking problems, and writes nothing', async () => {
    const { dataDir, entries } = await setup();
    const result = await cli(dataDir, ['import-addressees', '--list', 'Bürgermeister:innen', join(fixtures, 'problems.csv')]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('Row 3 Fehler: Doppelt: dieselbe Person steht schon in Zeile 2 der Datei.');
    expect(result.out).toContain('Row 6 Fehler: „carl(at)example.org“ ist keine gültige E-Mail-Adresse.');
    expect(result.err).toContain('Error: 4 row(s) have errors; nothing was imported.');
    expect(entries()).toHaveLength(1);
  });

  it('exits non-zero for a file without the required columns, an unknown list, a missing file and missing options', async () => {
    const { dataDir } = await setup();
    const wrong = await cli(dataDir, ['import-addressees', '--list', 'Bürgermeister:innen', join(fixtures, 'wrong-columns.csv')]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('Gefunden: „Kundennr“, „Betrag“, „Datum“.');
    const unknown = await cli(dataDir, ['import-addressees', '--list', 'Gibt es nicht', join(fixtures, 'problems.csv')]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('There is no addressee list named "Gibt es nicht".');
    const missing = await cli(dataDir, ['import-addressees', '--list', 'Bürgermeister:innen', 'fehlt.csv']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('Cannot read the file');
    const noList = await cli(dataDir, ['import-addressees', 'x.csv']);
    expect(noList.code).toBe(1);
    expect(noList.err).toContain('--list <name> is required.');
    const big = join(dataDir, 'gross.csv');
    writeFileSync(big, Buffer.alloc(6 * 1024 * 1024, 0x41));
    const tooLarge = await cli(dataDir, ['import-addressees', '--list', 'Bürgermeister:innen', big]);
    expect(tooLarge.code).toBe(1);
    expect(tooLarge.err).toContain('Die Datei ist größer als 5 MB.');
  });
});

describe('mitzeichnen export-addressees', () => {
  it('writes CSV and XLSX that read back, and refuses a bad format', async () => {
    const { dataDir } = await setup();
    const csv = await cli(dataDir, ['export-addressees', '--list', 'Bürgermeister:innen', '--format', 'csv', 'out.csv']);
    expect(csv.code).toBe(0);
    expect(csv.out).toContain('Wrote 1 entries of "Bürgermeister:innen"');
    const bytes = readFileSync(join(dataDir, 'out.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('\r\nFrau;;Anna;Bestand;Bürgermeisterin;Stadt Beispiel;;Markt 1;47533;Kleve;bestand@example.org;;;\r\n');

    const xlsx = await cli(dataDir, ['export-addressees', '--list', 'Bürgermeister:innen', '--format', 'xlsx', 'out.xlsx']);
    expect(xlsx.code).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dataDir, 'out.xlsx'));
    expect(book.worksheets[0]!.getRow(2).getCell(4).value).toBe('Bestand');

    const bad = await cli(dataDir, ['export-addressees', '--list', 'Bürgermeister:innen', '--format', 'pdf', 'out.pdf']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--format must be csv or xlsx.');
  });

  it('asks for --owner when two organisers have a list of that name', async () => {
    const { dataDir } = await setup();
    const connection = openDatabase(join(dataDir, 'mitzeichnen.sqlite'));
    const { organiser: other } = await makeOrganiser(connection.db, { email: 'andere@example.org' });
    makeList(connection.db, other.id, { name: 'Bürgermeister:innen' });
    connection.close();
    const ambiguous = await cli(dataDir, ['export-addressees', '--list', 'Bürgermeister:innen', '--format', 'csv', 'out.csv']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.err).toContain('choose one with --owner');
    const chosen = await cli(dataDir, ['export-addressees', '--list', 'Bürgermeister:innen', '--owner', 'andere@example.org', '--format', 'csv', 'out.csv']);
    expect(chosen.code).toBe(0);
    expect(chosen.out).toContain('Wrote 0 entries');
  });
});

describe('mitzeichnen create-list, import-addressees --create and attach-list', () => {
  const listsOf = (dataDir: string) => {
    const reader = openDatabase(join(dataDir, 'mitzeichnen.sqlite'));
    try {
      return reader.db.select().from(addresseeLists).all();
    } finally {
      reader.close();
    }
  };

  it('creates a list for an organiser, refuses a second of the same name, and names the command when a list is missing', async () => {
    const { dataDir, organiser } = await setup();
    const created = await cli(dataDir, ['create-list', '--name', 'Kreistag', '--owner', 'ORGA@example.org', '--description', 'Mitglieder des Kreistages']);
    expect(created.err).toBe('');
    expect(created.out).toContain('Created the list "Kreistag"');
    const list = listsOf(dataDir).find((entry) => entry.name === 'Kreistag')!;
    expect(list).toMatchObject({ ownerId: organiser.id, description: 'Mitglieder des Kreistages' });
    const again = await cli(dataDir, ['create-list', '--name', 'Kreistag', '--owner', 'orga@example.org']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already has a list named "Kreistag"');
    const unknownOwner = await cli(dataDir, ['create-list', '--name', 'X', '--owner', 'niemand@example.org']);
    expect(unknownOwner.err).toContain('no organiser with the e-mail niemand@example.org');
    const missing = await cli(dataDir, ['import-addressees', '--list', 'Neue Liste', join(fixtures, 'excel-utf8-bom.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('mitzeichnen create-list --name "Neue Liste"');
  });

  it('import-addressees --create makes the list on import, not on a dry run', async () => {
    const { dataDir, organiser } = await setup();
    expect((await cli(dataDir, ['import-addressees', '--list', 'Neue Liste', '--create', join(fixtures, 'excel-utf8-bom.csv')])).err).toContain('--create needs --owner');
    const dry = await cli(dataDir, ['import-addressees', '--list', 'Neue Liste', '--owner', 'orga@example.org', '--create', '--dry-run', join(fixtures, 'excel-utf8-bom.csv')]);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('List: Neue Liste (new)');
    expect(listsOf(dataDir).map((list) => list.name)).not.toContain('Neue Liste');
    const done = await cli(dataDir, ['import-addressees', '--list', 'Neue Liste', '--owner', 'orga@example.org', '--create', join(fixtures, 'excel-utf8-bom.csv')]);
    expect(done.err).toBe('');
    expect(done.code).toBe(0);
    const list = listsOf(dataDir).find((entry) => entry.name === 'Neue Liste')!;
    expect(list.ownerId).toBe(organiser.id);
    const entries = (target: AddresseeList) => {
      const reader = openDatabase(join(dataDir, 'mitzeichnen.sqlite'));
      try {
        return listEntries({ db: reader.db, list: target });
      } finally {
        reader.close();
      }
    };
    expect(entries(list).length).toBeGreaterThan(0);
    expect(done.out).toMatch(new RegExp(`Imported: ${entries(list).length} new`));
    // With --create and an existing list of that name, the import goes into it.
    const second = await cli(dataDir, ['import-addressees', '--list', 'Neue Liste', '--owner', 'orga@example.org', '--create', join(fixtures, 'excel-utf8-bom.csv')]);
    expect(second.out).not.toContain('(new)');
    expect(listsOf(dataDir).filter((entry) => entry.name === 'Neue Liste')).toHaveLength(1);
  });

  it('attach-list adds a list to an appeal, one letter per person or as a group', async () => {
    const { dataDir, organiser } = await setup();
    const connection = openDatabase(join(dataDir, 'mitzeichnen.sqlite'));
    const appeal = makeAppeal(connection.db, organiser.id, { title: 'Aufruf' });
    connection.close();
    const attached = await cli(dataDir, ['attach-list', '--appeal', appeal.slug, '--list', 'Bürgermeister:innen', '--collective']);
    expect(attached.err).toBe('');
    expect(attached.out).toContain('as a group (one letter)');
    const reader = openDatabase(join(dataDir, 'mitzeichnen.sqlite'));
    expect(reader.db.select().from(appealAddresseeLists).all()).toEqual([expect.objectContaining({ appealId: appeal.id, collective: true })]);
    reader.close();
    expect((await cli(dataDir, ['attach-list', '--appeal', 'gibt-es-nicht', '--list', 'Bürgermeister:innen'])).err).toContain('No appeal with the slug');
  });
});
