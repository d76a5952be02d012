// The letter text's HTML is remembered by its source (issue 18: markdown-it ran on every view of
// an overview or signing page); an edited text shows at once.
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeOrganiser } from '../helpers/factories.ts';
import { letterHtml, parseLetterText, renderLetterHtml } from '../../server/appeals/letter-text.ts';
import { appealsRepository } from '../../server/appeals/appeals.repository.ts';

describe('the letter text as HTML, remembered', () => {
  it('is the HTML of the text, per id prefix', () => {
    const source = '## Begründung\n\nDas ist **wichtig**[^1].\n\n[^1]: Quelle.';
    expect(letterHtml(source, 'preview-')).toBe(renderLetterHtml(parseLetterText(source), 'preview-'));
    expect(letterHtml(source)).toBe(renderLetterHtml(parseLetterText(source)));
    expect(letterHtml(source)).not.toBe(letterHtml(source, 'preview-'));
  });

  it('shows an edited text on the next view of the overview', async () => {
    const app = await buildTestApp();
    const { organiser, password } = await makeOrganiser(app.db);
    const appeal = makeAppeal(app.db, organiser.id, { body: 'Der **erste** Text.' });
    const agent = app.http();
    await loginAs(agent, { email: organiser.email, password });
    expect((await agent.get(`/appeals/${appeal.slug}`).expect(200)).text).toContain('Der <strong>erste</strong> Text.');
    appealsRepository(app.db).update(appeal.id, { body: 'Der **zweite** Text.' });
    const page = (await agent.get(`/appeals/${appeal.slug}`).expect(200)).text;
    expect(page).toContain('Der <strong>zweite</strong> Text.');
    expect(page).not.toContain('erste');
  });
});
