import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:3100';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const pages = process.argv.slice(2);
for (const width of [1280, 390]) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('E-Mail-Adresse').fill('demo@example.org');
  await page.getByLabel('Passwort').fill('demo-passwort-2026');
  await page.getByRole('button', { name: /Anmelden/ }).click();
  for (const path of pages) {
    const response = await page.goto(`${base}${path}`);
    await page.waitForTimeout(300);
    const name = `${path.replace(/[^a-z0-9]+/gi, '_')}_${width}.png`;
    await page.screenshot({ path: `/tmp/shots/${name}`, fullPage: true });
    console.log(response?.status(), path, name);
  }
  await context.close();
}
await browser.close();
