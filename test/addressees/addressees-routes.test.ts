import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Fastify from 'fastify';
import type { Agent } from 'supertest';
import { describe, expect, it } from 'vitest';
import { addListToAppeal, appealAddresseeLists, listEntries } from '../../server/addressees/addressees.service.ts';
import listAccessPlugin from '../../server/addressees/list-access.ts';
import { addMember } from '../../server/appeals/appeals.service.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { buildTestApp } from '../helpers/app.ts';
import { csrfToken, fieldError, pageText, parseHtml } from '../helpers/html.ts';
import { loginAs, makeAddressee, makeAppeal, makeList, makeOrganiser } from '../helpers/factories.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/addressees', name));

async function setup() {
  const app = await buildTestApp();
  const { organiser, password } = await makeOrganiser(app.db);
  const list = makeList(app.db, organiser.id, { name: 'Bürgermeister:innen im Kreis Kleve' });
  const agent = app.http();
  await loginAs(agent, { email: organiser.email, password });
  return { ...app, organiser, list, agent };
}

async function upload(agent: Agent, listId: number, bytes: Buffer, filename = 'liste.csv') {
  const page = await agent.get(`/lists/${listId}/import`).expect(200);
  return agent.post(`/lists/${listId}/import`).field('_csrf', csrfToken(page.text)).attach('file', bytes, filename);
}

const confirmAction = (html: string) => parseHtml(html)('form.import-confirm').attr('action');
const count = (html: string, name: string) => parseHtml(html)(`[data-count="${name}"]`).text().trim();

describe('directory pages', () => {
  it('shows every entry with its address block and salutation as in the letter, and warns about lines wider than 80 mm', async () => {
    const { agent, db, list } = await setup();
    makeAddressee(db, list, { salutation: 'Frau', title: 'Dr.', firstName: 'Małgorzata', lastName: 'Nowak', function: 'Bürgermeister', institution: 'Stadt Goch', street: 'Markt 2', postcode: '47574', city: 'Goch', verifiedAt: '2025-10-15' });
    const wide = makeAddressee(db, list, { salutation: 'Herr', firstName: 'Jan', lastName: 'Dvořák', function: 'Vorsitzender des Ausschusses für Arbeit, Gesundheit, Soziales und Integration des Landtags', institution: 'Landtag Nordrhein-Westfalen' });
    const page = await agent.get(`/lists/${list.id}`).expect(200);
    const $ = parseHtml(page.text);
    const rows = $('tr.directory-entry');
    expect(rows).toHaveLength(2);
    const goch = rows.filter((_, row) => $(row).text().includes('Stadt Goch')).first();
    expect(goch.find('.address-preview__block').html()).toBe('Stadt Goch<br>Frau Bürgermeisterin<br>Dr. Małgorzata Nowak<br>Markt 2<br>47574 Goch');
    expect(goch.find('.salutation-cell').text().trim()).toBe('Sehr geehrte Frau Bürgermeisterin,');
    expect(goch.find('.verified').text()).toBe('geprüft am 15.10.2025');
    const wideRow = $(`#addressee-${wide.id}`);
    expect(wideRow.find('mark.address-preview__too-wide').text()).toBe('Vorsitzender des Ausschusses für Arbeit, Gesundheit, Soziales und Integration des Landtags');
    expect(wideRow.find('.address-preview__warning').first().text()).toContain('Breiter als 80 mm');
    expect(wideRow.find('.verified').text()).toBe('nicht geprüft');
  });

  it('flags a "?" in a name that suggests a lost character', async () => {
    const { agent, db, list } = await setup();
    const lost = makeAddressee(db, list, { firstName: 'Ma?gorzata', lastName: 'Nowak' });
    const page = await agent.get(`/lists/${list.id}?filter=problems`).expect(200);
    const $ = parseHtml(page.text);
    expect($('tr.directory-entry')).toHaveLength(1);
    expect($(`#addressee-${lost.id} .address-preview__warning`).text()).toContain('„?“ im Namen');
  });

  it('searches and filters the entries', async () => {
    const { agent, db, list } = await setup();
    makeAddressee(db, list, { lastName: 'Kaiser', institution: 'Stadt Geldern', email: 'kaiser@example.org' });
    makeAddressee(db, list, { lastName: 'Hense', institution: 'Stadt Rees', email: '', verifiedAt: '2025-01-01' });
    makeAddressee(db, list, { lastName: 'Kuse', institution: 'Stadt Straelen', email: 'kuse@example.org', verifiedAt: '2025-01-01' });
    const names = async (query: string) => {
      const page = await agent.get(`/lists/${list.id}${query}`).expect(200);
      const $ = parseHtml(page.text);
      return $('tr.directory-entry .address-preview__block').map((_, el) => $(el).text()).get().map((text) => /Kaiser|Hense|Kuse/.exec(text)?.[0]);
    };
    expect(await names('?q=geldern')).toEqual(['Kaiser']);
    expect(await names('?q=stadt+re')).toEqual(['Hense']);
    expect(await names('?filter=noEmail')).toEqual(['Hense']);
    expect(await names('?filter=unverified')).toEqual(['Kaiser']);
    expect(await names('?filter=problems')).toEqual(['Hense']);
    expect(await names('?filter=bogus')).toHaveLength(3);
    const none = await agent.get(`/lists/${list.id}?q=xyz`).expect(200);
    expect(pageText(none.text)).toContain('Keine Einträge passen zur Suche.');
    expect(parseHtml(none.text)('#f-q').attr('value')).toBe('xyz');
  });

  it('marks an entry as checked today and previews the entry on its edit page', async () => {
    const { agent, db, list } = await setup();
    const entry = makeAddressee(db, list, { salutation: 'Herr', firstName: 'Sven', lastName: 'Kaiser', function: 'Bürgermeister', institution: 'Stadt Geldern' });
    const page = await agent.get(`/lists/${list.id}`).expect(200);
    await agent.post(`/lists/${list.id}/addressees/${entry.id}/verify`).type('form').send({ _csrf: csrfToken(page.text) }).expect(303);
    expect(listEntries({ db, list })[0]?.verifiedAt).toBe('2026-11-22');
    const edit = await agent.get(`/lists/${list.id}/addressees/${entry.id}/edit`).expect(200);
    const $ = parseHtml(edit.text);
    expect($('.entry-preview .address-preview__block').html()).toBe('Stadt Geldern<br>Herrn Bürgermeister<br>Sven Kaiser<br>Markt 1<br>47533 Kleve');
    expect($('.entry-preview .address-preview__salutation').text()).toBe('Sehr geehrter Herr Bürgermeister,');
  });

  it('corrects an entry right in its directory row, and shows the full form when the input is wrong', async () => {
    const { agent, db, list } = await setup();
    const entry = makeAddressee(db, list, { salutation: 'Herr', firstName: 'Sven', lastName: 'Kaiser', function: 'Bürgermeister', institution: 'Stadt Geldern' });
    const page = await agent.get(`/lists/${list.id}?q=Kaiser`).expect(200);
    const $ = parseHtml(page.text);
    expect($(`#addressee-${entry.id} details.quick-edit input[name="email"]`).attr('value')).toBe(entry.email);
    const fields = { _csrf: csrfToken(page.text), q: 'Kaiser', salutation: 'Frau', title: 'Dr.', firstName: 'Svenja', lastName: 'Kaiser', function: 'Bürgermeisterin', email: 'svenja.kaiser@geldern.example' };
    const saved = await agent.post(`/lists/${list.id}/addressees/${entry.id}/quick`).type('form').send(fields).expect(303);
    expect(saved.headers.location).toBe(`/lists/${list.id}?q=Kaiser#addressee-${entry.id}`);
    const after = listEntries({ db, list })[0]!;
    expect(after).toMatchObject({ salutation: 'Frau', title: 'Dr.', firstName: 'Svenja', email: 'svenja.kaiser@geldern.example', institution: 'Stadt Geldern', street: 'Markt 1' });
    const directory = await agent.get(`/lists/${list.id}`);
    expect(parseHtml(directory.text)(`#addressee-${entry.id} .salutation-cell`).text()).toBe('Sehr geehrte Frau Bürgermeisterin,');

    const wrong = await agent.post(`/lists/${list.id}/addressees/${entry.id}/quick`).type('form').send({ ...fields, email: 'keine-adresse' });
    expect(wrong.status).toBe(422);
    expect(fieldError(wrong.text, 'email')).toBeTruthy();
    expect(parseHtml(wrong.text)('#f-email').attr('value')).toBe('keine-adresse');
    expect(parseHtml(wrong.text)('#f-street').attr('value')).toBe('Markt 1');
    expect(listEntries({ db, list })[0]!.email).toBe('svenja.kaiser@geldern.example');
  });

  it('shows the collective letter of a list with a group address', async () => {
    const { agent, db, organiser } = await setup();
    const kreistag = makeList(db, organiser.id, { name: 'Kreistag', groupInstitution: 'Kreis Kleve', groupRecipient: 'Mitglieder des Kreistages', groupStreet: 'Nassauerallee 15–23', groupPostcode: '47533', groupCity: 'Kleve', groupSalutation: 'Sehr geehrte Mitglieder des Kreistages,' });
    const page = await agent.get(`/lists/${kreistag.id}`).expect(200);
    const $ = parseHtml(page.text);
    expect($('.collective-preview .address-preview__block').html()).toBe('Kreis Kleve<br>Mitglieder des Kreistages<br>Nassauerallee 15–23<br>47533 Kleve');
    expect($('.collective-preview .address-preview__salutation').text()).toBe('Sehr geehrte Mitglieder des Kreistages,');
  });
});

describe('import through the web', () => {
  it('previews without writing, then imports exactly what was previewed', async () => {
    const { agent, db, list } = await setup();
    const preview = await upload(agent, list.id, fixture('excel-windows-1252.csv'), 'Adressen Kreis.csv');
    expect(preview.status).toBe(200);
    expect(count(preview.text, 'add')).toBe('4');
    expect(count(preview.text, 'invalid')).toBe('0');
    const text = pageText(preview.text);
    expect(text).toContain('CSV, Windows-1252 (ANSI), Trennzeichen „;“');
    expect(text).toContain('„Behörde“ → Institution');
    expect(text).toContain('„?“ in Vorname „Ma?gorzata“');
    expect(text).toContain('PLZ „1067“ hatte ihre führende Null verloren');
    expect(parseHtml(preview.text)('#row-2 .address-cell').html()).toBe('Kreis Kleve<br>Herrn Landrat<br>Christoph Gerwers<br>Nassauerallee 15–23<br>47533 Kleve');
    expect(listEntries({ db, list })).toHaveLength(0);

    const action = confirmAction(preview.text);
    expect(action).toMatch(new RegExp(`^/lists/${list.id}/import/[A-Za-z0-9_-]{43}$`));
    const done = await agent.post(action!).type('form').send({ _csrf: csrfToken(preview.text) });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/lists/${list.id}`);
    const entries = listEntries({ db, list });
    expect(entries.map((entry) => entry.lastName).sort()).toEqual(['Gerwers', 'Nowak', 'Weiß', 'Wróbel']);
    expect(entries.find((entry) => entry.lastName === 'Weiß')?.postcode).toBe('01067');
    const listPage = await agent.get(`/lists/${list.id}`).expect(200);
    expect(pageText(listPage.text)).toContain('Import abgeschlossen: 4 neu, 0 aktualisiert, 0 unverändert.');

    // The same preview cannot be imported twice.
    const again = await agent.post(action!).type('form').send({ _csrf: csrfToken(preview.text) });
    expect(again.status).toBe(409);
    expect(pageText(again.text)).toContain('Diese Vorschau ist abgelaufen oder wurde schon importiert.');
    expect(listEntries({ db, list })).toHaveLength(4);
  });

  it('refuses to confirm when the list changed after the preview', async () => {
    const { agent, db, list } = await setup();
    const preview = await upload(agent, list.id, fixture('excel-utf8-bom.csv'));
    makeAddressee(db, list, { lastName: 'Dazwischen' });
    const response = await agent.post(confirmAction(preview.text)!).type('form').send({ _csrf: csrfToken(preview.text) });
    expect(response.status).toBe(409);
    expect(pageText(response.text)).toContain('Die Liste wurde seit der Vorschau geändert.');
    expect(listEntries({ db, list })).toHaveLength(1);
  });

  it('shows blocking row problems and offers no import', async () => {
    const { agent, db, list } = await setup();
    const preview = await upload(agent, list.id, fixture('problems.csv'));
    expect(preview.status).toBe(200);
    expect(confirmAction(preview.text)).toBeUndefined();
    const $ = parseHtml(preview.text);
    expect($('.notice--danger').text()).toContain('Die Datei enthält 4 fehlerhafte Zeilen und kann so nicht importiert werden.');
    expect($('#row-3 .problem--error').text()).toContain('Doppelt: dieselbe Person steht schon in Zeile 2 der Datei.');
    expect($('#row-4 .problem--error').text()).toContain('Die Zeile hat 3 Felder zu viel');
    expect($('#row-7 .problem--warning').text()).toContain('Keine E-Mail-Adresse');
    expect(listEntries({ db, list })).toHaveLength(0);
  });

  it('reads an XLSX upload with hyperlinked e-mails and a numeric PLZ', async () => {
    const { agent, db, list } = await setup();
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Tabelle1');
    sheet.addRow(['Anrede', 'Vorname', 'Nachname', 'Funktion', 'Behörde', 'PLZ', 'Ort', 'E-Mail']);
    sheet.addRow(['Herr', 'Sven', 'Kaiser', 'Bürgermeister', 'Stadt Geldern', 47608, 'Geldern', { text: 'kaiser@example.org', hyperlink: 'mailto:kaiser@example.org' }]);
    const preview = await upload(agent, list.id, Buffer.from(await book.xlsx.writeBuffer()), 'liste.xlsx');
    expect(preview.status).toBe(200);
    expect(pageText(preview.text)).toContain('Excel-Arbeitsmappe (.xlsx)');
    await agent.post(confirmAction(preview.text)!).type('form').send({ _csrf: csrfToken(preview.text) }).expect(303);
    expect(listEntries({ db, list })[0]).toMatchObject({ email: 'kaiser@example.org', postcode: '47608' });
  });

  it('answers bad files with a German message at the field and writes nothing', async () => {
    const { agent, db, list } = await setup();
    const wrong = await upload(agent, list.id, fixture('wrong-columns.csv'));
    expect(wrong.status).toBe(422);
    expect(fieldError(wrong.text, 'file')).toContain('Gefunden: „Kundennr“, „Betrag“, „Datum“.');
    const empty = await upload(agent, list.id, Buffer.from(''), 'leer.csv');
    expect(empty.status).toBe(422);
    expect(fieldError(empty.text, 'file')).toBe('Die Datei ist leer.');
    const image = await upload(agent, list.id, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'bild.png');
    expect(fieldError(image.text, 'file')).toBe('Die Datei ist weder eine CSV- noch eine Excel-Datei (.xlsx).');
    const page = await agent.get(`/lists/${list.id}/import`).expect(200);
    const none = await agent.post(`/lists/${list.id}/import`).field('_csrf', csrfToken(page.text));
    expect(none.status).toBe(422);
    expect(fieldError(none.text, 'file')).toBe('Bitte wählen Sie eine Datei aus.');
    expect(listEntries({ db, list })).toHaveLength(0);
  });

  it('refuses a 30 MB upload with a message', async () => {
    const { agent, db, list } = await setup();
    const response = await upload(agent, list.id, Buffer.alloc(30 * 1024 * 1024, 0x41), 'gross.csv');
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'file')).toBe('Die Datei ist größer als 5 MB. Bitte teilen Sie sie auf oder entfernen Sie nicht benötigte Spalten.');
    expect(listEntries({ db, list })).toHaveLength(0);
  });
});

describe('export through the web', () => {
  it('downloads CSV for Excel and XLSX', async () => {
    const { agent, db, list } = await setup();
    makeAddressee(db, list, { lastName: 'Nowak', firstName: 'Małgorzata', postcode: '01067', note: '=1+1' });
    const csv = await agent.get(`/lists/${list.id}/export.csv`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="Buergermeister-innen-im-Kreis-Kleve.csv"');
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain(";Małgorzata;Nowak;Bürgermeisterin;Stadt Beispiel;;Markt 1;01067;Kleve;");
    expect(bytes.toString('utf8')).toContain(";'=1+1\r\n");

    const xlsx = await agent.get(`/lists/${list.id}/export.xlsx`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.getRow(2).getCell(9).value).toBe('01067');
  });
});

describe('access', () => {
  it('answers 404 for another coalition\'s list on every directory, import and export route', async () => {
    const { agent, db } = await setup();
    const { organiser: stranger } = await makeOrganiser(db);
    const foreign = makeList(db, stranger.id, { name: 'Fremde Liste' });
    const entry = makeAddressee(db, foreign, {});
    for (const url of [`/lists/${foreign.id}`, `/lists/${foreign.id}/import`, `/lists/${foreign.id}/export.csv`, `/lists/${foreign.id}/export.xlsx`, `/lists/${foreign.id}/addressees/${entry.id}/edit`]) {
      const response = await agent.get(url);
      expect(response.status, url).toBe(404);
    }
    const token = csrfToken((await agent.get('/lists/new').expect(200)).text);
    const post = await agent.post(`/lists/${foreign.id}/import`).field('_csrf', token).attach('file', fixture('excel-utf8-bom.csv'), 'x.csv');
    expect(post.status).toBe(404);
    const confirm = await agent.post(`/lists/${foreign.id}/import/${'a'.repeat(43)}`).type('form').send({ _csrf: token });
    expect(confirm.status).toBe(404);
    const verify = await agent.post(`/lists/${foreign.id}/addressees/${entry.id}/verify`).type('form').send({ _csrf: token });
    expect(verify.status).toBe(404);
    expect(listEntries({ db, list: foreign })).toHaveLength(1);
  });

  it('does not let one organiser confirm another organiser\'s preview', async () => {
    const { agent, db, list, http } = await setup();
    const preview = await upload(agent, list.id, fixture('excel-utf8-bom.csv'));
    const action = confirmAction(preview.text)!;
    // Another organiser without access to the list gets 404 for the preview link (the stored preview is also bound to its organiser).
    const { organiser: other, password } = await makeOrganiser(db);
    const otherAgent = http();
    await loginAs(otherAgent, { email: other.email, password });
    const page = await otherAgent.get('/lists/new').expect(200);
    const response = await otherAgent.post(action).type('form').send({ _csrf: csrfToken(page.text) });
    expect(response.status).toBe(404);
    expect(listEntries({ db, list })).toHaveLength(0);
  });

  it('lets a viewer of an appeal that uses the list read it, and nothing more', async () => {
    const { db, list, organiser, http } = await setup();
    const entry = makeAddressee(db, list, { lastName: 'Kaiser' });
    const appeal = makeAppeal(db, organiser.id);
    addListToAppeal({ db, organiserId: organiser.id, appeal, listId: list.id, collective: false });
    const { organiser: viewer, password } = await makeOrganiser(db);
    addMember({ db, clock: systemClock, appeal, input: { email: viewer.email, role: 'viewer' }, addedBy: 'Test' });
    const agent = http();
    await loginAs(agent, { email: viewer.email, password });
    await agent.get(`/lists/${list.id}`).expect(200);
    await agent.get(`/lists/${list.id}/export.csv`).expect(200);
    for (const url of [`/lists/${list.id}/edit`, `/lists/${list.id}/import`, `/lists/${list.id}/addressees/new`, `/lists/${list.id}/addressees/${entry.id}/edit`]) {
      expect((await agent.get(url)).status, url).toBe(403);
    }
  });

  it('answers 404 for a list or entry id that is not a number, before any lookup', async () => {
    const { agent, list } = await setup();
    for (const url of ['/lists/abc', '/lists/0/edit', '/lists/1e3/import', `/lists/${list.id}/addressees/x1/edit`, `/lists/${list.id}/export.csv.bak`]) {
      expect((await agent.get(url)).status, url).toBe(404);
    }
  });

  it('refuses to start with a /lists/:listId route that does not say which access it needs', async () => {
    const { db } = await setup();
    const app = Fastify();
    await app.register(listAccessPlugin, { db });
    expect(() => app.get('/lists/:listId/anything', async () => '')).toThrow(/must declare config.listAccess/);
    await app.close();
  });
});

describe('lists of an appeal', () => {
  it('adds a chosen list as one collective letter and removes it; an id that names no list is a 404', async () => {
    const { agent, db, list, organiser } = await setup();
    const appeal = makeAppeal(db, organiser.id);
    const page = await agent.get(`/appeals/${appeal.slug}/addressees`).expect(200);
    const token = csrfToken(page.text);
    await agent.post(`/appeals/${appeal.slug}/addressees`).type('form').send({ _csrf: token, listId: String(list.id), collective: 'on' }).expect(303);
    expect(appealAddresseeLists({ db, appeal }).map((entry) => ({ id: entry.list.id, collective: entry.collective }))).toEqual([{ id: list.id, collective: true }]);
    expect((await agent.post(`/appeals/${appeal.slug}/addressees`).type('form').send({ _csrf: token, listId: 'abc' })).status).toBe(404);
    expect((await agent.post(`/appeals/${appeal.slug}/addressees/abc/delete`).type('form').send({ _csrf: token })).status).toBe(404);
    await agent.post(`/appeals/${appeal.slug}/addressees/${list.id}/delete`).type('form').send({ _csrf: token }).expect(303);
    expect(appealAddresseeLists({ db, appeal })).toEqual([]);
  });
});

describe('lists belong to a team', () => {
  /** Coalition 1: Olga owns the Landrat list and uses it in her appeal; Emil is an editor there. */
  async function coalition() {
    const app = await buildTestApp();
    const olga = await makeOrganiser(app.db, { email: 'olga@buendnis-eins.example', name: 'Olga Eins' });
    const emil = await makeOrganiser(app.db, { email: 'emil@buendnis-eins.example', name: 'Emil Eins' });
    const xaver = await makeOrganiser(app.db, { email: 'xaver@anderswo.example', name: 'Xaver Fremd' });
    const list = makeList(app.db, olga.organiser.id, { name: 'Landrat Kreis Kleve' });
    const landrat = makeAddressee(app.db, list, { lastName: 'Landrat', email: 'landrat@kreis-kleve.example' });
    const first = makeAppeal(app.db, olga.organiser.id, { title: 'Geheimer Aufruf von Bündnis eins' });
    addListToAppeal({ db: app.db, organiserId: olga.organiser.id, appeal: first, listId: list.id, collective: false });
    addMember({ db: app.db, clock: systemClock, appeal: first, input: { email: emil.organiser.email, role: 'editor' }, addedBy: 'Olga' });
    const login = async (who: { organiser: { email: string }; password: string }) => {
      const agent = app.http();
      await loginAs(agent, { email: who.organiser.email, password: who.password });
      return agent;
    };
    return { ...app, olga, emil, xaver, list, landrat, first, login };
  }

  it('an editor who reaches a list through an appeal cannot attach it to an appeal of their own', async () => {
    const { db, emil, list, login } = await coalition();
    const own = makeAppeal(db, emil.organiser.id, { title: 'Emils eigener Aufruf' });
    const agent = await login(emil);
    const page = await agent.get(`/appeals/${own.slug}/addressees`).expect(200);
    // The list is not offered …
    expect(parseHtml(page.text)(`#f-listId option[value="${list.id}"]`).length).toBe(0);
    // … and a crafted request is refused with a German message that names no other appeal.
    const refused = await agent.post(`/appeals/${own.slug}/addressees`).type('form').send({ _csrf: csrfToken(page.text), listId: String(list.id) });
    expect(refused.status).toBe(403);
    expect(pageText(refused.text)).toContain('Diese Liste kann nur ihre Eigentümerin oder ihr Eigentümer einem Aufruf hinzufügen');
    expect(refused.text).not.toContain('Geheimer Aufruf');
    const direct = await agent.post(`/appeals/${own.slug}/addressees/${list.id}`).type('form').send({ _csrf: csrfToken(page.text), collective: 'on' });
    expect(direct.status).toBe(403);
    expect(appealAddresseeLists({ db, appeal: own })).toEqual([]);
  });

  it('an organiser removed from the team loses the list at once: no export, no change of an entry (404)', async () => {
    const { db, emil, olga, list, landrat, first, login } = await coalition();
    const agent = await login(emil);
    // While in the team: export and correct an entry.
    await agent.get(`/lists/${list.id}/export.csv`).expect(200);
    const editPage = await agent.get(`/lists/${list.id}/addressees/${landrat.id}/edit`).expect(200);
    const token = csrfToken(editPage.text);

    const owner = await login(olga);
    const members = await owner.get(`/appeals/${first.slug}/members`).expect(200);
    await owner.post(`/appeals/${first.slug}/members/${emil.organiser.id}/delete`).type('form').send({ _csrf: csrfToken(members.text) }).expect(303);

    await agent.get(`/lists/${list.id}`).expect(404);
    await agent.get(`/lists/${list.id}/export.csv`).expect(404);
    await agent.get(`/lists/${list.id}/export.xlsx`).expect(404);
    const change = await agent.post(`/lists/${list.id}/addressees/${landrat.id}`).type('form').send({ _csrf: token, lastName: 'Umgeleitet', email: 'angreifer@example.net' });
    expect(change.status).toBe(404);
    await agent.post(`/lists/${list.id}/addressees/${landrat.id}/quick`).type('form').send({ _csrf: token, email: 'angreifer@example.net' }).expect(404);
    expect(listEntries({ db, list }).map((entry) => entry.email)).toEqual(['landrat@kreis-kleve.example']);
    const directory = await owner.get(`/lists/${list.id}`).expect(200);
    expect(directory.text).toContain('landrat@kreis-kleve.example');
    expect(directory.text).not.toContain('angreifer@example.net');
    expect((await agent.get('/lists').expect(200)).text).not.toContain('Landrat Kreis Kleve');
  });

  it('the owner sees where the list is used, without another team\'s title, and can take it out there', async () => {
    const { db, olga, emil, list, login } = await coalition();
    // Attached to another team's appeal (as an editor could before this rule existed).
    const foreign = makeAppeal(db, emil.organiser.id, { title: 'Aufruf eines fremden Teams' });
    addListToAppeal({ db, organiserId: olga.organiser.id, appeal: foreign, listId: list.id, collective: false });
    const owner = await login(olga);
    const page = await owner.get(`/lists/${list.id}`).expect(200);
    const $ = parseHtml(page.text);
    const uses = $('.list-usage li');
    expect(uses.length).toBe(2);
    expect(uses.eq(0).text()).toContain('Geheimer Aufruf von Bündnis eins');
    expect(uses.eq(1).text()).toContain('Ein Aufruf, in dessen Team Sie nicht sind');
    expect(page.text).not.toContain('Aufruf eines fremden Teams');
    // The confirmation page says at once that the list is in use, and offers no delete button.
    const confirm = await owner.get(`/lists/${list.id}/delete`).expect(200);
    expect(pageText(confirm.text)).toContain('von 2 Aufrufen verwendet');
    expect(parseHtml(confirm.text)('form[action$="/delete"]').length).toBe(0);
    // Deleting is refused with a count, not titles.
    const refused = await owner.post(`/lists/${list.id}/delete`).type('form').send({ _csrf: csrfToken(page.text) });
    expect(refused.status).toBe(409);
    expect(pageText(refused.text)).toContain('von 2 Aufrufen verwendet');
    expect(refused.text).not.toContain('Aufruf eines fremden Teams');

    const detach = uses.eq(1).find('form').attr('action')!;
    expect(detach).toBe(`/lists/${list.id}/appeals/${foreign.id}/detach`);
    await owner.post(detach).type('form').send({ _csrf: csrfToken(page.text) }).expect(303);
    expect(appealAddresseeLists({ db, appeal: foreign })).toEqual([]);
    // Not the owner: the editor cannot detach (403), an outsider does not see the list (404).
    const editor = await login(emil);
    await editor.post(`/lists/${list.id}/appeals/${foreign.id}/detach`).type('form').send({ _csrf: csrfToken((await editor.get('/lists')).text) }).expect(403);
    // An appeal that does not use the list: 404.
    await owner.post(`/lists/${list.id}/appeals/${foreign.id}/detach`).type('form').send({ _csrf: csrfToken(page.text) }).expect(404);
  });

  it('asks before deleting a list or an entry, on a page of its own, and deletes only after the POST', async () => {
    const { db, olga, login } = await coalition();
    const list = makeList(db, olga.organiser.id, { name: 'Alte Liste' });
    makeAddressee(db, list, { lastName: 'Bleibt', institution: 'Gemeinde Kranenburg' });
    const entry = makeAddressee(db, list, { salutation: 'Frau', firstName: 'Ute', lastName: 'Brandt', institution: 'Stadt Kleve', email: 'brandt@kleve.example' });
    const owner = await login(olga);
    const page = await owner.get(`/lists/${list.id}`).expect(200);
    const $ = parseHtml(page.text);
    // The list page links to the confirmation pages; it holds no delete form.
    expect($(`a[href="/lists/${list.id}/addressees/${entry.id}/delete"]`).length).toBe(1);
    expect($(`a[href="/lists/${list.id}/delete"]`).length).toBe(1);
    expect($('form[action$="/delete"]').length).toBe(0);
    const confirmEntry = await owner.get(`/lists/${list.id}/addressees/${entry.id}/delete`).expect(200);
    expect(pageText(confirmEntry.text)).toContain('Frau Ute Brandt');
    expect(pageText(confirmEntry.text)).toContain('Möchten Sie diesen Eintrag aus der Liste');
    expect(listEntries({ db, list }).map((row) => row.id)).toContain(entry.id);
    await owner.post(`/lists/${list.id}/addressees/${entry.id}/delete`).type('form').send({ _csrf: csrfToken(confirmEntry.text) }).expect(303);
    expect(listEntries({ db, list }).map((row) => row.id)).not.toContain(entry.id);
    const count = listEntries({ db, list }).length;
    const confirmList = await owner.get(`/lists/${list.id}/delete`).expect(200);
    expect(pageText(confirmList.text)).toContain(count === 1 ? 'mit ihrem einen Eintrag' : `mit allen ${count} Einträgen`);
    await owner.post(`/lists/${list.id}/delete`).type('form').send({ _csrf: csrfToken(confirmList.text) }).expect(303);
    await owner.get(`/lists/${list.id}`).expect(404);
  });
});
