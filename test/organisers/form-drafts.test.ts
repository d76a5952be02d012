// Issue 16 item 9: a form sent after the session expired keeps what was typed: after logging in
// the organiser is back on the form with the values, not saved, and sends it themselves.
import { describe, expect, it } from 'vitest';
import type { Agent } from 'supertest';
import { sessions } from '../../server/organisers/organisers.table.ts';
import { buildTestApp } from '../helpers/app.ts';
import { appealFormFields, loginAs, makeAddressee, makeAppeal, makeList, makeOrganiser } from '../helpers/factories.ts';
import { csrfToken, pageText, parseHtml } from '../helpers/html.ts';
import { t } from '../../server/i18n/index.ts';

async function setup() {
  const test = await buildTestApp();
  const owner = await makeOrganiser(test.db);
  const appeal = makeAppeal(test.db, owner.organiser.id, { body: 'Der alte Text.' });
  const browser = test.http();
  await loginAs(browser, { email: owner.organiser.email, password: owner.password });
  return { ...test, owner, appeal, browser };
}

/** Logs in again through the login page the redirect led to; returns where the login sends the browser. */
async function logInAgain(browser: Agent, loginUrl: string, credentials: { email: string; password: string }) {
  const login = await browser.get(loginUrl).expect(200);
  const next = parseHtml(login.text)('input[name="next"]').attr('value')!;
  const answer = await browser.post('/login').type('form').send({ _csrf: csrfToken(login.text), ...credentials, next });
  expect(answer.status).toBe(303);
  return { login, location: answer.headers.location! };
}

describe('a form sent after the session expired', () => {
  it('the text editor: the login says the input is kept; afterwards the form shows it, unsaved, once', async () => {
    const s = await setup();
    const page = `/appeals/${s.appeal.slug}/edit`;
    const shown = await s.browser.get(page).expect(200);
    s.db.delete(sessions).run();
    const posted = await s.browser
      .post(`/appeals/${s.appeal.slug}`)
      .set('Referer', `http://mitzeichnen.test${page}`)
      .type('form')
      .send({ _csrf: csrfToken(shown.text), ...appealFormFields({ title: 'Mein neuer Titel', body: 'Mein langer Absatz, mühsam getippt.' }), action: 'save' });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe(`/login?next=${encodeURIComponent(page)}&expired=1&kept=1`);
    // The values never travel in a URL.
    expect(posted.headers.location).not.toContain('getippt');
    const { login, location } = await logInAgain(s.browser, posted.headers.location!, { email: s.owner.organiser.email, password: s.owner.password });
    expect(pageText(login.text)).toContain(t('session.expiredKept'));
    expect(location).toBe(page);

    const back = await s.browser.get(page).expect(200);
    const $ = parseHtml(back.text);
    expect($('textarea[name="body"]').text()).toBe('Mein langer Absatz, mühsam getippt.');
    expect($('input[name="title"]').attr('value')).toBe('Mein neuer Titel');
    expect($('main > .notice--warning').text().trim()).toBe(t('session.draftRestored'));
    // Re-shown, not saved: the appeal still has the old text until the organiser sends the form.
    expect(pageText((await s.browser.get(`/appeals/${s.appeal.slug}`)).text)).not.toContain('mühsam getippt');
    const saved = await s.browser.post(`/appeals/${s.appeal.slug}`).type('form').send({ _csrf: csrfToken(back.text), ...appealFormFields({ title: 'Mein neuer Titel', body: 'Mein langer Absatz, mühsam getippt.' }), action: 'save' });
    expect(saved.status).toBe(303);
    // Once only: the next visit shows the saved state, no notice.
    const again = await s.browser.get(page).expect(200);
    expect(parseHtml(again.text)('main > .notice--warning').length).toBe(0);
  });

  it('the mail texts and the addressee form get their values back too', async () => {
    const s = await setup();
    const list = makeList(s.db, s.owner.organiser.id, { name: 'Kreistag' });
    const entry = makeAddressee(s.db, list, { lastName: 'Meier' });
    const cases: { page: string; action: string; fields: Record<string, string>; field: string }[] = [
      { page: `/appeals/${s.appeal.slug}/mail-texts/invitation`, action: `/appeals/${s.appeal.slug}/mail-texts/invitation`, fields: { subject: 'Bitte zeichnen Sie mit', body: 'Liebe Leute, {{link}} – getippt.' }, field: 'body' },
      { page: `/lists/${list.id}/addressees/${entry.id}/edit`, action: `/lists/${list.id}/addressees/${entry.id}`, fields: { salutation: 'Frau', lastName: 'Neu-getippt', firstName: 'Erika', institution: 'Kreis Kleve', email: 'neu@example.org' }, field: 'lastName' },
    ];
    for (const { page, action, fields, field } of cases) {
      const shown = await s.browser.get(page).expect(200);
      s.db.delete(sessions).run();
      const posted = await s.browser.post(action).set('Referer', `http://mitzeichnen.test${page}`).type('form').send({ _csrf: csrfToken(shown.text), ...fields });
      expect(posted.headers.location).toContain('kept=1');
      const { location } = await logInAgain(s.browser, posted.headers.location!, { email: s.owner.organiser.email, password: s.owner.password });
      expect(location).toBe(page);
      const $ = parseHtml((await s.browser.get(page).expect(200)).text);
      const shownValue = $(`[name="${field}"]`).is('textarea') ? $(`[name="${field}"]`).text() : $(`[name="${field}"]`).attr('value');
      expect({ page, value: shownValue }).toEqual({ page, value: fields[field] });
    }
  });

  it('the organisation form (multipart, with a logo field) gets its text fields back', async () => {
    const s = await setup();
    const page = `/appeals/${s.appeal.slug}/signatories/new`;
    const shown = await s.browser.get(page).expect(200);
    s.db.delete(sessions).run();
    const posted = await s.browser
      .post(`/appeals/${s.appeal.slug}/signatories`)
      .set('Referer', `http://mitzeichnen.test${page}`)
      .field('_csrf', csrfToken(shown.text))
      .field('organisationName', 'AWO Kreisverband getippt')
      .field('representativeName', 'Erika Muster');
    expect(posted.headers.location).toContain('kept=1');
    await logInAgain(s.browser, posted.headers.location!, { email: s.owner.organiser.email, password: s.owner.password });
    const $ = parseHtml((await s.browser.get(page).expect(200)).text);
    expect($('input[name="organisationName"]').attr('value')).toBe('AWO Kreisverband getippt');
    expect($('input[name="representativeName"]').attr('value')).toBe('Erika Muster');
  });

  it('keeps nothing for a request without the stale session cookie (e.g. from another site) or without a form page', async () => {
    const s = await setup();
    const fresh = s.http();
    const page = `/appeals/${s.appeal.slug}/edit`;
    const posted = await fresh.post(`/appeals/${s.appeal.slug}`).set('Referer', `http://mitzeichnen.test${page}`).type('form').send({ title: 'Untergeschoben', action: 'save' });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe(`/login?next=${encodeURIComponent(page)}&expired=1`);
    expect(posted.headers['set-cookie']?.toString() ?? '').not.toContain('mz_draft');
    s.db.delete(sessions).run();
    const noPage = await s.browser.post(`/appeals/${s.appeal.slug}`).type('form').send({ title: 'x', action: 'save' });
    expect(noPage.headers.location).toBe('/login?expired=1');
  });
});
