import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { DEMO_SENT_SLUG } from '../../server/demo/demo-replies.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs } from '../helpers/factories.ts';
import { pageText, parseHtml } from '../helpers/html.ts';

describe('the demo: a sent Antrag with answers', () => {
  it('was sent; the Landrat’s office answered (published), one letter bounced, one auto-reply, the rest outstanding', async () => {
    const test = await buildTestApp();
    await seedDemo({ config: test.config, db: test.db, clock: () => new Date(fixedNow), fileStore: test.fileStore, demoPassword: 'demo-passwort-geheim', sentAppeal: true });
    const appeal = test.db.select().from(appeals).where(eq(appeals.slug, DEMO_SENT_SLUG)).get()!;
    expect(appeal.state).toBe('sent');
    const agent = test.http();
    await loginAs(agent, { email: 'demo@example.org', password: 'demo-passwort-geheim' });
    const inbox = await agent.get(`/appeals/${DEMO_SENT_SLUG}/replies`).expect(200);
    const $ = parseHtml(inbox.text);
    expect($('[data-testid="answer-rate"]').text()).toBe('1 von 17 haben geantwortet');
    const deliveryTexts = $('[data-testid="delivery"]').map((_, cell) => $(cell).text()).get();
    expect(deliveryTexts.filter((text) => text.startsWith('unzustellbar: 5.7.1'))).toHaveLength(1);
    expect(deliveryTexts.filter((text) => text.includes('automatische Antwort notiert'))).toHaveLength(1);
    expect($('tr[data-answer="pending"]')).toHaveLength(16);
    const publicPage = pageText((await test.http().get(`/a/${DEMO_SENT_SLUG}`).expect(200)).text);
    expect(publicPage).toContain('Antwort von Büro des Landrats, Kreis Kleve');
    expect(publicPage).toContain('1 von 17 Angeschriebenen haben geantwortet.');
    // Seeding sends 17 letters through the worker pool: slow on a busy machine.
  }, 180_000);
});
