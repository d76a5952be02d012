// Issue 16 "Done when": the organiser's whole way, as a newcomer walks it in Chromium – the
// first account, an appeal, its text, four organisations, signing through the /s/ links (typed
// without JavaScript, drawn with it, an uploaded image, and one declines), finalising, an address
// list imported (deleting asks first: confirm page, cancel) and attached, the letters (also while
// they are worked on), a test mail, sending (also the progress), the dispatch log, /v/ of a sent
// letter, the replies inbox and the public page. Every page type passes axe-core at 1280 px and at 390 px, and at 390 px the
// page never scrolls sideways. Screenshots of both widths land in SCREENSHOT_DIR when set.
import { createServer } from 'node:net';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sessions } from '../../server/organisers/organisers.table.ts';
import { buildTestApp } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { axeViolations } from '../helpers/axe.ts';
import { makeMailWorker } from '../helpers/mail.ts';
import { poppler } from '../helpers/pdf.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

const shots = process.env.SCREENSHOT_DIR;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
const scrollWidth = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { document: { scrollingElement: { scrollWidth: number } } }).document.scrollingElement.scrollWidth);

it('a newcomer goes from an empty install to letters sent and answered, on desktop and on a phone', { timeout: 240_000 }, async () => {
  const sink = await SmtpSink.start();
  // The app knows its own address (BASE_URL): links in mails and the same-origin checks use it.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const test = await buildTestApp({ clock: () => new Date(), env: { BASE_URL: base, SMTP_URL: sink.url(), MAIL_FROM: 'Mitzeichnen <versand@buendnis.example>' } });
  await test.app.listen({ port, host: '127.0.0.1' });
  const { worker } = makeMailWorker({ db: test.db, clock: () => new Date(), config: test.config });
  const linkIn = (to: string, pattern: RegExp) => {
    const mail = [...sink.received].reverse().find((message) => message.envelope.to.includes(to));
    return (mail?.parsed.text ?? '').match(pattern)?.[0];
  };

  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  const findings: string[] = [];
  const seen = new Set<string>();
  /** axe-core at 1280 px and at 390 px, and no sideways scrolling at 390 px, once per page type. */
  async function check(target: Page, type: string) {
    if (seen.has(type)) return;
    seen.add(type);
    const wide = await axeViolations(target);
    if (wide.length > 0) findings.push(`${type} @1280: ${wide.map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`).join('; ')}`);
    if (shots) await target.screenshot({ path: `${shots}/${type}-1280.png`, fullPage: true });
    await target.setViewportSize({ width: 390, height: 844 });
    const width = await scrollWidth(target);
    if (width > 390) findings.push(`${type} @390: scrollWidth ${width}`);
    const narrow = await axeViolations(target);
    if (narrow.length > 0) findings.push(`${type} @390: ${narrow.map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`).join('; ')}`);
    if (shots) await target.screenshot({ path: `${shots}/${type}-390.png`, fullPage: true });
    await target.setViewportSize({ width: 1280, height: 900 });
  }
  /** Opens a page; a page that reloads itself (auto-refresh.js) may abort the first try. */
  const visit = async (path: string) => {
    await page.goto(`${base}${path}`).catch(async () => page.goto(`${base}${path}`));
  };
  /**
   * Pages that wait for background work carry a marker (no meta refresh: the user could not
   * stop it); auto-refresh.js reloads them while its switch is on. When the walk catches such a
   * page it switches the reload off, as a user may (remembered for the tab), checks the page
   * as it is, and reloads by hand until the work is done.
   */
  const waiting = () => page.locator('meta[name="mz-refresh"]').count().then((count) => count > 0);
  const checkWaiting = async (type: string) => {
    if (!(await waiting())) return;
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    await page.getByLabel(/Automatisch aktualisieren/).uncheck();
    await check(page, type);
  };
  const settled = async () => {
    for (let attempt = 0; attempt < 100 && (await waiting()); attempt += 1) {
      await page.waitForTimeout(300);
      await page.reload().catch(() => undefined);
    }
  };
  /** Sends the form with that action by its first button and waits for the answer page. */
  const submit = async (form: string) => {
    await Promise.all([page.waitForNavigation(), page.locator(`form[action="${form}"] button[type="submit"]`).first().click()]);
  };

  // The first account.
  await visit(`/`);
  await page.waitForURL(`${base}/setup`);
  await check(page, 'setup');
  await page.fill('[name="name"]', 'Andrea Beispiel');
  await page.fill('[name="email"]', 'andrea@buendnis.example');
  await page.fill('[name="password"]', 'Kreisverband-Kleve-2026!');
  await page.fill('[name="passwordRepeat"]', 'Kreisverband-Kleve-2026!');
  await submit('/setup');
  await page.waitForURL(`${base}/appeals`);
  await check(page, 'appeals-empty');

  // An appeal and its text.
  await visit(`/appeals/new`);
  await check(page, 'appeal-new');
  await page.fill('[name="coalitionName"]', 'Bündnis für Integration Kleve');
  await page.fill('[name="title"]', 'Kommunale Integrationszentren sichern');
  await page.fill('[name="contactName"]', 'Andrea Beispiel');
  await page.fill('[name="contactEmail"]', 'andrea@buendnis.example');
  await page.fill('[name="body"]', 'Wir bitten Sie, die **Integrationszentren** zu sichern.\n\n## Begründung\n\nSie helfen täglich.');
  await submit('/appeals');
  await page.waitForURL(/\/appeals\/[a-z0-9-]+$/);
  const appealPath = new URL(page.url()).pathname;
  const slug = appealPath.split('/').pop()!;
  await check(page, 'appeal-overview');
  // Deleting the draft asks first; "Abbrechen" goes back to it.
  await Promise.all([page.waitForNavigation(), page.locator(`a[href="${appealPath}/delete"]`).click()]);
  await check(page, 'appeal-delete-confirm');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Abbrechen' }).click()]);
  expect(new URL(page.url()).pathname).toBe(appealPath);
  await visit(`${appealPath}/edit`);
  await check(page, 'appeal-edit');
  // The session runs out while the text is being written: after logging in again the text is
  // back in the form, not saved; the organiser saves it.
  const typed = 'Wir bitten Sie, die **Integrationszentren** im Kreis Kleve zu sichern.\n\n## Begründung\n\nSie helfen täglich.';
  await page.fill('[name="body"]', typed);
  test.db.delete(sessions).run();
  await submit(appealPath);
  expect(new URL(page.url()).pathname).toBe('/login');
  await check(page, 'login');
  await page.fill('[name="email"]', 'andrea@buendnis.example');
  await page.fill('[name="password"]', 'Kreisverband-Kleve-2026!');
  await submit('/login');
  expect(new URL(page.url()).pathname).toBe(`${appealPath}/edit`);
  expect(await page.locator('[name="body"]').inputValue()).toBe(typed);
  await submit(appealPath);
  expect(new URL(page.url()).pathname).toBe(`${appealPath}/edit`);
  expect(await page.locator('[name="body"]').inputValue()).toBe(typed);

  // Four organisations.
  for (const [name, person, email] of [
    ['AWO Kreisverband Kleve e.V.', 'Erika Muster', 'erika@awo.example'],
    ['Diakonie im Kirchenkreis Kleve e.V.', 'Jana Dvořák', 'jana@diakonie.example'],
    ['Caritasverband Kleve e.V.', 'Paul Sommer', 'paul@caritas.example'],
    ['DGB Kreisverband Kleve', 'Mehmet Yılmaz', 'mehmet@dgb.example'],
  ] as const) {
    await visit(`${appealPath}/signatories/new`);
    await check(page, 'organisation-form');
    await page.fill('[name="organisationName"]', name);
    await page.fill('[name="representativeName"]', person);
    await page.fill('[name="representativeEmail"]', email);
    await submit(`${appealPath}/signatories`);
    await page.waitForLoadState('load');
  }
  await visit(`${appealPath}/signatories`);
  await check(page, 'organisations');

  // Open for signing: the invitations go out.
  await visit(`${appealPath}/signing`);
  await check(page, 'signing-dashboard');
  await submit(`${appealPath}/signing/open`);
  await page.waitForURL(`${base}${appealPath}/signing`);
  await check(page, 'signing-dashboard-open');
  await worker.runOnce();
  const awoLink = linkIn('erika@awo.example', /\/s\/[A-Za-z0-9_-]{43}/)!;
  const diakonieLink = linkIn('jana@diakonie.example', /\/s\/[A-Za-z0-9_-]{43}/)!;
  const caritasLink = linkIn('paul@caritas.example', /\/s\/[A-Za-z0-9_-]{43}/)!;
  const dgbLink = linkIn('mehmet@dgb.example', /\/s\/[A-Za-z0-9_-]{43}/)!;
  expect(awoLink && diakonieLink && caritasLink && dgbLink).toBeTruthy();

  // AWO signs with the typed name, without JavaScript: "zeichnen" is not offered there.
  const plain = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false, bypassCSP: true });
  const noScript = await plain.newPage();
  await noScript.goto(`${base}${awoLink}`);
  expect(await noScript.getByLabel('Mit Maus, Stift oder Finger zeichnen').isVisible()).toBe(false);
  await noScript.getByLabel(/Ich bin berechtigt, für AWO Kreisverband Kleve e\.V\. zu unterzeichnen/).check();
  await noScript.getByRole('button', { name: 'Verbindlich unterzeichnen' }).click();
  await expect.poll(() => noScript.locator('main').innerText()).toContain('Sie haben unterzeichnet');

  // The text changes while signing runs: the page says what follows and asks first; AWO is
  // asked to confirm the new version and sees the rendered comparison, its answers kept.
  await visit(`${appealPath}/edit`);
  await page.fill('[name="body"]', 'Wir bitten Sie, die **Integrationszentren** im Kreis Kleve dauerhaft zu sichern.\n\n## Begründung\n\nSie helfen täglich.');
  await submit(appealPath);
  await check(page, 'text-change-question');
  await Promise.all([page.waitForNavigation(), page.locator('button[name="confirmTextChange"]').click()]);
  await worker.runOnce();
  const awoAgain = linkIn('erika@awo.example', /\/s\/[A-Za-z0-9_-]{43}/)!;
  // axe-core needs script: the same page once more in a page that runs it.
  const look = await context.newPage();
  await look.goto(`${base}${awoAgain}`);
  await check(look, 'signing-link-reconfirm');
  await look.close();
  await noScript.goto(`${base}${awoAgain}`);
  expect(await noScript.locator('main').innerText()).not.toContain('**');
  await noScript.getByLabel(/Ich bin berechtigt, für AWO Kreisverband Kleve e\.V\. zu unterzeichnen/).check();
  await noScript.getByRole('button', { name: 'Verbindlich unterzeichnen' }).click();
  await expect.poll(() => noScript.locator('main').innerText()).toContain('Sie haben unterzeichnet');
  await plain.close();

  // Diakonie draws the signature (with JavaScript).
  const signer = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const drawing = await signer.newPage();
  await drawing.goto(`${base}${diakonieLink}`);
  await check(drawing, 'signing-link');
  await drawing.getByLabel('Mit Maus, Stift oder Finger zeichnen').check();
  const box = (await drawing.getByRole('img', { name: 'Zeichenfläche für Ihre Unterschrift' }).boundingBox())!;
  await drawing.mouse.move(box.x + 30, box.y + box.height * 0.7);
  await drawing.mouse.down();
  for (let step = 1; step <= 12; step += 1) await drawing.mouse.move(box.x + 30 + step * ((box.width - 60) / 12), box.y + box.height * (0.3 + 0.4 * Math.abs(Math.sin(step / 2))));
  await drawing.mouse.up();
  await drawing.getByLabel(/Ich bin berechtigt, für Diakonie im Kirchenkreis Kleve e\.V\. zu unterzeichnen/).check();
  await drawing.getByRole('button', { name: 'Verbindlich unterzeichnen' }).click();
  await expect.poll(() => drawing.locator('main').innerText()).toContain('Sie haben unterzeichnet');
  await check(drawing, 'signing-link-signed');

  // Caritas uploads a picture of its signature (a PNG as a scanner would give it).
  const scan = await sharp(Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200"><rect width="600" height="200" fill="#fff"/>' +
      '<path d="M30 150 C 90 20, 150 190, 210 90 S 330 40, 390 130 S 520 60, 570 100" fill="none" stroke="#123" stroke-width="7"/></svg>',
  )).png().toBuffer();
  const uploading = await signer.newPage();
  await uploading.goto(`${base}${caritasLink}`);
  await uploading.getByRole('radio', { name: 'Als Bild hochladen' }).check();
  await uploading.setInputFiles('[name="signatureImage"]', { name: 'unterschrift.png', mimeType: 'image/png', buffer: scan });
  await uploading.getByLabel(/Ich bin berechtigt, für Caritasverband Kleve e\.V\. zu unterzeichnen/).check();
  await check(uploading, 'signing-link-image');
  await uploading.getByRole('button', { name: 'Verbindlich unterzeichnen' }).click();
  await expect.poll(() => uploading.locator('main').innerText()).toContain('Sie haben unterzeichnet');
  await check(uploading, 'signing-link-signed-image');

  // The DGB declines, with a reason.
  const declining = await signer.newPage();
  await declining.goto(`${base}${dgbLink}`);
  await declining.getByLabel(/Grund/).fill('Der Vorstand hat sich anders entschieden.');
  await check(declining, 'signing-link-decline');
  await declining.getByRole('button', { name: 'Ablehnen', exact: true }).click();
  await expect.poll(() => declining.locator('main').innerText()).toContain('Sie haben abgelehnt.');
  await check(declining, 'signing-link-declined');
  await signer.close();

  // The dashboard shows each answer: three signed, the DGB declined with its reason.
  await visit(`${appealPath}/signing`);
  await check(page, 'signing-dashboard-answers');
  const dgbRow = page.locator('tr', { hasText: 'DGB Kreisverband Kleve' });
  expect(await dgbRow.innerText()).toContain('abgelehnt');
  expect(await dgbRow.innerText()).toContain('Der Vorstand hat sich anders entschieden.');
  expect(await page.locator('tr', { hasText: 'Caritasverband Kleve e.V.' }).innerText()).toContain('unterzeichnet');
  // The draft letter names the DGB as "abgelehnt", so that no organisation disappears silently.
  const draft = await page.request.get(`${base}${appealPath}/letters/master.pdf`);
  expect(draft.headers()['content-type']).toBe('application/pdf');
  const draftText = poppler('pdftotext', await draft.body()).replace(/\s+/g, ' ');
  // (The signature block is set in columns, so the text comes out column by column: one
  // "abgelehnt", for the one organisation that declined.)
  expect(draftText).toContain('Mehmet Yılmaz DGB Kreisverband Kleve');
  expect(draftText.match(/abgelehnt/g)).toHaveLength(1);

  // Finalise.
  await visit(`${appealPath}/finalise`);
  await check(page, 'finalise');
  await submit(`${appealPath}/finalise`);
  await page.waitForURL((url) => url.pathname !== `${appealPath}/finalise`);

  // An address list, imported from a file, attached to the appeal.
  await visit(`/lists/new`);
  await check(page, 'list-new');
  await page.fill('[name="name"]', 'Bürgermeister:innen im Kreis Kleve');
  await submit('/lists');
  await page.waitForURL(/\/lists\/\d+$/);
  const listPath = new URL(page.url()).pathname;
  await visit(`${listPath}/import`);
  await check(page, 'list-import');
  await page.setInputFiles('[name="file"]', {
    name: 'buergermeister.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      'Anrede;Vorname;Nachname;Funktion;Institution;Straße;PLZ;Ort;E-Mail\r\n' +
        'Herr;Wolfgang;Gebing;Bürgermeister;Stadt Kleve;Kavarinerstraße 20-22;47533;Kleve;buergermeister@kleve.example\r\n' +
        'Frau;Britta;Kellermann;Bürgermeisterin;Stadt Goch;Markt 2;47574;Goch;buergermeisterin@goch.example\r\n',
      'utf8',
    ),
  });
  await submit(`${listPath}/import`);
  await page.waitForSelector('form.import-confirm');
  await check(page, 'list-import-preview');
  await page.locator('form.import-confirm button[type="submit"]').click();
  await page.waitForURL(`${base}${listPath}`);
  await check(page, 'list');
  // Deleting asks first, on a page of its own; "Abbrechen" leaves everything as it was.
  await Promise.all([page.waitForNavigation(), page.locator(`a.link-danger[href^="${listPath}/addressees/"]`).first().click()]);
  expect(new URL(page.url()).pathname).toMatch(/\/addressees\/\d+\/delete$/);
  await check(page, 'addressee-delete-confirm');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Abbrechen' }).click()]);
  expect(new URL(page.url()).pathname).toBe(listPath);
  expect(await page.locator('main').innerText()).toContain('Gebing');
  expect(await page.locator('main').innerText()).toContain('Kellermann');
  await Promise.all([page.waitForNavigation(), page.locator(`a.link-danger[href="${listPath}/delete"]`).click()]);
  await check(page, 'list-delete-confirm');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Abbrechen' }).click()]);
  expect(new URL(page.url()).pathname).toBe(listPath);
  await visit(`/lists`);
  await check(page, 'lists');
  await visit(`${appealPath}/addressees`);
  await check(page, 'appeal-addressees');
  await submit(`${appealPath}/addressees`);
  await page.waitForLoadState('load');

  // The letters, a test mail, sending.
  await visit(`${appealPath}/letters`);
  await checkWaiting('letters-checking');
  await settled();
  await check(page, 'letters');
  await visit(`${appealPath}/dispatch`);
  await checkWaiting('dispatch-sample-waiting');
  await settled();
  await check(page, 'dispatch-confirm');
  await submit(`${appealPath}/dispatch/test`);
  await page.waitForLoadState('load');
  await worker.runOnce();
  expect(sink.received.some((mail) => mail.envelope.to.includes('andrea@buendnis.example') && (mail.parsed.subject ?? '').startsWith('[Test]'))).toBe(true);
  await visit(`${appealPath}/dispatch`);
  await submit(`${appealPath}/dispatch`);
  await page.waitForURL(`${base}${appealPath}/dispatch`);
  // The progress while sending: the switch is still off (remembered); switched on, the page
  // reloads itself until the dispatch is finished.
  if (await waiting()) {
    expect(await page.getByLabel(/Automatisch aktualisieren/).isChecked()).toBe(false);
    await check(page, 'dispatch-progress');
    await page.getByLabel(/Automatisch aktualisieren/).check();
  } else {
    findings.push('dispatch-progress: the page did not wait for the queued letters');
  }
  await worker.runOnce();
  await page.waitForSelector('[data-testid="finished"]', { timeout: 15_000 });
  await check(page, 'dispatch-log');

  // /v/ of a sent letter, the replies inbox, the public page.
  const letter = sink.received.find((mail) => mail.envelope.to.includes('buergermeister@kleve.example'))!;
  const verify = (letter.parsed.text ?? '').match(/\/v\/[A-Za-z0-9_-]+/)?.[0];
  if (verify) {
    await visit(`${verify}`);
    await check(page, 'verify');
  } else {
    findings.push('verify: no /v/ link in the letter mail');
  }
  await visit(`${appealPath}/replies`);
  await check(page, 'replies');
  await visit(`${appealPath}`);
  await check(page, 'appeal-overview-sent');
  await visit(`/a/${slug}`);
  await check(page, 'public-page');
  await visit(`/admin`);
  await check(page, 'admin');
  await visit(`/account`);
  await check(page, 'account');
  await visit(`${appealPath}/mail-texts`);
  await check(page, 'mail-texts');

  expect(findings).toEqual([]);
});
