// A small installation for the bad-input tests: an organiser (logged in) with an appeal that
// has a first signatory, an address list with one addressee attached to it, and a second
// member; plus every GET page of the route table that answers 200 with these values.
import type { Agent } from 'supertest';
import { buildTestApp } from '../helpers/app.ts';
import { addListToAppeal } from '../../server/addressees/addressees.service.ts';
import { addMember } from '../../server/appeals/appeals.service.ts';
import { loginAs, makeAddressee, makeAppeal, makeList, makeOrganiser, makeSignatory } from '../helpers/factories.ts';
import { parseHtml } from '../helpers/html.ts';
import { openForSigning } from '../../server/signing/signing-organiser.service.ts';
import { openSealedToken } from '../../server/shared/tokens.ts';

export async function guardWorld() {
  const test = await buildTestApp();
  const owner = await makeOrganiser(test.db, { name: 'Andrea Beispiel' });
  const member = await makeOrganiser(test.db, { name: 'Kim Mitglied' });
  const appeal = makeAppeal(test.db, owner.organiser.id);
  const signatory = await makeSignatory(test.db, test.fileStore, appeal);
  const list = makeList(test.db, owner.organiser.id);
  const addressee = makeAddressee(test.db, list);
  addListToAppeal({ db: test.db, organiserId: owner.organiser.id, appeal, listId: list.id, collective: false });
  addMember({ db: test.db, clock: () => new Date(), appeal, input: { email: member.organiser.email, role: 'editor' }, addedBy: 'Test' });
  // A second appeal open for signing: its personal link, as the invitation mail would carry it.
  const signingAppeal = makeAppeal(test.db, owner.organiser.id);
  const invited = await makeSignatory(test.db, test.fileStore, signingAppeal);
  const opened = openForSigning({ db: test.db, clock: () => new Date(), config: test.config, appeal: signingAppeal, actor: 'Test', deadline: '' });
  if (!opened.ok) throw new Error('not opened');
  const row = test.sqlite.prepare("select payload from mail_outbox where payload like '%sealedToken%' order by id desc limit 1").get() as { payload: string };
  const signingToken = openSealedToken((JSON.parse(row.payload) as { sealedToken: string }).sealedToken, test.config.sessionSecret);

  const browser = test.http();
  await loginAs(browser, { email: owner.organiser.email, password: owner.password });

  /** A route URL with its parameters filled in from this installation. */
  const fill = (url: string) =>
    url
      .replace(':slug', appeal.slug)
      .replace(':listId', String(list.id))
      .replace(':appealId', String(appeal.id))
      .replace(':organiserId', String(member.organiser.id))
      .replace(':invitationId', '1')
      .replace(':sessionId', '0'.repeat(16))
      .replace(':token', 'A'.repeat(43))
      .replace(':code', 'ABCD-EFGH')
      .replace(':importId', 'x')
      .replace(':index', '0')
      .replace(':file', 'x.png')
      .replace(':id', String(url.startsWith('/lists/') ? addressee.id : url.includes('/signatories/') ? signatory.signatory.id : 1));

  return { ...test, owner, member, appeal, signatory, list, addressee, browser, fill, signingAppeal, invited, signingToken };
}

export type GuardWorld = Awaited<ReturnType<typeof guardWorld>>;

export type PageForm = { page: string; action: string; fields: Record<string, string>; textFields: string[]; multipart: boolean };

/** Every POST form on every GET page of the route table that opens for the logged-in owner. */
export async function collectForms(world: GuardWorld, browser: Agent = world.browser, only?: string[]): Promise<PageForm[]> {
  const forms: PageForm[] = [];
  const pages = only ?? [...new Set(world.app.routeTable.filter((route) => route.method === 'GET' && !route.url.startsWith('/static')).map((route) => world.fill(route.url)))];
  for (const page of pages) {
    const response = await browser.get(page);
    if (response.status !== 200 || !String(response.headers['content-type']).startsWith('text/html')) continue;
    const $ = parseHtml(response.text);
    $('form[method="post"]').each((_index, element) => {
      const form = $(element);
      const action = form.attr('action') ?? page;
      if (action === '/logout') return;
      const fields: Record<string, string> = {};
      const textFields: string[] = [];
      form.find('input, textarea, select').each((_i, input) => {
        const field = $(input);
        const name = field.attr('name');
        if (!name) return;
        const type = (field.attr('type') ?? (field.is('textarea') ? 'textarea' : field.is('select') ? 'select' : 'text')).toLowerCase();
        if (type === 'checkbox' || type === 'radio') {
          if (field.attr('checked') !== undefined) fields[name] = field.attr('value') ?? 'on';
          return;
        }
        if (type === 'file' || type === 'submit' || type === 'button') return;
        if (type === 'select') fields[name] = field.find('option[selected]').attr('value') ?? field.find('option').first().attr('value') ?? '';
        else fields[name] = type === 'textarea' ? field.text() : (field.attr('value') ?? '');
        if (['text', 'textarea', 'email', 'url', 'tel', 'search', 'date', 'number', 'password'].includes(type)) textFields.push(name);
      });
      forms.push({ page, action, fields, textFields, multipart: form.attr('enctype') === 'multipart/form-data' });
    });
  }
  return forms;
}
