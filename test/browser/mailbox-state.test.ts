// The mailbox's state on the outbox page and on /admin, on a 390 px phone: readable, no sideways
// scrolling, nothing for axe-core to find – with the mailbox unreachable and once it is read.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { mailboxRepository } from '../../server/mailbox/mailbox.repository.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { buildTestApp } from '../helpers/app.ts';
import { axeViolations } from '../helpers/axe.ts';
import { demoPassword, launchChromium, logInAsDemo } from '../helpers/browser.ts';

const scrollWidth = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);

describe('the mailbox state on a phone', () => {
  it('the outbox page and /admin show it, fit 390 px, and the outbox page passes axe-core', async () => {
    const test = await buildTestApp({ env: { IMAP_URL: 'imaps://buendnis%40kreis-kleve.example:geheim@imap.kreis-kleve.example/INBOX' } });
    await seedDemo({ config: test.config, db: test.db, clock: systemClock, fileStore: test.fileStore, demoPassword });
    await test.app.listen({ port: 0, host: '127.0.0.1' });
    const address = test.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const url = `http://127.0.0.1:${address.port}`;
    const repository = mailboxRepository(test.db);
    repository.recordRead(new Date('2026-11-23T11:04:00Z'));
    repository.recordProblem('Anmeldung abgelehnt', new Date('2026-11-23T11:10:00Z'), new Date('2026-11-23T11:11:00Z'));

    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 390, height: 900 }, bypassCSP: true });
    await logInAsDemo(page, url);
    for (const path of ['/appeals/kleve-antrag-kiz/mail/outbox', '/admin']) {
      await page.goto(`${url}${path}`);
      const state = page.locator('[data-mailbox-state]');
      await expect(state.getAttribute('data-mailbox-state')).resolves.toBe('problem');
      expect(await state.innerText()).toContain('Postfach nicht erreichbar: Anmeldung abgelehnt – seit 23.11.2026, 12:10');
      expect({ path, width: await scrollWidth(page) }).toEqual({ path, width: 390 });
      // /admin has a finding of its own (its organisers table's scroll box takes no focus), not of this section.
      const violations = (await axeViolations(page)).filter((violation) => path !== '/admin' || violation.nodes.some((node) => node.target.some((target) => target.includes('mailbox'))));
      expect({ path, violations }).toEqual({ path, violations: [] });
    }
    if (process.env.MAILBOX_SHOTS) await page.screenshot({ path: `${process.env.MAILBOX_SHOTS}-admin.png`, fullPage: true });

    repository.recordRead(new Date('2026-11-23T11:14:00Z'));
    await page.goto(`${url}/appeals/kleve-antrag-kiz/mail/outbox`);
    expect(await page.locator('[data-mailbox-state="ok"]').innerText()).toContain('Postfach: zuletzt gelesen 23.11.2026, 12:14');
    expect({ violations: await axeViolations(page) }).toEqual({ violations: [] });
    if (process.env.MAILBOX_SHOTS) await page.screenshot({ path: `${process.env.MAILBOX_SHOTS}-outbox.png`, fullPage: true });
  });
});
