import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterEach } from 'vitest';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { buildTestApp } from './app.ts';

/** Debian's Chromium; never a downloaded browser. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const open: Browser[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}. Install Debian's package: apt-get install chromium (or set CHROMIUM_PATH).`);
  }
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  open.push(browser);
  return browser;
}

export const demoPassword = 'demo-passwort-123';

/** The app with the Kreis Kleve demo, listening on a free local port. */
export async function startDemoApp() {
  const test = await buildTestApp();
  await seedDemo({ config: test.config, db: test.db, clock: systemClock, fileStore: test.fileStore, demoPassword });
  await test.app.listen({ port: 0, host: '127.0.0.1' });
  const address = test.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { ...test, url: `http://127.0.0.1:${address.port}` };
}

export async function logInAsDemo(page: Page, url: string) {
  await page.goto(`${url}/login`);
  await page.getByLabel('E-Mail-Adresse').fill('demo@example.org');
  await page.getByLabel('Passwort').fill(demoPassword);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${url}/appeals`);
}
