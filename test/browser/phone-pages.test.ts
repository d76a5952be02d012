// Organiser pages on a 390 px phone (issue 16 item 12): no sideways scrolling of the page (wide
// tables scroll in their own box) and nothing for axe-core to find.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, logInAsDemo, startDemoApp } from '../helpers/browser.ts';
import { axeViolations } from '../helpers/axe.ts';

const scrollWidth = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);

describe('organiser pages on a phone', () => {
  it('the address list, the appeal overview and the lists index fit 390 px and pass axe-core', async () => {
    const demo = await startDemoApp();
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 390, height: 900 }, bypassCSP: true });
    await logInAsDemo(page, demo.url);
    await page.goto(`${demo.url}/lists`);
    const hrefs = await page.locator('a[href^="/lists/"]').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    const list = hrefs.find((href) => /^\/lists\/\d+$/.test(href))!;
    for (const path of ['/lists', list, '/appeals/kleve-aufruf-integration']) {
      await page.goto(`${demo.url}${path}`);
      expect({ path, width: await scrollWidth(page) }).toEqual({ path, width: 390 });
      expect({ path, violations: await axeViolations(page) }).toEqual({ path, violations: [] });
    }
  });
});
