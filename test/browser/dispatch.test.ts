import { expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { makeFinalAppeal, makeOrganiser } from '../helpers/factories.ts';
import { makeMailWorker } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

const shots = process.env.SCREENSHOT_DIR;

it('an organiser checks the sample, sends, and follows the progress page that reloads itself (a switch the user controls, a plain link without script)', async () => {
  const sink = await SmtpSink.start();
  const test = await buildTestApp({ clock: () => new Date(), env: { SMTP_URL: sink.url(), MAIL_FROM: 'Mitzeichnen <versand@buendnis.example>' } });
  const { organiser, password } = await makeOrganiser(test.db, { email: 'andrea@buendnis.example' });
  const { appeal } = await makeFinalAppeal(test, organiser.id, {
    organisations: ['AWO', 'Caritas', 'DGB', 'Diakonie', 'Lebenshilfe'],
    appeal: { coalitionName: 'Bündnis für Integration Kleve', title: 'Kommunale Integrationszentren sichern', contactEmail: 'andrea@buendnis.example' },
    addressees: [
      { salutation: 'Herr', firstName: 'Wolfgang', lastName: 'Gebing', function: 'Bürgermeister', institution: 'Stadt Kleve', email: 'buergermeister@kleve.example' },
      { salutation: 'Frau', firstName: 'Britta', lastName: 'Kellermann', function: 'Bürgermeisterin', institution: 'Stadt Goch', email: 'buergermeisterin@goch.example' },
      { salutation: 'Herr', firstName: 'Kein', lastName: 'Mail', institution: 'Gemeinde Kerken', email: '' },
    ],
  });
  await test.app.listen({ port: 0, host: '127.0.0.1' });
  const address = test.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${address.port}`;
  const { worker } = makeMailWorker({ db: test.db, clock: () => new Date(), config: test.config });
  await worker.runOnce(); // co-signing mails

  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await page.goto(`${url}/login`);
  await page.getByLabel('E-Mail-Adresse').fill(organiser.email);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${url}/appeals`);

  await page.goto(`${url}/appeals/${appeal.slug}`);
  await page.getByRole('link', { name: 'Versand', exact: true }).click();
  await expect.poll(() => page.locator('[data-field="subject"]').innerText()).toContain('Gemeinsamer Aufruf von AWO, Caritas, DGB, Diakonie und 1 weiteren');
  // The HTML part in its sandboxed frame (no script, nothing loaded from outside).
  await expect.poll(() => page.frameLocator('iframe.mail-html').locator('body').innerText(), { timeout: 10_000 }).toContain('Sehr geehrte');
  if (shots) await page.screenshot({ path: `${shots}/dispatch-confirm.png`, fullPage: true });
  if (shots) (await import('node:fs')).writeFileSync(`${shots}/sample.pdf`, await (await page.request.get(`${url}/appeals/${appeal.slug}/dispatch/sample.pdf`)).body());
  if (shots) await page.locator('iframe.mail-html').screenshot({ path: `${shots}/dispatch-sample-html.png` });

  await page.getByRole('button', { name: 'Jetzt versenden' }).click();
  await page.waitForURL(`${url}/appeals/${appeal.slug}/dispatch`);
  // No meta refresh (WCAG 2.2.1): a marker, a plain link, and the switch auto-refresh.js shows, on by default.
  expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
  expect(await page.locator('meta[name="mz-refresh"]').count()).toBe(1);
  expect(await page.getByRole('link', { name: 'Seite aktualisieren' }).isVisible()).toBe(true);
  expect(await page.getByLabel(/Automatisch aktualisieren/).isChecked()).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/dispatch-running.png`, fullPage: true });
  await worker.runOnce();
  // The page reloads itself (auto-refresh.js) and shows the finished dispatch.
  await page.waitForSelector('[data-testid="finished"]', { timeout: 10_000 });
  expect(await page.locator('tr[data-state="sent"]').count()).toBe(2);
  if (shots) await page.screenshot({ path: `${shots}/dispatch-done.png`, fullPage: true });
  // The two letters (each with its PDF); the first signatories' thank-you mails come beside them.
  const letters = sink.received.filter((mail) => !mail.parsed.subject?.startsWith('Verschickt – vielen Dank'));
  expect(letters.filter((mail) => mail.parsed.attachments.length === 1)).toHaveLength(2);
  expect(violations).toEqual([]);
});
