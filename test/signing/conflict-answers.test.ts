// Issue 16 item 9: a refused action in the organiser area answers with the German reason on the
// page it came from, never with a bare "Fehler 409" page.
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.ts';
import { loginAs, makeFinalAppeal, makeList, makeOrganiser } from '../helpers/factories.ts';
import { csrfToken, pageText, parseHtml } from '../helpers/html.ts';
import { t } from '../../server/i18n/index.ts';

async function finalAppeal() {
  const test = await buildTestApp();
  const owner = await makeOrganiser(test.db);
  const { appeal, signatories } = await makeFinalAppeal(test, owner.organiser.id);
  const browser = test.http();
  await loginAs(browser, { email: owner.organiser.email, password: owner.password });
  return { test, owner, appeal, signatoryId: signatories[0]!.signatory.id, browser };
}

const warning = (html: string) => parseHtml(html)('.notice--warning').text().trim();

describe('conflicts in the organiser area', () => {
  for (const action of ['remind', 'resend'] as const) {
    it(`"${action}" after finalising leads back to the dashboard with the reason`, async () => {
      const { appeal, signatoryId, browser } = await finalAppeal();
      const dashboard = `/appeals/${appeal.slug}/signing`;
      const page = await browser.get(dashboard).expect(200);
      const answer = await browser
        .post(`${dashboard}/${signatoryId}/${action}`)
        .set('referer', `http://mitzeichnen.test${dashboard}`)
        .type('form')
        .send({ _csrf: csrfToken(page.text) });
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toBe(dashboard);
      const back = await browser.get(dashboard).expect(200);
      expect(warning(back.text)).toBe(t('signing.notOpen'));
      // The notice is shown once.
      expect(warning((await browser.get(dashboard)).text)).toBe('');
    });
  }

  it('deleting a list in use leads back to the list with the reason', async () => {
    const { test, owner, browser } = await finalAppeal();
    const list = makeList(test.db, owner.organiser.id, { name: 'Kreistag' });
    const { addListToAppeal } = await import('../../server/addressees/addressees.service.ts');
    const { appeal: other } = await makeFinalAppeal(test, owner.organiser.id);
    addListToAppeal({ db: test.db, organiserId: owner.organiser.id, appeal: other, listId: list.id, collective: true });
    const page = await browser.get(`/lists/${list.id}`).expect(200);
    const answer = await browser
      .post(`/lists/${list.id}/delete`)
      .set('referer', `http://mitzeichnen.test/lists/${list.id}/delete`)
      .type('form')
      .send({ _csrf: csrfToken(page.text), confirm: '1' });
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe(`/lists/${list.id}/delete`);
    const back = await browser.get(answer.headers.location!).expect(200);
    expect(parseHtml(back.text)('main > .notice--warning').first().text().trim()).toBe(t('lists.inUseCount', { count: 1 }));
  });

  it('a refused action from another site, or without a page to go back to, still answers with the German error page', async () => {
    const { appeal, signatoryId, browser } = await finalAppeal();
    const dashboard = `/appeals/${appeal.slug}/signing`;
    const page = await browser.get(dashboard).expect(200);
    const answer = await browser.post(`${dashboard}/${signatoryId}/remind`).type('form').send({ _csrf: csrfToken(page.text) });
    expect(answer.status).toBe(409);
    expect(pageText(answer.text)).toContain(t('signing.notOpen'));
    const foreign = await browser
      .post(`${dashboard}/${signatoryId}/remind`)
      .set('referer', 'https://evil.example/appeals')
      .type('form')
      .send({ _csrf: csrfToken(page.text) });
    expect(foreign.status).toBe(409);
  });
});
