// Bad input in form fields: a 100 kB value in every field of every form, and control or bidi
// characters in names.
import { describe, expect, it } from 'vitest';
import { appealsRepository } from '../../server/appeals/appeals.repository.ts';
import { readForm } from '../../server/shared/form.ts';
import { appealFormFields } from '../helpers/factories.ts';
import { fieldError, parseHtml } from '../helpers/html.ts';
import { collectForms, guardWorld } from './guard-world.ts';

const HUGE = 'x'.repeat(100 * 1024);

describe('a 100 kB value in every form field', () => {
  it('is refused with a German message at the field or 413, never 500 and never stored', { timeout: 120_000 }, async () => {
    const world = await guardWorld();
    // The organiser's pages, and the public ones as a visitor sees them (signing page, login).
    const visitor = world.http();
    const forms = [
      ...(await collectForms(world)).map((form) => ({ ...form, browser: world.browser })),
      ...(await collectForms(world, visitor, [`/s/${world.signingToken}`, '/login', '/v'])).map((form) => ({ ...form, browser: visitor })),
    ];
    expect(forms.length).toBeGreaterThan(15);
    const outcomes: string[] = [];
    let tried = 0;
    for (const form of forms) {
      for (const field of form.textFields) {
        if (field === '_csrf') continue;
        tried += 1;
        // A fresh CSRF token each time: the form page is read again.
        const page = await form.browser.get(form.page);
        const csrf = parseHtml(page.text)('input[name="_csrf"]').first().attr('value') ?? '';
        const body = { ...form.fields, _csrf: csrf, [field]: HUGE };
        let request = form.browser.post(form.action);
        if (form.multipart) for (const [name, value] of Object.entries(body)) request = request.field(name, value);
        else request = request.type('form').send(body);
        const response = await request;
        // The login form names its one problem at the e-mail field, whichever field it was.
        const messageField = form.action === '/login' ? 'email' : field;
        const message = response.status === 422 ? fieldError(response.text, messageField) : undefined;
        const ok = response.status === 413 || (response.status === 422 && message !== undefined);
        if (!ok) outcomes.push(`${form.action} ${field}: ${response.status}${response.status === 422 ? ' without a message at the field' : ''}`);
      }
    }
    expect(tried).toBeGreaterThan(40);
    expect(outcomes).toEqual([]);
    // Nothing stored: no value of that size anywhere in the database.
    expect(appealsRepository(world.db).findById(world.appeal.id)?.title).toBe(world.appeal.title);
    const tables = world.sqlite.prepare("select name from sqlite_master where type = 'table' and name not like '%sqlite%' and name not like '__drizzle%'").all() as { name: string }[];
    for (const { name } of tables) {
      const columns = world.sqlite.prepare(`select name from pragma_table_info('${name}')`).all() as { name: string }[];
      const longest = world.sqlite.prepare(`select coalesce(max(max(${columns.map((column) => `case when typeof("${column.name}") = 'text' then length("${column.name}") else 0 end`).join(', ')}, 0)), 0) as n from "${name}"`).get() as { n: number };
      expect(longest.n, name).toBeLessThan(50_000);
    }
  });
});

describe('control and bidi characters in names', () => {
  // NUL, bell, a right-to-left override, an isolate, a right-to-left mark, a C1 control.
  const hostile = (name: string) => `\u0000${name.slice(0, 3)}\u0007\u202E${name.slice(3)}\u2066\u200F\u0085\u2069`;

  it('are removed from an appeal title, organisation and representative names and addressee names', async () => {
    const world = await guardWorld();
    const { browser, sqlite } = world;

    const appealPage = await browser.get('/appeals/new');
    const csrf = parseHtml(appealPage.text)('input[name="_csrf"]').first().attr('value')!;
    const created = await browser.post('/appeals').type('form').send({ ...appealFormFields({ title: hostile('Aufruf zur Integration') }), _csrf: csrf });
    expect(created.status).toBe(303);
    const title = (sqlite.prepare('select title from appeals order by id desc limit 1').get() as { title: string }).title;
    expect(title).toBe('Aufruf zur Integration');

    const signatoryPage = await browser.get(`/appeals/${world.appeal.slug}/signatories/new`);
    const signatoryCsrf = parseHtml(signatoryPage.text)('input[name="_csrf"]').first().attr('value')!;
    const fields = {
      _csrf: signatoryCsrf,
      organisationName: hostile('Diakonie Kleve e.V.'),
      shortName: 'Diakonie',
      representativeName: hostile('Rainer Janssen'),
      representativeFunction: 'Vorstand',
      representativeEmail: 'rainer@diakonie.example',
    };
    let request = browser.post(`/appeals/${world.appeal.slug}/signatories`);
    for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
    expect((await request).status).toBe(303);
    const organisation = sqlite.prepare("select name from organisations where short_name = 'Diakonie'").get() as { name: string };
    expect(organisation.name).toBe('Diakonie Kleve e.V.');
    const representative = sqlite.prepare("select representative_name as name from signatories order by id desc limit 1").get() as { name: string };
    expect(representative.name).toBe('Rainer Janssen');

    const addresseePage = await browser.get(`/lists/${world.list.id}/addressees/new`);
    const addresseeCsrf = parseHtml(addresseePage.text)('input[name="_csrf"]').first().attr('value')!;
    const added = await browser.post(`/lists/${world.list.id}/addressees`).type('form').send({
      _csrf: addresseeCsrf,
      salutation: 'Frau',
      firstName: hostile('Małgorzata'),
      lastName: hostile('Kowalska'),
      institution: 'Stadt Kleve',
      email: 'kowalska@kleve.example',
    });
    expect(added.status).toBe(303);
    const addressee = sqlite.prepare('select first_name as first, last_name as last from addressees order by id desc limit 1').get() as { first: string; last: string };
    expect(addressee).toEqual({ first: 'Małgorzata', last: 'Kowalska' });
  });

  it('are removed by the form readers, keeping line breaks in multi-line text', () => {
    const form = readForm({ name: 'A\u0000n\u202Ena\u2066\u0008', text: 'Zeile 1\r\n\u0000Zeile\u2029\u200E2\t!' });
    expect(form.line('name')).toBe('Anna');
    expect(form.text('text')).toBe('Zeile 1\nZeile\n2\t!');
  });
});
