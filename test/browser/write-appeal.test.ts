import { expect, it } from 'vitest';
import { launchChromium, logInAsDemo, startDemoApp } from '../helpers/browser.ts';

it('an organiser logs in, changes a sentence of the demo appeal, confirms the new version and sees it in the preview', async () => {
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
  // The demo appeal is being signed: saving first says who would have to confirm again.
  await expect.poll(() => page.getByRole('status').innerText()).toMatch(/Organisationen haben Fassung 1 unterzeichnet/);
  await page.getByRole('button', { name: 'Ja, als Fassung 2 speichern' }).click();

  await expect.poll(() => page.locator('.letter-preview').innerText()).toContain('Wir laden Sie herzlich zu einem Gespräch ein.');
  expect(await page.locator('.letter-preview strong', { hasText: 'herzlich' }).count()).toBe(1);
  expect(await page.getByRole('status').innerText()).toMatch(/gespeichert/i);
});
