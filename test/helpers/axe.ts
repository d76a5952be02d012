// axe-core in a Playwright page (the page must be opened with `bypassCSP: true`: the app's
// CSP forbids the inline script that injects axe). @axe-core/playwright needs Node 22.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export type AxeViolation = { id: string; help: string; nodes: { target: string[] }[] };

/** The WCAG 2.x A/AA violations axe-core finds on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: axePath });
  // Runs in the browser; the test's TypeScript knows no DOM, hence the narrow cast.
  return page.evaluate(async () => {
    const browser = globalThis as unknown as { document: unknown; axe: { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> } };
    const result = await browser.axe.run(browser.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map(({ id, help, nodes }) => ({ id, help, nodes: nodes.map(({ target }) => ({ target })) }));
  });
}
