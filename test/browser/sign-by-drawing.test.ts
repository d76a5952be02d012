import { expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { loginAs, makeAppeal, makeOrganiser, makeSignatory, submitForm } from '../helpers/factories.ts';
import { pageText } from '../helpers/html.ts';
import { makeMailWorker } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

it('a representative opens the invitation, draws a signature with the mouse and signs; the organiser sees it', async () => {
  const sink = await SmtpSink.start();
  const test = await buildTestApp({ env: { SMTP_URL: sink.url() } });
  const owner = await makeOrganiser(test.db);
  const appeal = makeAppeal(test.db, owner.organiser.id, { body: 'Wir bitten um ein Integrationszentrum.' });
  await makeSignatory(test.db, test.fileStore, appeal, { name: 'Diakonie im Kirchenkreis Kleve e.V.', representativeName: 'Jana Dvořák' });
  const organiser = test.http();
  await loginAs(organiser, { email: owner.organiser.email, password: owner.password });
  await submitForm(organiser, `/appeals/${appeal.slug}/signing`, `/appeals/${appeal.slug}/signing/open`, { deadline: '' });
  const { worker } = makeMailWorker({ db: test.db, clock: () => new Date(), config: test.config });
  await worker.runOnce();
  const link = (sink.received[0]!.parsed.text ?? '').match(/\/s\/[A-Za-z0-9_-]{43}/)![0];

  await test.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = test.app.server.address() as { port: number };
  const browser = await launchChromium();
  // On a phone the drawing pad takes the width of the page (issue 16 item 12).
  const phone = await browser.newPage({ viewport: { width: 390, height: 800 } });
  await phone.goto(`http://127.0.0.1:${port}${link}`);
  await phone.getByLabel('Mit Maus, Stift oder Finger zeichnen').check();
  expect((await phone.getByRole('img', { name: 'Zeichenfläche für Ihre Unterschrift' }).boundingBox())!.width).toBeGreaterThan(300);
  await phone.close();
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}${link}`);
  await page.getByLabel('Mit Maus, Stift oder Finger zeichnen').check();
  const canvas = page.getByRole('img', { name: 'Zeichenfläche für Ihre Unterschrift' });
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + 30, box.y + box.height * 0.7);
  await page.mouse.down();
  for (let step = 1; step <= 20; step += 1) {
    await page.mouse.move(box.x + 30 + step * ((box.width - 60) / 20), box.y + box.height * (0.3 + 0.4 * Math.abs(Math.sin(step / 2))));
  }
  await page.mouse.up();
  await page.getByLabel(/Ich bin berechtigt, für Diakonie im Kirchenkreis Kleve e\.V\. zu unterzeichnen/).check();
  await page.getByRole('button', { name: 'Verbindlich unterzeichnen' }).click();
  await expect.poll(() => page.locator('#bestaetigung').innerText()).toContain('Sie haben unterzeichnet');

  const signature = await page.request.get(`http://127.0.0.1:${port}${link}/signature.png`);
  expect(signature.headers()['content-type']).toBe('image/png');

  const dashboard = await organiser.get(`/appeals/${appeal.slug}/signing`);
  expect(pageText(dashboard.text)).toContain('unterzeichnet');
  expect(pageText(dashboard.text)).toContain('1 von 1 unterzeichnet');
});
