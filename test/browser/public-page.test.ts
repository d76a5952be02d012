import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { appealsRepository } from '../../server/appeals/appeals.repository.ts';
import { openForSigning } from '../../server/signing/signing-organiser.service.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { buildTestApp } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { makeAppeal, makeOrganiser, makeSignatory } from '../helpers/factories.ts';
import { makeMailWorker } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

/**
 * Checks of the page as a screen reader and a phone meet it (axe-core is not among the
 * dependencies; these are the rules that matter here): one h1, the language, every form
 * control labelled, the trap field outside the accessibility tree, nothing wider than the screen.
 */
async function checkPage(page: Page) {
  // A script text: the test code has no DOM types; it runs in the page.
  const problems = (await page.evaluate(`(() => {
    const found = [];
    if (document.documentElement.lang !== 'de') found.push('lang');
    if (document.querySelectorAll('h1').length !== 1) found.push('h1 count');
    for (const control of document.querySelectorAll('input:not([type=hidden]), textarea, select')) {
      if (control.closest('[aria-hidden="true"]')) continue;
      const labelled = (control.labels && control.labels.length) || control.getAttribute('aria-label') || control.getAttribute('aria-labelledby');
      if (!labelled) found.push('unlabelled ' + control.name);
    }
    for (const image of document.querySelectorAll('img')) if (!image.hasAttribute('alt')) found.push('img without alt');
    if (document.documentElement.scrollWidth > window.innerWidth + 1) found.push('wider than the screen: ' + document.documentElement.scrollWidth);
    return found;
  })()`)) as string[];
  expect(problems).toEqual([]);
  const tree = await page.locator('main').ariaSnapshot();
  expect(tree).not.toContain('Bitte dieses Feld leer lassen');
}

it('a citizen opens the public page on a phone, signs, confirms by mail and is counted', { timeout: 120_000 }, async () => {
  const sink = await SmtpSink.start();
  const test = await buildTestApp({ clock: () => new Date(), env: { SMTP_URL: sink.url() } });
  const owner = await makeOrganiser(test.db);
  const draft = makeAppeal(test.db, owner.organiser.id, { title: 'Ein Integrationszentrum für den Kreis Kleve', body: 'Wir fordern ein **Integrationszentrum**.', publicPage: true });
  await makeSignatory(test.db, test.fileStore, draft, { name: 'Diakonie im Kirchenkreis Kleve e.V.' });
  openForSigning({ db: test.db, clock: systemClock, config: test.config, appeal: draft, actor: 'Test', deadline: '' });
  const appeal = appealsRepository(test.db).update(draft.id, { supportGoal: 100, updatedAt: new Date() });
  const { worker } = makeMailWorker({ db: test.db, clock: () => new Date(), config: test.config });

  await test.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = test.app.server.address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  const page = await context.newPage();

  await page.goto(`${base}/a/${appeal.slug}`);
  await expect.poll(() => page.locator('h1').innerText()).toBe('Ein Integrationszentrum für den Kreis Kleve');
  await checkPage(page);
  await page.getByRole('link', { name: 'Jetzt unterstützen' }).click();
  await checkPage(page);
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/public-sign.png`, fullPage: true });
  await page.getByLabel(/^Vorname/).fill('Jana');
  await page.getByLabel(/^Nachname/).fill('Dvořák');
  await page.getByLabel(/^Postleitzahl/).fill('47533');
  await page.getByLabel(/^Ort/).fill('Kleve');
  await page.getByLabel(/^E-Mail-Adresse/).fill('jana@example.org');
  await page.getByLabel('Kommentar (freiwillig)').fill('Gute Sache.');
  await page.getByLabel('Meinen Namen auf der öffentlichen Seite zeigen (Vorname N., Ort)').check();
  await page.getByLabel('Die Koalition darf mich über den Fortgang informieren').check();
  // A person takes longer than the form's minimum time.
  await page.waitForTimeout(2100);
  await page.getByRole('button', { name: 'Unterschreiben' }).click();
  await expect.poll(() => page.locator('h1').innerText()).toBe('Bitte bestätigen Sie Ihre E-Mail-Adresse');
  await checkPage(page);

  await worker.runOnce();
  const mail = sink.received.find((message) => message.envelope.to[0] === 'jana@example.org')!;
  const confirm = (mail.parsed.text ?? '').match(/\/c\/[A-Za-z0-9_-]{43}/)![0];
  await page.goto(`${base}${confirm}`);
  await expect.poll(() => page.locator('h1').innerText()).toContain('Ihre Unterschrift zählt');
  await checkPage(page);
  await page.waitForTimeout(1100);
  await page.getByRole('link', { name: 'Zurück zum Aufruf' }).click();
  await page.reload();
  await expect.poll(() => page.locator('[data-count]').innerText()).toBe('1');
  await expect.poll(() => page.locator('main').innerText()).toContain('Jana D., Kleve');
  await checkPage(page);
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/public-page.png`, fullPage: true });
});
