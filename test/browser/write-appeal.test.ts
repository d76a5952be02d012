import { expect, it } from 'vitest';
import { launchChromium, logInAsDemo, startDemoApp } from '../helpers/browser.ts';

it('an organiser logs in, changes a sentence of the demo appeal and sees it in the preview', async () => {
  const { url } = await startDemoApp();
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await logInAsDemo(page, url);

  await page.getByRole('link', { name: /Integration braucht Struktur/ }).click();
  await page.getByRole('link', { name: 'Text', exact: true }).click();
  const body = page.getByLabel('Text des Briefes');
  const original = await body.inputValue();
  await body.fill(`${original}\n\nWir laden Sie **herzlich** zu einem Gespräch ein.`);
  await page.getByRole('button', { name: 'Speichern' }).click();

  await expect.poll(() => page.locator('.letter-preview').innerText()).toContain('Wir laden Sie herzlich zu einem Gespräch ein.');
  expect(await page.locator('.letter-preview strong', { hasText: 'herzlich' }).count()).toBe(1);
  expect(await page.getByRole('status').innerText()).toMatch(/gespeichert/i);
});
