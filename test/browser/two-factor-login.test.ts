// An organiser switches on two-factor sign-in in Chromium and signs in with a TOTP code that
// the test computes with otpauth, as her phone would. The pages pass axe-core.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { makeAppeal, makeOrganiser } from '../helpers/factories.ts';
import { createOrganiser } from '../../server/organisers/organisers.service.ts';
import { manualClock } from '../helpers/mail.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG A/AA rules on the page as shown (run through the DevTools protocol, so the CSP stays strict). */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = (await page.evaluate("axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })")) as { violations: { id: string; nodes: unknown[] }[] };
  return result.violations.map((violation) => `${violation.id} (${violation.nodes.length})`);
}

const codeAt = (secret: string, at: Date) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime(), period: 30, digits: 6, algorithm: 'SHA1' });

it('sets up an authenticator app from the QR page and signs in with a TOTP code', { timeout: 60_000 }, async () => {
  const time = manualClock(new Date());
  const test = await buildTestApp({ clock: time.clock });
  const password = 'ein langes Passwort für Andrea';
  // The operator's account, so that the admin page is checked as well.
  const created = await createOrganiser({ db: test.db, clock: time.clock, input: { name: 'Andrea Koordination', email: 'andrea@buendnis.example', password }, isAdmin: true });
  if (!created.ok) throw new Error('organiser not created');
  const organiser = created.organiser;
  await makeOrganiser(test.db, { name: 'Carla Colleague', email: 'carla@buendnis.example' });
  makeAppeal(test.db, organiser.id, { title: 'Kommunale Integrationszentren sichern' });
  await test.app.listen({ port: 0, host: '127.0.0.1' });
  const address = test.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${address.port}`;

  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  const logIn = async () => {
    await page.goto(`${url}/login`);
    await page.getByLabel('E-Mail-Adresse').fill(organiser.email);
    await page.locator('#f-password').fill(password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
  };

  await logIn();
  await page.waitForURL(`${url}/appeals`);
  await page.goto(`${url}/account/two-factor`);
  await page.getByRole('button', { name: 'Zwei-Faktor-Anmeldung einrichten' }).click();
  await expect.poll(() => page.locator('.qr-code svg').count()).toBe(1);
  expect(await page.getByRole('img', { name: 'QR-Code für die Authenticator-App' }).isVisible()).toBe(true);
  expect(await accessibilityProblems(page)).toEqual([]);
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/two-factor-setup.png`, fullPage: true });
  const secret = (await page.locator('.totp-secret').innerText()).replace(/\s/g, '');
  await page.locator('#f-code').fill(codeAt(secret, time.clock()));
  await page.getByRole('button', { name: 'Einschalten' }).click();
  await expect.poll(() => page.locator('.recovery-codes li').count()).toBe(10);
  expect(await accessibilityProblems(page)).toEqual([]);

  await page.getByRole('button', { name: 'Abmelden' }).click();
  await page.waitForURL(`${url}/login`);
  // The next window: the code used for the setup is never accepted again.
  time.advance(30_000);
  await logIn();
  await page.waitForURL(`${url}/login/code`);
  expect(await accessibilityProblems(page)).toEqual([]);
  const code = codeAt(secret, time.clock());
  await page.locator('#f-code').fill(`${code.slice(0, 3)} ${code.slice(3)}`);
  await page.getByRole('button', { name: 'Bestätigen' }).click();
  await page.waitForURL(`${url}/appeals`);
  expect(await page.getByText('Kommunale Integrationszentren sichern').first().isVisible()).toBe(true);
  // The account page (sessions, events) and the operator's page pass axe-core too.
  for (const path of ['/account', '/admin', '/account/two-factor']) {
    await page.goto(`${url}${path}`);
    expect({ path, problems: await accessibilityProblems(page) }).toEqual({ path, problems: [] });
    // Readable at 390 px: wide tables scroll inside their frame, the page itself does not.
    expect({ path, width: await page.evaluate('document.documentElement.scrollWidth') }).toEqual({ path, width: 390 });
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/account${path.replace(/\//g, '-')}.png`, fullPage: true });
  }
  expect(cspViolations).toEqual([]);
});
