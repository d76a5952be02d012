import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { appealsRepository } from '../../server/appeals/appeals.repository.ts';
import type { Appeal } from '../../server/appeals/appeals.table.ts';
import { openForSigning } from '../../server/signing/signing-organiser.service.ts';
import { supporters } from '../../server/supporters/supporters.table.ts';
import { supportersRepository } from '../../server/supporters/supporters.repository.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { hashToken } from '../../server/shared/tokens.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { makeAppeal, makeOrganiser, makeSignatory } from '../helpers/factories.ts';
import { csrfToken, fieldError, fieldValue, pageText, parseHtml } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

const DAY = 24 * 60 * 60 * 1000;

export async function publicSetup({ env = {}, appeal: settings = {} }: { env?: Record<string, string>; appeal?: Partial<Appeal> } = {}) {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const test = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url(), ...env } });
  const owner = await makeOrganiser(test.db);
  const draft = makeAppeal(test.db, owner.organiser.id, { title: 'Integrationszentrum für den Kreis Kleve', body: 'Wir fordern ein **Integrationszentrum**.', publicPage: true });
  await makeSignatory(test.db, test.fileStore, draft, { name: 'AWO Kreisverband Kleve e.V.' });
  const opened = openForSigning({ db: test.db, clock: systemClock, config: test.config, appeal: draft, actor: 'Test', deadline: '' });
  if (!opened.ok) throw new Error(`open failed: ${opened.error}`);
  const appeal = appealsRepository(test.db).update(draft.id, { updatedAt: new Date(), ...settings });
  const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
  return { ...test, sink, time, owner, appeal, worker };
}

type Setup = Awaited<ReturnType<typeof publicSetup>>;

export const citizen = (overrides: Record<string, string> = {}) => ({
  firstName: 'Małgorzata',
  lastName: 'Kowalska',
  postcode: '47533',
  place: 'Kleve',
  email: 'm.kowalska@example.org',
  comment: '',
  showName: 'on',
  ...overrides,
});

/** Opens the form, waits as a person would (the clock moves 5 s) and sends it. */
async function sign(setup: Setup, fields: Record<string, string>, { agent = setup.http(), waitMs = 5000 } = {}) {
  const form = await agent.get(`/a/${setup.appeal.slug}/sign`);
  expect(form.status).toBe(200);
  const startedAt = parseHtml(form.text)('input[name="startedAt"]').attr('value')!;
  setup.time.advance(waitMs);
  return agent.post(`/a/${setup.appeal.slug}/sign`).type('form').send({ _csrf: csrfToken(form.text), startedAt, website: '', ...fields });
}

async function deliver(setup: Setup, from = setup.sink.received.length) {
  await setup.worker.runOnce();
  // Only the supporters' mails (the first signatories' invitations go out too).
  return setup.sink.received.slice(from).filter((mail) => /\/u\//.test(mail.parsed.text ?? '')).map((mail) => {
    const text = mail.parsed.text ?? '';
    const path = (letter: string) => new URL(text.match(new RegExp(`http://mitzeichnen\\.test/${letter}/[A-Za-z0-9_-]{43}`))?.[0] ?? 'http://none/').pathname;
    return { to: mail.envelope.to[0]!, subject: mail.parsed.subject ?? '', text, confirm: path('c'), withdraw: path('u') };
  });
}

async function count(setup: Setup) {
  const page = await setup.http().get(`/a/${setup.appeal.slug}`);
  const json = await setup.http().get(`/a/${setup.appeal.slug}.json`);
  return { page: parseHtml(page.text)('[data-count]').text(), json: (json.body as { citizens: number }).citizens };
}

describe('citizens sign a public appeal', () => {
  it('sign → confirmation mail → confirm link → counted on the page and in the data → withdraw → not counted', async () => {
    const setup = await publicSetup();
    expect(await count(setup)).toEqual({ page: '0', json: 0 });

    const signed = await sign(setup, citizen({ comment: 'Endlich!' }));
    expect(signed.status).toBe(303);
    expect(signed.headers.location).toBe(`/a/${setup.appeal.slug}/sign/check-mail`);
    const outbox = setup.db.select().from(mailOutbox).where(eq(mailOutbox.kind, 'supporter-confirm')).all();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.appealId).toBe(setup.appeal.id);

    const [mail] = await deliver(setup);
    expect(mail!.to).toBe('m.kowalska@example.org');
    expect(mail!.subject).toContain('Integrationszentrum');
    expect(mail!.confirm).toMatch(/^\/c\//);
    expect(mail!.withdraw).toMatch(/^\/u\//);
    // The outbox row holds the links only sealed.
    expect(outbox[0]!.payload).not.toContain(mail!.confirm.slice(3));
    expect(outbox[0]!.payload).not.toContain(mail!.withdraw.slice(3));
    // Not counted before the confirmation.
    setup.time.advance(2000);
    expect(await count(setup)).toEqual({ page: '0', json: 0 });

    const confirmed = await setup.http().get(mail!.confirm);
    expect(confirmed.status).toBe(200);
    expect(pageText(confirmed.text)).toContain('Ihre Unterschrift zählt');
    const row = setup.db.select().from(supporters).get()!;
    expect(row.state).toBe('confirmed');
    expect(row.confirmedAt?.getTime()).toBe(setup.time.clock().getTime());
    expect(row.commentState).toBe('pending');
    setup.time.advance(2000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await count(setup)).toEqual({ page: '1', json: 1 });
    const page = await setup.http().get(`/a/${setup.appeal.slug}`);
    expect(pageText(page.text)).toContain('Małgorzata K., Kleve');
    // A pending comment is not shown.
    expect(pageText(page.text)).not.toContain('Endlich!');

    const again = await setup.http().get(mail!.confirm);
    expect(again.status).toBe(200);
    expect(pageText(again.text)).toContain('Bereits bestätigt');

    const withdrawPage = await setup.http().get(mail!.withdraw);
    expect(withdrawPage.status).toBe(200);
    const agent = setup.http();
    const form = await agent.get(mail!.withdraw);
    const withdrawn = await agent.post(mail!.withdraw).type('form').send({ _csrf: csrfToken(form.text) });
    expect(withdrawn.status).toBe(303);
    expect(setup.db.select().from(supporters).get()!.state).toBe('withdrawn');
    expect(setup.db.select().from(supporters).get()!.email).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await count(setup)).toEqual({ page: '0', json: 0 });
  });

  it('the same e-mail twice: the same answer, one row, and no second count', async () => {
    const setup = await publicSetup();
    const first = await sign(setup, citizen());
    const second = await sign(setup, citizen({ email: ' M.Kowalska@Example.org ', firstName: 'Gosia' }));
    expect(second.status).toBe(first.status);
    expect(second.headers.location).toBe(first.headers.location);
    expect(setup.db.select().from(supporters).all()).toHaveLength(1);
    const mails = await deliver(setup);
    // The first link was replaced: its mail is not sent; the newest one is.
    expect(mails).toHaveLength(1);
    await setup.http().get(mails[0]!.confirm);
    const third = await sign(setup, citizen());
    expect(third.status).toBe(first.status);
    expect(third.headers.location).toBe(first.headers.location);
    expect(setup.db.select().from(supporters).all()).toHaveLength(1);
    expect(supportersRepository(setup.db).counts(setup.appeal.id).citizens).toBe(1);
    // The address owner learns it by mail, nobody else.
    const [notice] = await deliver(setup);
    expect(notice!.subject).toContain('bereits');
  });

  it('an expired confirm link says so; signing again with the same address gives a new link on the same row', async () => {
    const setup = await publicSetup();
    await sign(setup, citizen());
    const [mail] = await deliver(setup);
    setup.time.advance(8 * DAY);
    const expired = await setup.http().get(mail!.confirm);
    expect(expired.status).toBe(410);
    expect(pageText(expired.text)).toContain('abgelaufen');
    expect(parseHtml(expired.text)(`a[href="/a/${setup.appeal.slug}/sign"]`).length).toBe(1);
    await sign(setup, citizen());
    const [fresh] = await deliver(setup);
    expect((await setup.http().get(fresh!.confirm)).status).toBe(200);
    expect(setup.db.select().from(supporters).all()).toHaveLength(1);
    expect(supportersRepository(setup.db).counts(setup.appeal.id).citizens).toBe(1);
    expect((await setup.http().get('/c/' + 'x'.repeat(43))).status).toBe(404);
  });

  it('a form sent back within a second is refused with a German message and keeps what was typed', async () => {
    const setup = await publicSetup();
    const response = await sign(setup, citizen({ comment: 'Schnell' }), { waitMs: 500 });
    expect(response.status).toBe(422);
    expect(pageText(response.text)).toContain('sehr schnell abgeschickt');
    expect(fieldValue(response.text, 'firstName')).toBe('Małgorzata');
    expect(fieldValue(response.text, 'comment')).toBe('Schnell');
    expect(setup.db.select().from(supporters).all()).toHaveLength(0);
    // A forged stamp is refused too.
    const agent = setup.http();
    const form = await agent.get(`/a/${setup.appeal.slug}/sign`);
    const forged = await agent.post(`/a/${setup.appeal.slug}/sign`).type('form').send({ _csrf: csrfToken(form.text), startedAt: `${fixedNow.getTime() - 60_000}.forged`, ...citizen() });
    expect(forged.status).toBe(422);
  });

  it('the honeypot: a filled trap field gets the same answer, but nothing is stored or sent', async () => {
    const setup = await publicSetup();
    const response = await sign(setup, { ...citizen(), website: 'http://spam.example' });
    expect(response.status).toBe(303);
    expect(setup.db.select().from(supporters).all()).toHaveLength(0);
    expect(setup.db.select().from(mailOutbox).where(eq(mailOutbox.kind, 'supporter-confirm')).all()).toHaveLength(0);
  });

  it('500 submissions from one address in a minute: a German 429 after the limit', async () => {
    const setup = await publicSetup();
    const agent = setup.http();
    const form = await agent.get(`/a/${setup.appeal.slug}/sign`);
    const startedAt = parseHtml(form.text)('input[name="startedAt"]').attr('value')!;
    setup.time.advance(5000);
    const statuses: number[] = [];
    for (let n = 0; n < 500; n += 1) {
      const response = await agent.post(`/a/${setup.appeal.slug}/sign`).type('form').send({ _csrf: csrfToken(form.text), startedAt, ...citizen({ email: `person${n}@example${n % 7}.org` }) });
      statuses.push(response.status);
      if (n === 499) {
        expect(response.status).toBe(429);
        expect(response.headers['retry-after']).toBeDefined();
        expect(pageText(response.text)).toContain('zu oft');
      }
    }
    expect(statuses.filter((status) => status === 303)).toHaveLength(setup.config.supportLimits.perIp);
    expect(setup.db.select().from(supporters).all()).toHaveLength(setup.config.supportLimits.perIp);
  });

  it('many signatures from one e-mail domain: limited per domain with a German message', async () => {
    const setup = await publicSetup({ env: { SUPPORT_SIGNUPS_PER_DOMAIN: '3', SUPPORT_SIGNUPS_PER_IP: '100' } });
    const statuses = [];
    for (let n = 0; n < 4; n += 1) statuses.push((await sign(setup, citizen({ email: `p${n}@spam.example` }))).status);
    expect(statuses).toEqual([303, 303, 303, 429]);
    const other = await sign(setup, citizen({ email: 'p@other.example' }));
    expect(other.status).toBe(303);
    const last = await sign(setup, citizen({ email: 'p9@spam.example' }));
    expect(pageText(last.text)).toContain('E-Mail-Domain');
  });

  it('HTML and 10 kB in the comment: refused at the field; an approved comment is shown escaped', async () => {
    const setup = await publicSetup();
    const long = await sign(setup, citizen({ comment: 'x'.repeat(10_000) }));
    expect(long.status).toBe(422);
    expect(fieldError(long.text, 'comment')).toBeDefined();
    expect(fieldValue(long.text, 'comment')).toHaveLength(10_000);
    const html = '<script>alert(1)</script><img src=x onerror=alert(2)><b>fett</b>';
    await sign(setup, citizen({ comment: html }));
    const [mail] = await deliver(setup);
    await setup.http().get(mail!.confirm);
    const row = setup.db.select().from(supporters).get()!;
    expect(row.comment).toBe(html);
    supportersRepository(setup.db).setCommentState(row.id, 'approved');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const page = await setup.http().get(`/a/${setup.appeal.slug}`);
    const $ = parseHtml(page.text);
    expect($('.supporter-comment').text()).toContain('<script>alert(1)</script>');
    expect($('main script').length).toBe(0);
    expect($('main img[src="x"]').length).toBe(0);
    expect($('.supporter-comment b').length).toBe(0);
  });

  it('after the closing date: the form is closed and a POST is refused with a clear message', async () => {
    const setup = await publicSetup({ appeal: { supportClosesOn: '2026-11-30' } });
    const agent = setup.http();
    const open = await agent.get(`/a/${setup.appeal.slug}/sign`);
    const startedAt = parseHtml(open.text)('input[name="startedAt"]').attr('value')!;
    setup.time.advance(9 * DAY);
    const form = await setup.http().get(`/a/${setup.appeal.slug}/sign`);
    expect(pageText(form.text)).toContain('keine Unterschriften mehr');
    expect(parseHtml(form.text)('input[name="email"]').length).toBe(0);
    const posted = await agent.post(`/a/${setup.appeal.slug}/sign`).type('form').send({ _csrf: csrfToken(open.text), startedAt, ...citizen() });
    expect(posted.status).toBe(409);
    expect(pageText(posted.text)).toContain('keine Unterschriften mehr');
    expect(setup.db.select().from(supporters).all()).toHaveLength(0);
  });
});

describe('the confirm link of an organisation', () => {
  it('leads to awaiting approval, not to confirmed, and does not count', async () => {
    const setup = await publicSetup();
    const token = 'O'.repeat(43);
    const row = supportersRepository(setup.db).insert({ appealId: setup.appeal.id, kind: 'organisation', organisationName: 'Flüchtlingsrat Kleve e.V.', emailKey: 'org', confirmTokenHash: hashToken(token), confirmExpiresAt: new Date(fixedNow.getTime() + DAY), createdAt: fixedNow });
    const response = await setup.http().get(`/c/${token}`);
    expect(response.status).toBe(200);
    expect(pageText(response.text)).toContain('prüft jetzt Ihre Anfrage');
    expect(supportersRepository(setup.db).findById(row.id)!.supporter.state).toBe('awaiting_approval');
    expect(supportersRepository(setup.db).counts(setup.appeal.id)).toEqual({ citizens: 0, organisations: 0 });
    expect(pageText((await setup.http().get(`/c/${token}`)).text)).toContain('Bereits bestätigt');
  });
});

describe('the public page', () => {
  it('is hidden (the 404 of an unknown address) when switched off, for a draft, and before final when public from final', async () => {
    const setup = await publicSetup();
    const unknown = await setup.http().get('/a/gibt-es-nicht');
    expect(unknown.status).toBe(404);
    const visible = await setup.http().get(`/a/${setup.appeal.slug}`);
    expect(visible.status).toBe(200);

    const owner = setup.owner.organiser.id;
    const draft = makeAppeal(setup.db, owner, { publicPage: true });
    const off = appealsRepository(setup.db).update(setup.appeal.id, { publicPage: false });
    const fromFinal = makeAppeal(setup.db, owner, { publicPage: true });
    await makeSignatory(setup.db, setup.fileStore, fromFinal);
    openForSigning({ db: setup.db, clock: systemClock, config: setup.config, appeal: fromFinal, actor: 'Test', deadline: '' });
    appealsRepository(setup.db).update(fromFinal.id, { publicFrom: 'final' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const slug of [draft.slug, off.slug, fromFinal.slug]) {
      for (const suffix of ['', '.json', '/sign', '/badge.svg', '/share.png', '/brief.pdf']) {
        const response = await setup.http().get(`/a/${slug}${suffix}`);
        expect(response.status, `${slug}${suffix}`).toBe(404);
        expect(pageText(response.text ?? '')).toBe(pageText(unknown.text));
      }
    }
    expect(setup.db.select().from(supporters).where(eq(supporters.appealId, draft.id)).all()).toHaveLength(0);
  });
});
