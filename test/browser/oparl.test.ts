import { expect, it } from 'vitest';
import { listEntries } from '../../server/addressees/addressees.service.ts';
import { buildTestApp } from '../helpers/app.ts';
import { axeViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/browser.ts';
import { makeAppeal, makeList, makeOrganiser } from '../helpers/factories.ts';
import { startOparlServer } from '../oparl/oparl-server.ts';

const shots = process.env.SCREENSHOT_DIR;

it('on a phone, an organiser turns the Kreistag into an address list and fills an Antrag’s meeting dates, without script, on accessible pages', async () => {
  const test = await buildTestApp({ clock: () => new Date('2026-11-22T10:00:00Z'), env: { OPARL_ALLOW_PRIVATE: 'true' } });
  const { organiser, password } = await makeOrganiser(test.db);
  const list = makeList(test.db, organiser.id, { name: 'Kreistag Kreis Beispiel' });
  const appeal = makeAppeal(test.db, organiser.id, { kind: 'antrag' });
  const oparl = await startOparlServer();
  await test.app.listen({ port: 0, host: '127.0.0.1' });
  const address = test.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${address.port}`;

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, bypassCSP: true, javaScriptEnabled: false });
    await page.goto(`${url}/login`);
    await page.getByLabel('E-Mail-Adresse').fill(organiser.email);
    await page.getByLabel('Passwort').fill(password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(`${url}/appeals`);

    await page.goto(`${url}/lists/${list.id}`);
    await page.getByRole('link', { name: 'Aus dem Ratsinformationssystem übernehmen' }).click();
    await page.getByLabel('Adresse des OParl-Systems').fill(oparl.system);
    await page.getByRole('button', { name: 'Gremien anzeigen' }).click();
    await page.getByLabel('Gremium').selectOption({ label: 'Kreistag' });
    const violations: string[] = [];
    const check = async (name: string) => {
      // axe needs script; a second page with script looks at the same address.
      const checker = await browser.newPage({ viewport: { width: 390, height: 844 }, bypassCSP: true });
      await checker.context().addCookies(await page.context().cookies());
      await checker.goto(page.url());
      // Readable at 390 px: nothing wider than the screen.
      const width = await checker.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
      if (width > 390) violations.push(`${name}: ${width} px wide`);
      violations.push(...(await axeViolations(checker)).map((violation) => `${name}: ${violation.id} ${violation.help} ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`));
      await checker.close();
    };
    if (shots) await page.screenshot({ path: `${shots}/oparl-choose.png`, fullPage: true });
    await page.getByRole('button', { name: 'Mitglieder lesen und Vorschau zeigen' }).click();
    // Without script the waiting page offers „Seite aktualisieren“ (no meta refresh, which the
    // user could not stop); followed until the preview is there.
    for (let attempt = 0; attempt < 100 && (await page.locator('form.import-confirm').count()) === 0; attempt += 1) {
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      await page.waitForTimeout(200);
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Seite aktualisieren' }).click()]);
    }
    await page.waitForSelector('form.import-confirm', { timeout: 1_000 });
    expect(await page.locator('[data-count="add"]').innerText()).toBe('60');
    if (shots) await page.screenshot({ path: `${shots}/oparl-preview.png`, fullPage: true });
    const previewUrl = page.url();
    await page.getByRole('button', { name: 'Jetzt importieren' }).click();
    await page.waitForURL(`${url}/lists/${list.id}`);
    expect(listEntries({ db: test.db, list })).toHaveLength(60);
    await page.goto(previewUrl);
    await check('preview');

    await page.goto(`${url}/appeals/${appeal.slug}/edit`);
    await page.getByRole('link', { name: 'Sitzungstermine aus dem Ratsinformationssystem' }).click();
    await page.getByLabel('Adresse des OParl-Systems').fill(oparl.system);
    await page.getByRole('button', { name: 'Kommende Sitzungen anzeigen' }).click();
    await check('meetings');
    await page.getByLabel('25.2.2027 – Kreisausschuss', { exact: false }).check();
    await page.getByLabel('17.3.2027 – Kreistag', { exact: false }).check();
    if (shots) await page.screenshot({ path: `${shots}/oparl-meetings.png`, fullPage: true });
    await page.getByRole('button', { name: 'Zeile zeigen' }).click();
    await check('meeting line');
    if (shots) await page.screenshot({ path: `${shots}/oparl-meeting-line.png`, fullPage: true });
    await page.getByRole('button', { name: 'In das Formular übernehmen' }).click();
    expect(await page.locator('#f-subtitle').inputValue()).toBe('Antrag zur Sitzung des Kreisausschusses am 25.2.2027 und des Kreistages am 17.3.2027');
    expect(violations).toEqual([]);
  } finally {
    await browser.close();
  }
}, 120_000);
