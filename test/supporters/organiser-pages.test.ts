// The organiser's supporter pages: counts, filters and paging, comment moderation, the chart
// of signatures per day, and the export with only the fields people agreed to.
import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMember } from '../../server/appeals/appeals.service.ts';
import { appealsRepository } from '../../server/appeals/appeals.repository.ts';
import { readAuditTrail } from '../../server/audit/audit.service.ts';
import { de } from '../../server/i18n/de.ts';
import { supporters } from '../../server/supporters/supporters.table.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeOrganiser } from '../helpers/factories.ts';
import { csrfToken, pageText, parseHtml } from '../helpers/html.ts';

const DAY = 24 * 60 * 60 * 1000;

type Row = {
  kind?: 'citizen' | 'organisation';
  state?: string;
  firstName?: string;
  lastName?: string;
  postcode?: string;
  place?: string;
  email?: string;
  comment?: string;
  commentState?: string;
  showName?: boolean;
  keepInformed?: boolean;
  organisationName?: string;
  address?: string;
  representativeFunction?: string;
  confirmedAt?: number | null;
};

async function setup() {
  const test = await buildTestApp();
  const owner = await makeOrganiser(test.db, { name: 'Andrea Beispiel' });
  const made = makeAppeal(test.db, owner.organiser.id, { title: 'Integration ist kein Zufall' });
  const appeal = appealsRepository(test.db).update(made.id, { publicPage: true, updatedAt: fixedNow });
  const insert = test.sqlite.prepare(`insert into supporters (appeal_id, kind, state, first_name, last_name, postcode, place, email, email_key, comment, comment_state,
    show_name, keep_informed, organisation_name, address, representative_function, created_at, confirmed_at)
    values (@appealId, @kind, @state, @firstName, @lastName, @postcode, @place, @email, @emailKey, @comment, @commentState, @showName, @keepInformed,
    @organisationName, @address, @representativeFunction, @createdAt, @confirmedAt)`);
  let n = 0;
  const add = (row: Row) => {
    n += 1;
    const state = row.state ?? 'confirmed';
    return Number(
      insert.run({
        appealId: appeal.id,
        kind: row.kind ?? 'citizen',
        state,
        firstName: row.firstName ?? `Vorname${n}`,
        lastName: row.lastName ?? `Nachname${n}`,
        postcode: row.postcode ?? '47533',
        place: row.place ?? 'Kleve',
        email: row.email ?? `person${n}@example.org`,
        emailKey: `key-${n}`,
        comment: row.comment ?? '',
        commentState: row.commentState ?? 'none',
        showName: row.showName ? 1 : 0,
        keepInformed: row.keepInformed ? 1 : 0,
        organisationName: row.organisationName ?? '',
        address: row.address ?? '',
        representativeFunction: row.representativeFunction ?? '',
        createdAt: fixedNow.getTime() - 50 * DAY,
        confirmedAt: row.confirmedAt === undefined ? (state === 'confirmed' || state === 'withdrawn' ? fixedNow.getTime() : null) : row.confirmedAt,
      }).lastInsertRowid,
    );
  };
  const browser = test.http();
  await loginAs(browser, { email: owner.organiser.email, password: owner.password });
  return { ...test, owner, appeal, add, browser };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/**
 * 250 confirmed citizens over five days (50 a day, 22.11. back to 18.11.), every second one
 * named, every third one to be kept informed; Erika with a formula as name and an approved
 * formula comment; an unnamed one with a pending comment; one 40 days ago; 3 unconfirmed, 2
 * withdrawn; a confirmed organisation and one awaiting approval.
 */
function seed(s: Setup) {
  const ids: Record<string, number> = {};
  for (let i = 0; i < 250; i += 1) {
    s.add({ showName: i % 2 === 0, keepInformed: i % 3 === 0, confirmedAt: fixedNow.getTime() - (i % 5) * DAY - i * 1000 });
  }
  ids.erika = s.add({ firstName: 'Erika', lastName: "=cmd|' /C calc'!A0", place: 'Goch', showName: true, keepInformed: true, email: 'erika@example.org', comment: '=HYPERLINK("http://boese.example")', commentState: 'approved', confirmedAt: fixedNow.getTime() + 1000 });
  ids.hidden = s.add({ firstName: 'Geheim', lastName: 'Unsichtbar', email: 'geheim@example.org', comment: 'Bitte prüfen Sie das', commentState: 'pending', confirmedAt: fixedNow.getTime() + 2000 });
  ids.mailOnly = s.add({ firstName: 'Nurpost', lastName: 'Ohnenamen', email: 'nurpost@example.org', keepInformed: true, confirmedAt: fixedNow.getTime() + 3000 });
  ids.old = s.add({ showName: true, confirmedAt: fixedNow.getTime() - 40 * DAY });
  for (let i = 0; i < 3; i += 1) s.add({ state: 'unconfirmed' });
  for (let i = 0; i < 2; i += 1) s.add({ state: 'withdrawn' });
  ids.org = s.add({ kind: 'organisation', organisationName: 'Caritasverband Kleve e.V.', firstName: 'Rainer', lastName: 'Janssen', representativeFunction: 'Vorstand', address: 'Hagsche Str. 1\n47533 Kleve', email: 'vorstand@caritas-kleve.example' });
  ids.waiting = s.add({ kind: 'organisation', state: 'awaiting_approval', organisationName: 'Tafel Kleve e.V.', email: 'tafel@example.org' });
  return ids;
}

const listRows = (html: string) => parseHtml(html)('#liste tbody tr');

describe('the supporters page', () => {
  it('counts per kind and state, filters, pages 100 at a time, and opens on the organisations awaiting approval', async () => {
    const s = await setup();
    const ids = seed(s);
    const base = `/appeals/${s.appeal.slug}/supporters`;

    const first = await s.browser.get(base).expect(200);
    expect(listRows(first.text).map((_i, row) => parseHtml(first.text)(row).attr('id')).get()).toEqual([`supporter-${ids.waiting}`]);
    // One row per state: citizens, organisations.
    const $first = parseHtml(first.text);
    const counts = $first('#counts-title').parent().find('tbody tr').toArray().map((row) => $first(row).find('th, td').toArray().map((cell) => $first(cell).text()));
    expect(counts).toEqual([
      ['E-Mail noch nicht bestätigt', '3', '0'],
      ['wartet auf Freigabe', '0', '1'],
      ['bestätigt', '254', '1'],
      ['abgelehnt', '0', '0'],
      ['zurückgezogen', '2', '0'],
    ]);

    const page1 = await s.browser.get(`${base}?filter=confirmed&kind=citizen`).expect(200);
    expect(listRows(page1.text).length).toBe(100);
    expect(pageText(page1.text)).toContain('Seite 1 von 3');
    // Newest confirmation first.
    expect(listRows(page1.text).first().attr('id')).toBe(`supporter-${ids.mailOnly}`);
    const next = parseHtml(page1.text)('a[rel="next"]').attr('href')!;
    expect(next).toContain('page=2');
    const page3 = await s.browser.get(`${base}?filter=confirmed&kind=citizen&page=3`).expect(200);
    expect(listRows(page3.text).length).toBe(54);
    expect(listRows(page3.text).last().attr('id')).toBe(`supporter-${ids.old}`);
    const beyond = await s.browser.get(`${base}?filter=confirmed&kind=citizen&page=99`).expect(200);
    expect(pageText(beyond.text)).toContain('Seite 3 von 3');

    const count = async (query: string) => listRows((await s.browser.get(`${base}?${query}`).expect(200)).text).length;
    expect(await count('filter=unconfirmed&kind=citizen')).toBe(3);
    expect(await count('filter=withdrawn&kind=citizen')).toBe(2);
    expect(await count('filter=confirmed&kind=organisation')).toBe(1);
    expect(await count('filter=rejected&kind=organisation')).toBe(0);
    expect(await count('filter=comments')).toBe(1);
    expect(await count('filter=awaiting_approval')).toBe(1);
    expect(await count('filter=evil&kind=%3Cscript%3E&page=-4')).toBe(1);
  });

  it('shows a citizen\'s e-mail only to organisers when the citizen agreed to be kept informed', async () => {
    const s = await setup();
    const ids = seed(s);
    const page = await s.browser.get(`/appeals/${s.appeal.slug}/supporters?filter=confirmed&kind=citizen`).expect(200);
    const $ = parseHtml(page.text);
    expect($(`#supporter-${ids.mailOnly}`).text()).toContain('nurpost@example.org');
    expect($(`#supporter-${ids.hidden}`).text()).not.toContain('geheim@example.org');
    expect($(`#supporter-${ids.hidden}`).text()).toContain(de['supporters.emailHidden']);
  });

  it('moderates comments: approve, hide; a row without a comment or without a decision is refused', async () => {
    const s = await setup();
    const ids = seed(s);
    const page = await s.browser.get(`/appeals/${s.appeal.slug}/supporters?filter=comments`).expect(200);
    const token = csrfToken(page.text);
    const post = (id: number, body: Record<string, string>) => s.browser.post(`/appeals/${s.appeal.slug}/supporters/${id}/comment`).type('form').send({ _csrf: token, ...body });
    const stateOf = (id: number) => s.db.select().from(supporters).where(eq(supporters.id, id)).get()!.commentState;
    const approved = await post(ids.hidden!, { decision: 'approve', filter: 'comments' });
    expect(approved.status).toBe(303);
    expect(approved.headers.location).toBe(`/appeals/${s.appeal.slug}/supporters?filter=comments#liste`);
    expect(stateOf(ids.hidden!)).toBe('approved');
    expect((await post(ids.hidden!, { decision: 'hide' })).status).toBe(303);
    expect(stateOf(ids.hidden!)).toBe('hidden');
    expect((await post(ids.mailOnly!, { decision: 'approve' })).status).toBe(409);
    expect((await post(ids.hidden!, { decision: 'publish-everything' })).status).toBe(409);
    expect(stateOf(ids.hidden!)).toBe('hidden');
  });

  it('draws signatures per day as well-formed SVG with the numbers as text alternative', async () => {
    const s = await setup();
    seed(s);
    const page = await s.browser.get(`/appeals/${s.appeal.slug}/supporters`).expect(200);
    const $ = parseHtml(page.text);
    const svg = $.html($('svg.day-chart'));
    // librsvg renders only well-formed XML.
    const rendered = await sharp(Buffer.from(svg)).png().toBuffer();
    expect((await sharp(rendered).metadata()).width).toBe(600);
    const chart = parseHtml(svg);
    const bars = chart('rect');
    expect(bars.length).toBe(30);
    const byDay = Object.fromEntries(bars.map((_i, bar) => [[chart(bar).attr('data-day'), Number(chart(bar).attr('data-count'))]]).get() as [string, number][]);
    expect(byDay['2026-11-22']).toBe(53);
    expect(byDay['2026-11-21']).toBe(50);
    expect(byDay['2026-11-18']).toBe(50);
    expect(byDay['2026-11-17']).toBe(0);
    expect(byDay['2026-10-23']).toBeUndefined();
    expect(Object.keys(byDay).sort()[0]).toBe('2026-10-24');
    // The tallest bar is the day with most signatures.
    const tallest = bars.toArray().sort((a, b) => Number(chart(b).attr('height')) - Number(chart(a).attr('height')))[0]!;
    expect(chart(tallest).attr('data-day')).toBe('2026-11-22');
    const labelled = chart('svg').attr('aria-labelledby')!.split(' ');
    expect(labelled.map((id) => chart(`#${id}`).length)).toEqual([1, 1]);
    expect(chart('title').first().text()).toContain('zusammen 253');
    expect(chart('desc').text()).toContain('21.11.2026: 50; 22.11.2026: 53');
    const table = $('details table tbody tr');
    expect(table.length).toBe(30);
    expect(table.last().find('td').map((_i, cell) => $(cell).text()).get()).toEqual(['22.11.2026', '53']);
  });
});

function parseCsv(text: string): string[][] {
  // Quoted cells may hold ";", quotes and line breaks (RFC 4180 with ";").
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (cell += '"'), (i += 1);
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ';') row.push(cell), (cell = '');
    else if (char === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), (i += 1);
    else cell += char;
  }
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}

describe('the export', () => {
  it('has only consented fields, approved comments, neutralised formulas, and is recorded in the trail', async () => {
    const s = await setup();
    seed(s);
    const response = await s.browser.get(`/appeals/${s.appeal.slug}/supporters.csv`).buffer(true).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="2026-11-22_${s.appeal.slug}_unterstuetzer.csv"`);
    const text = response.text;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(['Art', 'Organisation', 'Kurzname', 'Webseite', 'Anschrift', 'Vorname', 'Nachname', 'Funktion', 'PLZ', 'Ort', 'E-Mail', 'Kommentar', 'Bestätigt am']);
    // The organisation first, then citizens who agreed to something: 125 named, 42 more only to be informed, Erika, Nurpost, the old one.
    expect(rows[0]).toEqual(['Organisation', 'Caritasverband Kleve e.V.', '', '', 'Hagsche Str. 1, 47533 Kleve', 'Rainer', 'Janssen', 'Vorstand', '', '', '', '', '22.11.2026, 11:00']);
    expect(rows.length).toBe(1 + 125 + 42 + 3);
    const erika = rows.find((row) => row[5] === 'Erika')!;
    expect(erika.slice(5, 12)).toEqual(['Erika', "'=cmd|' /C calc'!A0", '', '47533', 'Goch', 'erika@example.org', `'=HYPERLINK("http://boese.example")`]);
    const mailOnly = rows.find((row) => row[10] === 'nurpost@example.org')!;
    expect(mailOnly.slice(5, 10)).toEqual(['', '', '', '', '']);
    expect(text).not.toContain('Geheim');
    expect(text).not.toContain('geheim@example.org');
    expect(text).not.toContain('Bitte prüfen');
    expect(text).not.toContain('Tafel Kleve');
    expect(text).not.toContain('vorstand@caritas-kleve.example');
    // Every e-mail in the export belongs to someone who asked to be kept informed.
    const informed = new Set(s.db.select().from(supporters).all().filter((row) => row.keepInformed).map((row) => row.email));
    expect(rows.filter((row) => row[10] !== '').every((row) => informed.has(row[10]!))).toBe(true);
    expect(readAuditTrail({ db: s.db, appealId: s.appeal.id }).events.map((event) => [event.action, event.detail])).toContainEqual(['supporters_exported', 'CSV']);

    const xlsx = await s.browser.get(`/appeals/${s.appeal.slug}/supporters.xlsx`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(1 + rows.length);
    const values = sheet.getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1).map((cell) => String(cell ?? '')));
    expect(values.find((row) => row[5] === 'Erika')!.slice(6, 7)).toEqual(["'=cmd|' /C calc'!A0"]);
    expect(JSON.stringify(values)).not.toContain('Geheim');
  });

  it('streams a large CSV in batches; XLSX is refused above its limit with a German message', { timeout: 60_000 }, async () => {
    const s = await setup();
    s.sqlite.exec(`with recursive n(i) as (select 1 union all select i + 1 from n where i < 100005)
      insert into supporters (appeal_id, kind, state, first_name, last_name, place, email, email_key, show_name, created_at, confirmed_at)
      select ${s.appeal.id}, 'citizen', 'confirmed', 'Vorname', 'N' || i, 'Kleve', 'p' || i || '@example.org', 'k' || i, 1, ${fixedNow.getTime()}, ${fixedNow.getTime()} - (i % 7) * 1000 from n`);
    const refused = await s.browser.get(`/appeals/${s.appeal.slug}/supporters.xlsx`);
    expect(refused.status).toBe(409);
    expect(pageText(refused.text)).toContain('Eine Excel-Datei gibt es bis 100.000 Einträge');
    const csv = await s.browser.get(`/appeals/${s.appeal.slug}/supporters.csv`).buffer(true).expect(200);
    const lines = csv.text.split('\r\n').filter(Boolean);
    expect(lines.length).toBe(1 + 100_005);
    const names = new Set(lines.slice(1).map((line) => line.split(';')[6]));
    expect(names.size).toBe(100_005);
  });
});

describe('who may do what', () => {
  it('a viewer reads the page without actions or exports; exports and decisions need an editor (403); another coalition gets 404', async () => {
    const s = await setup();
    const ids = seed(s);
    const viewer = await makeOrganiser(s.db, { name: 'Vera Viewer' });
    addMember({ db: s.db, clock: () => fixedNow, appeal: s.appeal, input: { email: viewer.organiser.email, role: 'viewer' }, addedBy: 'Test' });
    const vera = s.http();
    await loginAs(vera, { email: viewer.organiser.email, password: viewer.password });
    const page = await vera.get(`/appeals/${s.appeal.slug}/supporters?filter=awaiting_approval&kind=organisation`).expect(200);
    expect(listRows(page.text).length).toBe(1);
    expect(parseHtml(page.text)('form[method="post"][action*="/supporters/"]').length).toBe(0);
    expect(parseHtml(page.text)('a[href$="supporters.csv"]').length).toBe(0);
    const token = csrfToken(page.text);
    await vera.get(`/appeals/${s.appeal.slug}/supporters.csv`).expect(403);
    await vera.get(`/appeals/${s.appeal.slug}/supporters.xlsx`).expect(403);
    for (const action of ['approve', 'reject', 'comment']) {
      await vera.post(`/appeals/${s.appeal.slug}/supporters/${ids.waiting}/${action}`).type('form').send({ _csrf: token, reason: 'x', decision: 'approve' }).expect(403);
    }

    const other = await makeOrganiser(s.db, { name: 'Bruno Bertram' });
    const brunosAppeal = makeAppeal(s.db, other.organiser.id, { title: 'Bündnis B' });
    const bruno = s.http();
    await loginAs(bruno, { email: other.organiser.email, password: other.password });
    const brunoToken = csrfToken((await bruno.get(`/appeals/${brunosAppeal.slug}/supporters`).expect(200)).text);
    for (const url of ['', '.csv', '.xlsx']) await bruno.get(`/appeals/${s.appeal.slug}/supporters${url}`).expect(404);
    for (const action of ['approve', 'reject', 'comment']) {
      for (const slug of [s.appeal.slug, brunosAppeal.slug]) {
        await bruno.post(`/appeals/${slug}/supporters/${ids.waiting}/${action}`).type('form').send({ _csrf: brunoToken, reason: 'x', decision: 'approve' }).expect(404);
      }
    }
    expect(s.db.select().from(supporters).where(eq(supporters.id, ids.waiting!)).get()!.state).toBe('awaiting_approval');
  });

  it('the appeal overview links to the supporters page, which links to the join form once the public page is visible', async () => {
    const s = await setup();
    const overview = await s.browser.get(`/appeals/${s.appeal.slug}`).expect(200);
    expect(parseHtml(overview.text)(`a[href="/appeals/${s.appeal.slug}/supporters"]`).text()).toBe(de['supporters.overviewLink']);
    const draft = await s.browser.get(`/appeals/${s.appeal.slug}/supporters`).expect(200);
    expect(parseHtml(draft.text)(`a[href="/a/${s.appeal.slug}/organisation"]`).length).toBe(0);
    expect(pageText(draft.text)).toContain(de['supporters.joinLink.hidden']);
    appealsRepository(s.db).applyEvent(s.appeal.id, 'open', fixedNow);
    const signing = await s.browser.get(`/appeals/${s.appeal.slug}/supporters`).expect(200);
    expect(parseHtml(signing.text)(`a[href="/a/${s.appeal.slug}/organisation"]`).length).toBe(1);
  });
});
