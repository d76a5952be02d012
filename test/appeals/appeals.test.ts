import { describe, expect, it } from 'vitest';
import { addMember } from '../../server/appeals/appeals.service.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { buildTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { appealFormFields, loginAs, makeAppeal, makeOrganiser, makeSignatory, submitForm } from '../helpers/factories.ts';
import { csrfToken, fieldError, fieldValue, pageText, parseHtml } from '../helpers/html.ts';
import { listRoutes } from '../helpers/routes.ts';

async function loggedIn(test: TestApp) {
  const credentials = await makeOrganiser(test.db);
  const browser = test.http();
  await loginAs(browser, { email: credentials.organiser.email, password: credentials.password });
  return { browser, organiser: credentials.organiser };
}

const appealFields = appealFormFields({ title: 'Aufruf für eine gute Sache', letterDate: '2026-12-01' });

describe('writing an appeal', () => {
  it('creates an appeal with a readable slug and shows its text as a letter preview', async () => {
    const test = await buildTestApp();
    const { browser } = await loggedIn(test);
    const created = await submitForm(browser, '/appeals/new', '/appeals', {
      ...appealFields,
      title: 'Integration ist Zukunft: Kürzungen zurücknehmen',
    });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe('/appeals/integration-ist-zukunft-kuerzungen-zuruecknehmen');

    const edit = await browser.get(`${created.headers.location}/edit`).expect(200);
    const preview = parseHtml(edit.text)('section[aria-labelledby="vorschau"]').text();
    expect(preview).toContain('Integration ist Zukunft');
    expect(parseHtml(edit.text)('.letter-preview__body strong').text()).toBe('jetzt');
  });

  it('previews typed text without saving, and saves on "Speichern"', async () => {
    const test = await buildTestApp();
    const { browser, organiser } = await loggedIn(test);
    const appeal = makeAppeal(test.db, organiser.id, { body: 'Der alte Satz.' });
    const url = `/appeals/${appeal.slug}`;

    const preview = await submitForm(browser, `${url}/edit`, url, { ...appealFields, title: appeal.title, body: 'Der *neue* Satz.', action: 'preview' });
    expect(preview.status).toBe(200);
    expect(parseHtml(preview.text)('section[aria-labelledby="vorschau"] em').text()).toBe('neue');
    expect((await browser.get(`${url}/edit`)).text).toContain('Der alte Satz.');

    const saved = await submitForm(browser, `${url}/edit`, url, { ...appealFields, title: appeal.title, body: 'Der *neue* Satz.', action: 'save' });
    expect(saved.status).toBe(303);
    expect(fieldValue((await browser.get(`${url}/edit`)).text, 'body')).toBe('Der *neue* Satz.');
  });

  it('re-renders with German messages and keeps every typed value when input is invalid', async () => {
    const test = await buildTestApp();
    const { browser } = await loggedIn(test);
    const response = await submitForm(browser, '/appeals/new', '/appeals', {
      ...appealFields,
      title: '',
      contactEmail: 'keine-adresse',
      body: 'Ein langer Text, der nicht verloren gehen darf.',
    });
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'title')).toBeTruthy();
    expect(fieldError(response.text, 'contactEmail')).toMatch(/E-Mail/);
    expect(fieldValue(response.text, 'body')).toBe('Ein langer Text, der nicht verloren gehen darf.');
    expect(fieldValue(response.text, 'contactEmail')).toBe('keine-adresse');
    expect(parseHtml(response.text)('.error-summary a').length).toBeGreaterThanOrEqual(2);
  });

  it('never lets Markdown or HTML in the text become markup in the preview', async () => {
    const test = await buildTestApp();
    const { browser, organiser } = await loggedIn(test);
    const body = [
      'Absatz mit <script>alert(1)</script> und <img src=x onerror=alert(2)>.',
      '',
      '[Link](javascript:alert(3)) und [gut](https://example.org)',
      '',
      'Mit Fußnote.[^1]',
      '',
      '[^1]: Quelle: Kreis Kleve, 2025.',
    ].join('\n');
    const appeal = makeAppeal(test.db, organiser.id, { body });
    const edit = await browser.get(`/appeals/${appeal.slug}/edit`).expect(200);
    const $ = parseHtml(edit.text);
    const preview = $('section[aria-labelledby="vorschau"]');
    expect(preview.find('script, img, [onerror]').length).toBe(0);
    expect(preview.text()).toContain('<script>alert(1)</script>');
    expect(preview.find('a[href^="javascript"]').length).toBe(0);
    expect(preview.find('a[href="https://example.org"]').text()).toBe('gut');
    expect(preview.text()).toContain('Quelle: Kreis Kleve, 2025.');
    expect(preview.find('sup').text()).toContain('1');
  });

  it('deletes a draft after confirmation', async () => {
    const test = await buildTestApp();
    const { browser, organiser } = await loggedIn(test);
    const appeal = makeAppeal(test.db, organiser.id);
    const confirm = await browser.get(`/appeals/${appeal.slug}/delete`).expect(200);
    expect(pageText(confirm.text)).toContain(appeal.title);
    await browser.post(`/appeals/${appeal.slug}/delete`).type('form').send({ _csrf: csrfToken(confirm.text) }).expect(303);
    await browser.get(`/appeals/${appeal.slug}`).expect(404);
  });
});

describe('roles on an appeal', () => {
  it('answers 404 on every page and action of an appeal to an organiser without a role', async () => {
    const test = await buildTestApp();
    const owner = await makeOrganiser(test.db);
    const appeal = makeAppeal(test.db, owner.organiser.id);
    const signatory = await makeSignatory(test.db, test.fileStore, appeal);
    const { browser } = await loggedIn(test);
    const token = csrfToken((await browser.get('/appeals')).text);

    const appealRoutes = listRoutes(test.app).filter((route) => route.url.startsWith('/appeals/:slug'));
    expect(appealRoutes.length).toBeGreaterThan(15);
    for (const route of appealRoutes) {
      const url = route.url
        .replace(':slug', appeal.slug)
        .replace(':id', String(signatory.signatory.id))
        .replace(':organiserId', String(owner.organiser.id))
        .replace(':listId', '1');
      const response =
        route.method === 'GET' ? await browser.get(url) : await browser.post(url).type('form').send({ _csrf: token, title: 'Übernahme' });
      expect({ route: `${route.method} ${route.url}`, status: response.status }).toEqual({ route: `${route.method} ${route.url}`, status: 404 });
    }
    // Nothing was changed by all these attempts.
    const ownerBrowser = test.http();
    await loginAs(ownerBrowser, { email: owner.organiser.email, password: owner.password });
    expect((await ownerBrowser.get(`/appeals/${appeal.slug}`).expect(200)).text).toContain(appeal.title);
  });

  it('lets a viewer read but not change, with a German 403 page', async () => {
    const test = await buildTestApp();
    const owner = await makeOrganiser(test.db);
    const appeal = makeAppeal(test.db, owner.organiser.id, { body: 'Originaltext.' });
    const { browser, organiser } = await loggedIn(test);
    addMember({ db: test.db, clock: systemClock, appeal, input: { email: organiser.email, role: 'viewer' }, addedBy: 'Test' });

    const edit = await browser.get(`/appeals/${appeal.slug}/edit`).expect(200);
    const refused = await browser
      .post(`/appeals/${appeal.slug}`)
      .type('form')
      .send({ _csrf: csrfToken(edit.text), ...appealFields, title: appeal.title, body: 'Geändert.' });
    expect(refused.status).toBe(403);
    expect(pageText(refused.text)).toContain('Keine Berechtigung');
    expect((await browser.get(`/appeals/${appeal.slug}/edit`)).text).toContain('Originaltext.');
    await browser.get(`/appeals/${appeal.slug}/delete`).expect(403);
  });

  it('lets the owner add a co-organiser by e-mail as editor, who can then edit', async () => {
    const test = await buildTestApp();
    const owner = await makeOrganiser(test.db);
    const colleague = await makeOrganiser(test.db, { email: 'kollegin@example.org' });
    const appeal = makeAppeal(test.db, owner.organiser.id);
    const ownerBrowser = test.http();
    await loginAs(ownerBrowser, { email: owner.organiser.email, password: owner.password });

    const unknown = await submitForm(ownerBrowser, `/appeals/${appeal.slug}/members`, `/appeals/${appeal.slug}/members`, {
      email: 'niemand@example.org',
      role: 'editor',
    });
    // An address without an account gets an invitation by mail (test/organisers/invitations.test.ts).
    expect(unknown.status).toBe(303);
    expect(pageText((await ownerBrowser.get(`/appeals/${appeal.slug}/members`)).text)).toContain('niemand@example.org');

    await submitForm(ownerBrowser, `/appeals/${appeal.slug}/members`, `/appeals/${appeal.slug}/members`, {
      email: 'Kollegin@Example.org',
      role: 'editor',
    }).then((response) => expect(response.status).toBe(303));

    const colleagueBrowser = test.http();
    await loginAs(colleagueBrowser, { email: colleague.organiser.email, password: colleague.password });
    const saved = await submitForm(colleagueBrowser, `/appeals/${appeal.slug}/edit`, `/appeals/${appeal.slug}`, {
      ...appealFields,
      title: appeal.title,
      body: 'Von der Kollegin verbessert.',
    });
    expect(saved.status).toBe(303);
    await colleagueBrowser.get(`/appeals/${appeal.slug}/delete`).expect(403);
  });
});
