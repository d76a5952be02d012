// The letter text as HTML on the overview, the signing page and the public page: headings follow
// the page's own h1/h2 without a gap (axe-core's heading-order, issue 16 item 12).
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeOrganiser } from '../helpers/factories.ts';
import { pageText } from '../helpers/html.ts';
import { letterPlainText, letterTextWarnings, parseLetterText, renderLetterHtml } from '../../server/appeals/letter-text.ts';

const headings = (markdown: string) => [...renderLetterHtml(parseLetterText(markdown)).matchAll(/<(h\d)[^>]*>([^<]*)</g)].map(([, tag, text]) => `${tag} ${text}`);

describe('letter headings in HTML', () => {
  it('start at h3 whatever Markdown level the text starts with, and never skip a level', () => {
    expect(headings('## Begründung\n\nText.\n\n### Kosten\n\nMehr.')).toEqual(['h3 Begründung', 'h4 Kosten']);
    expect(headings('# Antrag\n\n### Begründung\n\nText.')).toEqual(['h3 Antrag', 'h4 Begründung']);
    expect(headings('# Antrag\n\n## Beschluss\n\n### Kosten')).toEqual(['h3 Antrag', 'h4 Beschluss', 'h5 Kosten']);
  });

  it('escapes what the text contains', () => {
    expect(renderLetterHtml(parseLetterText('## <script>x</script>'))).toContain('&lt;script&gt;');
  });
});

describe('the letter text as it reads (for the comparison of two versions)', () => {
  it('has no Markdown marks: bold, headings, lists and footnotes read as text', () => {
    const text = letterPlainText(parseLetterText('## Begründung\n\nDas ist **wichtig**[^1].\n\n1. Erstens\n2. *Zweitens*\n\n- Punkt\n\n[^1]: Quelle: Kreis Kleve.'));
    expect(text).toBe('Begründung\n\nDas ist wichtig[1].\n\n1. Erstens\n\n2. Zweitens\n\n• Punkt\n\n[1] Quelle: Kreis Kleve.');
    expect(text).not.toMatch(/\*|#|\[\^/);
  });
});

describe('a salutation or closing typed into the text', () => {
  it('is pointed out, since the letter sets both itself (issue 16 item 10)', () => {
    expect(letterTextWarnings('Sehr geehrte Damen und Herren,\n\nwir fordern …')).toEqual(['salutation']);
    expect(letterTextWarnings('Liebe Kolleginnen,\n\nText.')).toEqual(['salutation']);
    expect(letterTextWarnings('Wir fordern …\n\nMit freundlichen Grüßen')).toEqual(['closing']);
    expect(letterTextWarnings('Guten Tag,\n\nText.\n\nBeste Grüße!')).toEqual(['salutation', 'closing']);
    expect(letterTextWarnings('Wir fordern ein Integrationszentrum, das Grüße aus Kleve sendet.')).toEqual([]);
  });

  it('shows on the text page beside the preview', async () => {
    const app = await buildTestApp();
    const { organiser, password } = await makeOrganiser(app.db);
    const appeal = makeAppeal(app.db, organiser.id, { body: 'Sehr geehrter Herr Landrat,\n\nwir fordern ein Integrationszentrum.' });
    const agent = app.http();
    await loginAs(agent, { email: organiser.email, password });
    expect(pageText((await agent.get(`/appeals/${appeal.slug}/edit`).expect(200)).text)).toContain('Der Text beginnt mit einer Anrede.');
  });
});
