import { describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { createTemplates } from '../../server/shared/templates.ts';
import { createMailRenderer } from '../../server/mail/mail.templates.ts';
import { testConfig } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/db.ts';

describe('templates', () => {
  it('compiles each page and e-mail template once, however often it is rendered', async () => {
    const templates = createTemplates();
    let compiled = 0;
    const compile = templates.compile.bind(templates);
    templates.compile = ((...args: Parameters<typeof compile>) => {
      compiled += 1;
      return compile(...args);
    }) as typeof templates.compile;
    const connection = createTestDatabase();
    const app = await buildApp({ config: testConfig(), db: connection.db, templates, logger: false });
    try {
      expect((await app.inject('/login')).statusCode).toBe(200);
      const afterFirstPage = compiled;
      expect(afterFirstPage).toBeGreaterThan(0);
      for (let i = 0; i < 3; i += 1) expect((await app.inject('/login')).statusCode).toBe(200);
      expect(compiled).toBe(afterFirstPage);

      const render = createMailRenderer(templates);
      const data = { subject: 'S', recipientName: 'R', addedBy: 'A', appealTitle: 'T', coalitionName: 'B', kindLabel: 'Aufruf', roleLabel: 'Lesen', roleHelp: 'liest', link: 'http://mitzeichnen.test/appeals/x', footer: '' };
      await render('appeals/member-added', data);
      const afterFirstMail = compiled;
      expect(afterFirstMail).toBeGreaterThan(afterFirstPage);
      await render('appeals/member-added', data);
      expect(compiled).toBe(afterFirstMail);
    } finally {
      await app.close();
      connection.close();
    }
  });
});
