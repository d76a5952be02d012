import { describe, expect, it } from 'vitest';
import { sessions } from '../../server/organisers/organisers.table.ts';
import { buildTestApp } from '../helpers/app.ts';
import { appealFormFields, loginAs, makeFinalAppeal, makeOrganiser } from '../helpers/factories.ts';
import { csrfToken, pageText, parseHtml } from '../helpers/html.ts';

async function setup() {
  const test = await buildTestApp();
  const owner = await makeOrganiser(test.db);
  const made = await makeFinalAppeal(test, owner.organiser.id, { organisations: ['AWO'] });
  const browser = test.http();
  await loginAs(browser, { email: owner.organiser.email, password: owner.password });
  return { ...test, owner, browser, ...made };
}

describe('locked forms say why and keep what was typed', () => {
  it('shows the organisation form of a final appeal read-only, and a save anyway keeps the input with the reason', async () => {
    const s = await setup();
    const id = s.signatories[0]!.signatory.id;
    const page = `/appeals/${s.appeal.slug}/signatories/${id}/edit`;
    const shown = await s.browser.get(page).expect(200);
    const $ = parseHtml(shown.text);
    expect($('fieldset[disabled]').length).toBe(1);
    expect($(`form[action$="/signatories/${id}"] button[type="submit"]`).length).toBe(0);
    expect(pageText(shown.text)).toContain('gesperrt, weil der Aufruf abgeschlossen ist');

    const saved = await s.browser
      .post(`/appeals/${s.appeal.slug}/signatories/${id}`)
      .field('_csrf', csrfToken(shown.text))
      .field('organisationName', 'AWO Neu getippt')
      .field('representativeName', 'Erika Muster')
      .field('representativeEmail', 'erika@awo.example');
    expect(saved.status).toBe(409);
    expect(pageText(saved.text)).toContain('Nicht gespeichert.');
    expect(pageText(saved.text)).not.toContain('Fehler 409');
    expect(parseHtml(saved.text)('#f-organisationName').attr('value')).toBe('AWO Neu getippt');
  });

  it('keeps a text typed into a form that was locked meanwhile', async () => {
    const s = await setup();
    const page = await s.browser.get(`/appeals/${s.appeal.slug}/edit`).expect(200);
    const saved = await s.browser.post(`/appeals/${s.appeal.slug}`).type('form').send({ _csrf: csrfToken(page.text), ...appealFormFields({ body: 'Mein neuer Absatz, nicht verloren.' }), action: 'save' });
    expect(saved.status).toBe(409);
    expect(pageText(saved.text)).toContain('Nicht gespeichert.');
    expect(parseHtml(saved.text)('textarea').text()).toBe('Mein neuer Absatz, nicht verloren.');
  });

  it('sends a form posted after the session expired to the login page, which says it was not saved and leads back', async () => {
    const s = await setup();
    const page = `/appeals/${s.appeal.slug}/mail-texts/invitation`;
    const shown = await s.browser.get(page).expect(200);
    s.db.delete(sessions).run();
    const posted = await s.browser.post(page).set('Referer', `http://mitzeichnen.test${page}`).type('form').send({ _csrf: csrfToken(shown.text), subject: 'x', body: '{{link}}' });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe(`/login?next=${encodeURIComponent(page)}&expired=1&kept=1`);
    const login = await s.browser.get(posted.headers.location!).expect(200);
    expect(pageText(login.text)).toContain('nicht gespeichert');
    expect(parseHtml(login.text)('input[name="next"]').attr('value')).toBe(page);
    await loginAs(s.browser, { email: s.owner.organiser.email, password: s.owner.password });
  });
});
