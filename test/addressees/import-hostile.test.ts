// Bad input for the import (issue 11): each file is refused with a clear German message at the
// upload field within 2 s, nothing stored is lost, and /healthz answers within 200 ms meanwhile.
import type { Agent } from 'supertest';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../server/addressees/import/read-table.ts';
import { listEntries } from '../../server/addressees/addressees.service.ts';
import { buildTestApp } from '../helpers/app.ts';
import { loginAs, makeAddressee, makeList, makeOrganiser } from '../helpers/factories.ts';
import { healthDuring } from '../helpers/health.ts';
import { csrfToken, fieldError } from '../helpers/html.ts';
import { xlsxWithHugeCell, xlsxWithRows } from './hostile-xlsx.ts';

async function setup() {
  const app = await buildTestApp();
  const { organiser, password } = await makeOrganiser(app.db);
  const list = makeList(app.db, organiser.id, { name: 'Landräte' });
  const kept = makeAddressee(app.db, list, { lastName: 'Bleibt', email: 'bleibt@example.org' });
  const agent = app.http();
  await loginAs(agent, { email: organiser.email, password });
  return { ...app, list, kept, agent };
}

async function upload(agent: Agent, listId: number, bytes: Buffer, filename: string) {
  const page = await agent.get(`/lists/${listId}/import`).expect(200);
  const started = performance.now();
  const response = await agent.post(`/lists/${listId}/import`).field('_csrf', csrfToken(page.text)).attach('file', bytes, filename);
  return { response, ms: performance.now() - started };
}

async function refusedWhileHealthy(bytes: Buffer, expected: string) {
  const { app, agent, db, list, kept } = await setup();
  const { result, slowestMs, answers } = await healthDuring(app, () => upload(agent, list.id, bytes, 'adressen.xlsx'));
  expect(result.response.status).toBe(422);
  expect(fieldError(result.response.text, 'file')).toBe(expected);
  expect(result.ms).toBeLessThan(2000);
  expect(answers).toBeGreaterThan(0);
  expect(slowestMs).toBeLessThan(200);
  expect(listEntries({ db, list }).map((entry) => entry.id)).toEqual([kept.id]);
}

describe('hostile import files', () => {
  it('refuses an XLSX of 300 KB with one 300 MB text cell at the upload field', async () => {
    const bytes = xlsxWithHugeCell(300);
    expect(bytes.length).toBeLessThan(400 * 1024);
    await refusedWhileHealthy(bytes, 'Eine Zelle ist länger als 10.000 Zeichen. Adressfelder haben höchstens 300 Zeichen: Bitte kürzen Sie die Zelle oder entfernen Sie die Spalte.');
  });

  it('refuses an XLSX with a million rows while reading, not after', async () => {
    const bytes = xlsxWithRows(1_000_000);
    await refusedWhileHealthy(bytes, 'Die Datei hat mehr als 20.000 Zeilen; höchstens 20.000 können auf einmal importiert werden. Bitte teilen Sie die Datei auf.');
  });

  it('refuses a CSV with a million rows and one with an overlong cell', async () => {
    const rows = Buffer.from(`Nachname;E-Mail\n${'Meier;m@example.org\n'.repeat(250_000)}`, 'utf8');
    await expect(readTable(rows)).rejects.toMatchObject({ messageKey: 'import.file.tooManyRows' });
    const cell = Buffer.from(`Nachname;Notiz\nMeier;${'x'.repeat(20_000)}\n`, 'utf8');
    await expect(readTable(cell)).rejects.toMatchObject({ messageKey: 'import.file.cellTooLong', params: { max: 10_000 } });
    const line = Buffer.from(`Nachname;Notiz\nMeier;${'xxxx;'.repeat(30_000)}\n`, 'utf8');
    await expect(readTable(line)).rejects.toMatchObject({ messageKey: 'import.file.rowTooLong', params: { line: 2 } });
  });

  it('still reads the largest allowed XLSX: 20,000 rows', async () => {
    const table = await readTable(xlsxWithRows(20_000));
    expect(table.rows).toHaveLength(20_000);
    expect(table.rows[19_999]).toEqual({ line: 20_001, cells: ['Meier', 'meier@example.org'] });
    await expect(readTable(xlsxWithRows(20_001))).rejects.toMatchObject({ messageKey: 'import.file.tooManyRows' });
  });

  it('refuses an XLSX whose XML has a DTD, and a zip that is no workbook', async () => {
    const { zipSync, strToU8 } = await import('fflate');
    const word = Buffer.from(zipSync({ 'word/document.xml': strToU8('<w:document/>') }));
    await expect(readTable(word)).rejects.toMatchObject({ messageKey: 'import.file.notTable' });
    const dtd = Buffer.from(zipSync({ 'xl/workbook.xml': strToU8('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><workbook><sheets><sheet r:id="rId1"/></sheets></workbook>') }));
    await expect(readTable(dtd)).rejects.toMatchObject({ messageKey: 'import.file.notTable' });
  });
});
