// /v/<code> is where people land after scanning the QR code on a letter, mostly on a phone
// (issue 16 item 4): the page fits 390 px without sideways scrolling, hashes wrap, technical
// details sit behind "Details", and axe-core finds nothing.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { issueLetters } from '../../server/letters/letters.service.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { launchChromium, startDemoApp } from '../helpers/browser.ts';
import { axeViolations } from '../helpers/axe.ts';

const scrollWidth = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);

describe('/v/<code> on a phone', () => {
  it('fits 390 px, wraps the hashes and shows the technical details only on request', async () => {
    const demo = await startDemoApp();
    const appeal = demo.db.select().from(appeals).where(eq(appeals.slug, 'kleve-aufruf-integration')).get()!;
    const issued = await issueLetters({ db: demo.db, fileStore: demo.fileStore, clock: systemClock, baseUrl: demo.url, appeal, selection: { personal: 'all' } });
    const code = issued.personal[0]!.code;
    const browser = await launchChromium();
    for (const width of [390, 1280]) {
      const page = await browser.newPage({ viewport: { width, height: 900 }, bypassCSP: true });
      await page.goto(`${demo.url}/v/${code}`);
      if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/verify-${width}.png`, fullPage: true });
      expect(await scrollWidth(page)).toBeLessThanOrEqual(width);
      const details = page.locator('details', { hasText: 'Technische Angaben' });
      await expect.poll(() => details.locator('dd code').first().isVisible()).toBe(false);
      await details.locator('summary').click();
      await expect.poll(() => details.locator('dd code').first().isVisible()).toBe(true);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(width);
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    }
  });
});
