import type { Agent } from 'supertest';
import { describe, expect, it } from 'vitest';
import { listEntries } from '../../server/addressees/addressees.service.ts';
import { buildTestApp } from '../helpers/app.ts';
import { csrfToken, fieldError, pageText, parseHtml } from '../helpers/html.ts';
import { loginAs, makeAddressee, makeList, makeOrganiser } from '../helpers/factories.ts';
import { healthDuring } from '../helpers/health.ts';
import { kreistag, startOparlServer } from './oparl-server.ts';
import type { OparlTestServer } from './oparl-server.ts';

async function setup() {
  const app = await buildTestApp({ env: { OPARL_ALLOW_PRIVATE: 'true' } });
  const { organiser, password } = await makeOrganiser(app.db);
  const list = makeList(app.db, organiser.id, { name: 'Kreistag Kreis Beispiel' });
  const agent = app.http();
  await loginAs(agent, { email: organiser.email, password });
  const oparl = await startOparlServer();
  return { ...app, organiser, list, agent, oparl };
}

const count = (html: string, name: string) => parseHtml(html)(`[data-count="${name}"]`).text().trim();

/** The web steps: system → organisation → background read → the preview page. */
async function previewOf(agent: Agent, listId: number, oparl: OparlTestServer, organization = oparl.organization(1)) {
  const choose = await agent.get(`/lists/${listId}/oparl`).query({ system: oparl.system }).expect(200);
  const $ = parseHtml(choose.text);
  expect($('select[name="organization"] option').map((_, option) => $(option).text()).get()).toEqual(['Fraktion Gemeinwohl (Fraktion)', 'Kreisausschuss (Ausschuss)', 'Kreistag']);
  const started = await agent.post(`/lists/${listId}/oparl`).type('form').send({ _csrf: csrfToken(choose.text), system: oparl.system, body: $('input[name="body"]').attr('value'), organization }).expect(303);
  const jobUrl = started.headers.location as string;
  expect(jobUrl).toMatch(new RegExp(`^/lists/${listId}/oparl/[A-Za-z0-9_-]{43}$`));
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const page = await agent.get(jobUrl);
    if (page.status !== 200 || !page.text.includes('data-testid="job-progress"')) return page;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the preview did not come');
}

async function confirm(agent: Agent, preview: string, fields: Record<string, string> = {}) {
  const action = parseHtml(preview)('form.import-confirm').attr('action')!;
  return agent.post(action).type('form').send({ _csrf: csrfToken(preview), ...fields }).expect(303);
}

describe('council members from OParl into an address list', () => {
  it('reads the 60 current members over three pages, shows the CSV preview and imports all of them at once', async () => {
    const { agent, db, list, oparl } = await setup();
    const preview = await previewOf(agent, list.id, oparl);
    expect(preview.status).toBe(200);
    expect(count(preview.text, 'rows')).toBe('60');
    expect(count(preview.text, 'add')).toBe('60');
    expect(count(preview.text, 'left')).toBe('0');
    expect(oparl.requests.filter((request) => request.url.startsWith('/oparl/v1/body/1/persons'))).toHaveLength(3);
    const $ = parseHtml(preview.text);
    const problems = (line: number) => $(`#row-${line} .problem-list`).text();
    expect(problems(5)).toContain('Keine E-Mail-Adresse');
    expect(problems(9)).toContain('Keine vollständige Postanschrift im Ratsinformationssystem');
    // A shared address does not block the import: the first member keeps it, the other is told.
    expect(problems(58)).toBe('');
    expect(problems(60)).toContain('Die E-Mail-Adresse buero@fraktion.example hat schon ein anderes Mitglied');
    expect($('#row-1 .address-cell').html()).toBe('Frau Vorsitzende<br>Dr. Anna1 Mitglied01<br>Ratsweg 1<br>47533 Kleve');
    expect(pageText(preview.text)).not.toContain('Vorgänger');
    expect(pageText(preview.text)).not.toContain('Nachfolgerin');
    // Nothing is written before the confirmation.
    expect(listEntries({ db, list })).toHaveLength(0);

    await confirm(agent, preview.text);
    const entries = listEntries({ db, list });
    expect(entries).toHaveLength(60);
    const chair = entries.find((entry) => entry.lastName === 'Mitglied01')!;
    expect(chair).toMatchObject({ salutation: 'Frau', title: 'Dr.', firstName: 'Anna1', function: 'Vorsitzende', street: 'Ratsweg 1', postcode: '47533', city: 'Kleve', email: 'mitglied1@kreis-beispiel.example', verifiedAt: '2026-11-22' });
    expect(chair.note).toBe('Aus dem Ratsinformationssystem (Kreistag), gelesen am 22.11.2026.');
    expect(entries.find((entry) => entry.lastName === 'Mitglied04')).toMatchObject({ salutation: 'Herr', title: 'MdL', function: '' });
    // The Location given by URL was read as well.
    expect(entries.find((entry) => entry.lastName === 'Mitglied07')).toMatchObject({ street: 'Ratsweg 7', city: 'Kleve' });
    expect(entries.find((entry) => entry.lastName === 'Mitglied05')!.email).toBe('');
    expect(entries.find((entry) => entry.lastName === 'Mitglied58')!.email).toBe('buero@fraktion.example');
    expect(entries.find((entry) => entry.lastName === 'Mitglied60')!.email).toBe('');
    const listPage = await agent.get(`/lists/${list.id}`).expect(200);
    expect(pageText(listPage.text)).toContain('Übernommen: 60 neu, 0 geändert, 0 unverändert; 0 ausgeschieden (0 davon entfernt).');
  }, 120_000);

  it('a refresh shows who changed and who left; those who left are marked, or removed when the organiser says so', async () => {
    const { agent, db, list, oparl } = await setup();
    await confirm(agent, (await previewOf(agent, list.id, oparl)).text);
    const manual = makeAddressee(db, list, { salutation: 'Herr', lastName: 'Landrat', function: 'Landrat', email: 'landrat@kreis-beispiel.example' });

    // After a change: one gets a doctorate, one a new e-mail address, one leaves the Kreistag.
    const council = kreistag();
    council.persons[1]!.title = ['Dr.'];
    council.persons[2]!.email = ['neu3@kreis-beispiel.example'];
    council.persons[3]!.memberships[0]!.endDate = '2026-11-01';
    oparl.state.council = council;

    const preview = await previewOf(agent, list.id, oparl);
    expect(count(preview.text, 'add')).toBe('0');
    expect(count(preview.text, 'update')).toBe('2');
    expect(count(preview.text, 'unchanged')).toBe('57');
    expect(count(preview.text, 'left')).toBe('2');
    const $ = parseHtml(preview.text);
    expect($('#row-2').text()).toContain('Titel');
    expect($('#row-3').text()).toContain('E-Mail');
    expect($('.import-left').text()).toContain('Mitglied04');
    expect($('.import-left').text()).toContain('Landrat');

    await confirm(agent, preview.text);
    let entries = listEntries({ db, list });
    expect(entries).toHaveLength(61);
    expect(entries.find((entry) => entry.lastName === 'Mitglied02')!.title).toBe('Dr.');
    expect(entries.find((entry) => entry.lastName === 'Mitglied03')!.email).toBe('neu3@kreis-beispiel.example');
    const left = entries.find((entry) => entry.lastName === 'Mitglied04')!;
    expect(left.note).toMatch(/^Ausgeschieden \(laut Ratsinformationssystem am 22\.11\.2026\)\. Aus dem Ratsinformationssystem/);
    expect(entries.find((entry) => entry.id === manual.id)!.note).toMatch(/^Ausgeschieden/);
    // An update leaves the entry's own note and check date alone.
    expect(entries.find((entry) => entry.lastName === 'Mitglied02')!.note).toBe('Aus dem Ratsinformationssystem (Kreistag), gelesen am 22.11.2026.');

    // The next refresh: the organiser removes those who left.
    const again = await previewOf(agent, list.id, oparl);
    expect(count(again.text, 'left')).toBe('2');
    expect(parseHtml(again.text)('.import-left').text()).toContain('bereits als ausgeschieden markiert');
    await confirm(agent, again.text, { removeLeft: 'on' });
    entries = listEntries({ db, list });
    expect(entries).toHaveLength(59);
    expect(entries.some((entry) => entry.lastName === 'Mitglied04' || entry.id === manual.id)).toBe(false);
  }, 120_000);

  it('imports a committee, and the /healthz stays fast while the members are read', async () => {
    const { app, agent, db, list, oparl } = await setup();
    // The machine's own pace first (a shared machine under load answers slower anyway): reading
    // and previewing may not make /healthz slower than 200 ms or three times that baseline.
    const baseline = await healthDuring(app, () => new Promise((resolve) => setTimeout(resolve, 1500)));
    const { result, slowestMs } = await healthDuring(app, async () => previewOf(agent, list.id, oparl, oparl.organization(2)));
    expect(count(result.text, 'add')).toBe('15');
    expect(slowestMs).toBeLessThan(Math.max(200, 3 * baseline.slowestMs));
    await confirm(agent, result.text);
    expect(listEntries({ db, list })).toHaveLength(15);
  }, 120_000);

  it('says in German what is wrong with the system, at the field, keeping what was typed', async () => {
    const { agent, list, oparl } = await setup();
    oparl.raw.set('/website', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"name": "Kreis Beispiel", "version": 2}');
    });
    oparl.raw.set('/broken', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('<html>Ratsinfo</html>');
    });
    const notOparl = await agent.get(`/lists/${list.id}/oparl`).query({ system: `${oparl.base}/website` }).expect(422);
    expect(fieldError(notOparl.text, 'system')).toContain('Unter dieser Adresse antwortet kein OParl-System');
    expect(parseHtml(notOparl.text)('#f-system').attr('value')).toBe(`${oparl.base}/website`);
    const invalid = await agent.get(`/lists/${list.id}/oparl`).query({ system: `${oparl.base}/broken` }).expect(422);
    expect(fieldError(invalid.text, 'system')).toBe('Das Ratsinformationssystem hat kein gültiges JSON geliefert.');
    const file = await agent.get(`/lists/${list.id}/oparl`).query({ system: 'file:///etc/passwd' }).expect(422);
    expect(fieldError(file.text, 'system')).toBe('Nur Adressen mit http:// oder https:// sind möglich.');
    // A problem found while the members are read in the background is shown the same way.
    const choose = await agent.get(`/lists/${list.id}/oparl`).query({ system: oparl.system }).expect(200);
    oparl.raw.set('/oparl/v1/body/1/persons', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"data": [');
    });
    const started = await agent.post(`/lists/${list.id}/oparl`).type('form').send({ _csrf: csrfToken(choose.text), system: oparl.system, body: oparl.body, organization: oparl.organization(1) }).expect(303);
    let failed = await agent.get(started.headers.location as string);
    for (let attempt = 0; attempt < 100 && failed.status === 200; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      failed = await agent.get(started.headers.location as string);
    }
    expect(failed.status).toBe(422);
    expect(fieldError(failed.text, 'system')).toBe('Das Ratsinformationssystem hat kein gültiges JSON geliefert.');
    expect(parseHtml(failed.text)('#f-system').attr('value')).toBe(oparl.system);
  });

  it('refuses the local network when OPARL_ALLOW_PRIVATE is not set', async () => {
    const app = await buildTestApp();
    const { organiser, password } = await makeOrganiser(app.db);
    const list = makeList(app.db, organiser.id, { name: 'Kreistag' });
    const agent = app.http();
    await loginAs(agent, { email: organiser.email, password });
    const oparl = await startOparlServer();
    const page = await agent.get(`/lists/${list.id}/oparl`).query({ system: oparl.system }).expect(422);
    expect(fieldError(page.text, 'system')).toContain('gehört zu einem internen Netz');
    expect(oparl.requests).toHaveLength(0);
  });

  it('another coalition gets 404 on the import pages of a list', async () => {
    const { db, http, list, oparl } = await setup();
    const other = await makeOrganiser(db, { email: 'andere@example.org' });
    const stranger = http();
    await loginAs(stranger, { email: other.organiser.email, password: other.password });
    await stranger.get(`/lists/${list.id}/oparl`).query({ system: oparl.system }).expect(404);
    expect(oparl.requests).toHaveLength(0);
  });
});
