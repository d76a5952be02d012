import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { signatories } from '../../server/signatories/signatories.table.ts';
import { axeViolations } from '../helpers/axe.ts';
import { launchChromium, logInAsDemo, startDemoApp } from '../helpers/browser.ts';

const scrollWidth = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);

describe('the organiser pages of issue 16 (mail texts, notifications, locked forms)', () => {
  it('fit 1280 and 390 px and pass axe-core, with a preview that shows errors at the field', async () => {
    const demo = await startDemoApp();
    const final = demo.db.select().from(appeals).where(eq(appeals.slug, 'kleve-antrag-kiz')).get()!;
    const signatory = demo.db.select().from(signatories).where(eq(signatories.appealId, final.id)).get()!;
    const paths = [
      '/appeals/kleve-aufruf-integration/mail-texts',
      '/appeals/kleve-aufruf-integration/mail-texts/invitation',
      '/appeals/kleve-aufruf-integration/mail-texts/cover',
      '/appeals/kleve-aufruf-integration/mail-texts/reminder/reset',
      '/account',
      `/appeals/kleve-antrag-kiz/signatories/${signatory.id}/edit`,
    ];
    const browser = await launchChromium();
    try {
      for (const width of [1280, 390]) {
        const page = await browser.newPage({ viewport: { width, height: 900 }, bypassCSP: true });
        await logInAsDemo(page, demo.url);
        for (const path of paths) {
          await page.goto(`${demo.url}${path}`);
          expect({ path, width: await scrollWidth(page) }).toEqual({ path, width });
          expect({ path, violations: await axeViolations(page) }).toEqual({ path, violations: [] });
          await page.screenshot({ path: `/tmp/org-shot-${width}-${path.replace(/[^a-z0-9]+/gi, '_')}.png`, fullPage: true });
        }
        // A wrong placeholder: the message at the field, the typed text kept, axe still clean.
        await page.goto(`${demo.url}/appeals/kleve-aufruf-integration/mail-texts/invitation`);
        await page.getByLabel('Text', { exact: false }).first().fill('Hallo {{name}}, bitte hier: {{link}}');
        await page.getByRole('button', { name: 'Speichern' }).click();
        await expect.poll(() => page.locator('.field-error').first().innerText()).toContain('{{name}} kennt Mitzeichnen nicht');
        expect(await page.locator('#f-body').inputValue()).toBe('Hallo {{name}}, bitte hier: {{link}}');
        expect({ width, violations: await axeViolations(page) }).toEqual({ width, violations: [] });
        await page.screenshot({ path: `/tmp/org-shot-${width}-error.png`, fullPage: true });
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 180_000);
});
