import { describe, expect, it } from 'vitest';
import { isPublicPageVisible } from '../../server/appeals/appeal-lifecycle.ts';
import { appealStates } from '../../server/appeals/appeals.table.ts';
import { buildTestApp } from '../helpers/app.ts';
import { appealFormFields, loginAs, makeAppeal, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { fieldError, fieldValue, pageText, parseHtml } from '../helpers/html.ts';

async function editor() {
  const test = await buildTestApp();
  const credentials = await makeOrganiser(test.db);
  const browser = test.http();
  await loginAs(browser, { email: credentials.organiser.email, password: credentials.password });
  const appeal = makeAppeal(test.db, credentials.organiser.id);
  return { test, browser, appeal, url: `/appeals/${appeal.slug}` };
}

describe("the appeal's public settings", () => {
  it('saves the public page, its start, closing date, goal and the supporters in the letter, and shows them on the overview', async () => {
    const { browser, appeal, url } = await editor();
    const saved = await submitForm(browser, `${url}/edit`, url, {
      ...appealFormFields({ title: appeal.title, publicPage: true, letterNamesSupporters: true, letterCountsCitizens: true, supporterListAttached: true }),
      publicFrom: 'final',
      supportClosesOn: '31.03.2027',
      supportGoal: '1.500',
    });
    expect(saved.status).toBe(303);
    const edit = (await browser.get(`${url}/edit`).expect(200)).text;
    const $ = parseHtml(edit);
    expect($('input[name="publicFrom"][value="final"]').attr('checked')).toBeDefined();
    expect($('input[name="publicFrom"][value="signing"]').attr('checked')).toBeUndefined();
    expect(fieldValue(edit, 'supportClosesOn')).toBe('2027-03-31');
    expect(fieldValue(edit, 'supportGoal')).toBe('1500');
    for (const name of ['publicPage', 'letterNamesSupporters', 'letterCountsCitizens', 'supporterListAttached']) expect($(`input[name="${name}"]`).attr('checked'), name).toBeDefined();
    expect(pageText(edit)).toContain('Öffentliche Seite und Unterstützende');

    const overview = pageText((await browser.get(url).expect(200)).text);
    expect(overview).toContain('ja, erst wenn der Brief fertig ist');
    expect(overview).toContain('31.03.2027');
    expect(overview).toContain('1.500');
    expect(overview).toContain('Unterstützerliste als PDF');
  });

  it('refuses a bad closing date and a goal that is not a whole number, at the field, keeping what was typed', async () => {
    const { browser, appeal, url } = await editor();
    const response = await submitForm(browser, `${url}/edit`, url, {
      ...appealFormFields({ title: appeal.title }),
      supportClosesOn: '31.02.2027',
      supportGoal: '-5',
      publicFrom: 'morgen',
      body: 'Der getippte Text bleibt.',
    });
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'supportClosesOn')).toContain('gültiges Datum');
    expect(fieldError(response.text, 'supportGoal')).toContain('ganze Zahl');
    expect(parseHtml(response.text)('#f-publicFrom-error').text()).toContain('Bitte');
    expect(fieldValue(response.text, 'supportGoal')).toBe('-5');
    expect(fieldValue(response.text, 'body')).toBe('Der getippte Text bleibt.');
  });

  it('an empty goal is no goal, shown as an empty field', async () => {
    const { test, browser, appeal, url } = await editor();
    await submitForm(browser, `${url}/edit`, url, { ...appealFormFields({ title: appeal.title }), supportGoal: '' });
    expect(fieldValue((await browser.get(`${url}/edit`)).text, 'supportGoal')).toBe('');
    expect(test.sqlite.prepare('SELECT support_goal FROM appeals WHERE id = ?').get(appeal.id)).toEqual({ support_goal: 0 });
  });
});

describe('isPublicPageVisible', () => {
  it('shows the page from signing on, or only once the letter is final, and never when switched off', () => {
    const visible = (publicPage: boolean, publicFrom: 'signing' | 'final') => appealStates.filter((state) => isPublicPageVisible({ state, publicPage, publicFrom }));
    expect(visible(true, 'signing')).toEqual(['signing', 'final', 'sending', 'sent']);
    expect(visible(true, 'final')).toEqual(['final', 'sending', 'sent']);
    expect(visible(false, 'signing')).toEqual([]);
    expect(visible(false, 'final')).toEqual([]);
  });
});
