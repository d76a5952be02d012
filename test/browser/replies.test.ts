// The answer pages on a 390 px phone: the inbox of the demo's sent Antrag, recording a postal
// reply, the reply link page of an addressee, and the public page with a published reply. No
// sideways scrolling of the page and nothing for axe-core to find.
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { demoPassword, launchChromium, logInAsDemo } from '../helpers/browser.ts';
import { buildTestApp } from '../helpers/app.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { axeViolations } from '../helpers/axe.ts';
import { DEMO_SENT_SLUG } from '../../server/demo/demo-replies.ts';
import { dispatchRepository } from '../../server/dispatch/dispatch.repository.ts';
import { issueReplyLink } from '../../server/replies/replies.service.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';

const scrollWidth = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);

describe('answer pages on a phone', () => {
  it('inbox, postal reply form, reply link page and public page fit 390 px and pass axe-core', async () => {
    const test = await buildTestApp();
    await seedDemo({ config: test.config, db: test.db, clock: systemClock, fileStore: test.fileStore, demoPassword, sentAppeal: true });
    await test.app.listen({ port: 0, host: '127.0.0.1' });
    const address = test.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const demo = { ...test, url: `http://127.0.0.1:${address.port}` };
    const appeal = demo.db.select().from(appeals).where(eq(appeals.slug, DEMO_SENT_SLUG)).get()!;
    const delivery = dispatchRepository(demo.db).listDeliveries(dispatchRepository(demo.db).findByAppeal(appeal.id)!.id)[1]!.delivery;
    const link = issueReplyLink({ baseUrl: demo.url, deliveryId: delivery.id, now: new Date() });
    link.record(demo.db);
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 390, height: 900 }, bypassCSP: true });
    await logInAsDemo(page, demo.url);
    const paths = [`/appeals/${DEMO_SENT_SLUG}/replies`, `/appeals/${DEMO_SENT_SLUG}/replies/deliveries/${delivery.id}/record`, link.url.slice(demo.url.length), `/a/${DEMO_SENT_SLUG}`];
    for (const path of paths) {
      await page.goto(`${demo.url}${path}`);
      expect({ path, width: await scrollWidth(page) }).toEqual({ path, width: 390 });
      expect({ path, violations: await axeViolations(page) }).toEqual({ path, violations: [] });
    }
    await page.goto(`${demo.url}/a/${DEMO_SENT_SLUG}`);
    expect(await page.locator('#antworten').isVisible()).toBe(true);
  });
});
