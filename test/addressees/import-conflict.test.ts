// Issue 16 item 9: a preview that went stale answers on the import page with the reason.
import { expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.ts';
import { loginAs, makeAddressee, makeList, makeOrganiser } from '../helpers/factories.ts';
import { csrfToken, parseHtml } from '../helpers/html.ts';
import { t } from '../../server/i18n/index.ts';

it('confirming an import after the list changed leads back to the import page with the reason; nothing is written', async () => {
  const test = await buildTestApp();
  const owner = await makeOrganiser(test.db);
  const list = makeList(test.db, owner.organiser.id, { name: 'Import-Ziel' });
  const browser = test.http();
  await loginAs(browser, { email: owner.organiser.email, password: owner.password });
  const upload = await browser.get(`/lists/${list.id}/import`).expect(200);
  const preview = await browser
    .post(`/lists/${list.id}/import`)
    .field('_csrf', csrfToken(upload.text))
    .attach('file', Buffer.from('Nachname;E-Mail\r\nMeier;meier@example.org\r\n'), 'liste.csv')
    .expect(200);
  const action = parseHtml(preview.text)('form.import-confirm').attr('action')!;
  makeAddressee(test.db, list, { lastName: 'Dazwischen' });
  const answer = await browser
    .post(action)
    .set('referer', `http://mitzeichnen.test/lists/${list.id}/import`)
    .type('form')
    .send({ _csrf: csrfToken(preview.text) });
  expect(answer.status).toBe(303);
  expect(answer.headers.location).toBe(`/lists/${list.id}/import`);
  const back = await browser.get(`/lists/${list.id}/import`).expect(200);
  expect(parseHtml(back.text)('main > .notice--warning').text().trim()).toBe(t('import.stale'));
  const shown = await browser.get(`/lists/${list.id}`).expect(200);
  expect(shown.text).not.toContain('meier@example.org');
});
