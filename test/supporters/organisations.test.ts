// Supporter organisations ask to join through the public form, confirm by mail (simulated: the
// confirm route belongs to the public pages), and are approved or rejected by the organisers.
import sharp from 'sharp';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { isPublicPageVisible } from '../../server/appeals/appeal-lifecycle.ts';
import { appealsRepository } from '../../server/appeals/appeals.repository.ts';
import { addMember } from '../../server/appeals/appeals.service.ts';
import type { Appeal } from '../../server/appeals/appeals.table.ts';
import { readAuditTrail } from '../../server/audit/audit.service.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { checkFormStamp, issueFormStamp } from '../../server/shared/form-timing.ts';
import { hashToken } from '../../server/shared/tokens.ts';
import { supportersRepository } from '../../server/supporters/supporters.repository.ts';
import { supporterCounts, supporters } from '../../server/supporters/supporters.table.ts';
import { de } from '../../server/i18n/de.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeOrganiser } from '../helpers/factories.ts';
import { csrfToken, fieldError, fieldValue, pageText, parseHtml } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

const DAY = 24 * 60 * 60 * 1000;

const fields = {
  organisationName: 'Naturschutzbund Kreisgruppe Kleve e.V.',
  shortName: 'NABU Kleve',
  website: 'nabu-kleve.example',
  address: 'Am Deich 2\n47533 Kleve',
  firstName: 'Jörg',
  lastName: 'Weiß',
  representativeFunction: 'Sprecher',
  email: 'sprecher@nabu-kleve.example',
  authorityDeclared: 'on',
  showName: 'on',
  keepInformed: 'on',
};

async function setup({ appeal: overrides = {} }: { appeal?: Partial<Omit<Appeal, 'state'>> } = {}) {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const test = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url() } });
  const owner = await makeOrganiser(test.db, { name: 'Andrea Beispiel', email: 'andrea@buendnis.example' });
  const made = makeAppeal(test.db, owner.organiser.id, { title: 'Integration ist kein Zufall' });
  const repository = appealsRepository(test.db);
  repository.update(made.id, { publicPage: true });
  repository.applyEvent(made.id, 'open', fixedNow);
  const appeal = repository.update(made.id, { updatedAt: fixedNow, ...overrides });
  const browser = test.http();
  await loginAs(browser, { email: owner.organiser.email, password: owner.password });
  const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
  /** Delivers the outbox; the mails that arrived since `from`. */
  const deliver = async (from = sink.received.length) => {
    await worker.runOnce();
    return sink.received.slice(from).map((mail) => ({ to: mail.envelope.to[0]!, subject: mail.parsed.subject ?? '', text: mail.parsed.text ?? '' }));
  };
  return { ...test, sink, time, owner, appeal, browser, deliver };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Fills in the join form as a visitor: reads the page, waits `waitMs`, sends it. */
async function join(setup: Setup, values: Record<string, string> = fields, { logo, waitMs = 20_000, stamp }: { logo?: { bytes: Buffer; name: string }; waitMs?: number; stamp?: string } = {}) {
  const visitor = setup.http();
  const page = await visitor.get(`/a/${setup.appeal.slug}/organisation`).expect(200);
  setup.time.advance(waitMs);
  let request = visitor
    .post(`/a/${setup.appeal.slug}/organisation`)
    .field('_csrf', csrfToken(page.text))
    .field('formStamp', stamp ?? parseHtml(page.text)('input[name="formStamp"]').attr('value')!);
  for (const [key, value] of Object.entries(values)) request = request.field(key, value);
  if (logo) request = request.attach('logo', logo.bytes, logo.name);
  return { visitor, response: await request };
}

const rows = (setup: Setup) => setup.db.select().from(supporters).all();

describe('a supporter organisation asks to join', () => {
  it('is stored unconfirmed with two links by mail, then (after confirming) approved, listed and counted', async () => {
    const s = await setup();
    const { visitor, response } = await join(s);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/a/${s.appeal.slug}/organisation?sent=1`);
    expect(pageText((await visitor.get(response.headers.location!).expect(200)).text)).toContain('Bitte bestätigen Sie Ihre E-Mail-Adresse');

    const [row] = rows(s);
    expect(row).toMatchObject({
      kind: 'organisation',
      state: 'unconfirmed',
      organisationName: fields.organisationName,
      shortName: 'NABU Kleve',
      website: 'https://nabu-kleve.example/',
      address: 'Am Deich 2\n47533 Kleve',
      firstName: 'Jörg',
      lastName: 'Weiß',
      representativeFunction: 'Sprecher',
      email: fields.email,
      showName: true,
      consentLogo: false,
      keepInformed: true,
      authorityDeclared: true,
      logoFile: null,
    });
    const sentAt = fixedNow.getTime() + 20_000;
    expect(row!.confirmExpiresAt!.getTime()).toBe(sentAt + 7 * DAY);

    // The mail to the representative: the confirm link /c/ and the withdraw link /u/, whose hashes are stored.
    const outbox = s.db.select().from(mailOutbox).all();
    expect(outbox.map((mail) => [mail.kind, mail.appealId])).toEqual([['organisation-confirm', s.appeal.id]]);
    const [mail] = await s.deliver();
    expect(mail!.to).toBe(fields.email);
    expect(mail!.subject).toContain('Bitte bestätigen');
    const confirm = mail!.text.match(/http:\/\/mitzeichnen\.test\/c\/([A-Za-z0-9_-]{43})/)?.[1];
    const withdraw = mail!.text.match(/http:\/\/mitzeichnen\.test\/u\/([A-Za-z0-9_-]{43})/)?.[1];
    expect(hashToken(confirm!)).toBe(row!.confirmTokenHash);
    expect(hashToken(withdraw!)).toBe(row!.withdrawTokenHash);
    // The queued row holds the links only sealed.
    expect(outbox[0]!.payload).not.toContain(confirm!);
    expect(outbox[0]!.payload).not.toContain(withdraw!);

    // Owners and editors decide and are told; viewers are not.
    for (const [name, role] of [['Eda Editor', 'editor'], ['Vera Viewer', 'viewer']] as const) {
      const member = await makeOrganiser(s.db, { name, email: `${role}@buendnis.example` });
      addMember({ db: s.db, clock: s.time.clock, appeal: s.appeal, input: { email: member.organiser.email, role }, addedBy: 'Test' });
    }
    await s.deliver();
    // The representative clicks the confirm link: the request waits for approval, the organisers are told.
    await s.http().get(`/c/${confirm!}`).expect(200);
    expect(rows(s)[0]!.state).toBe('awaiting_approval');
    // A second click changes nothing and tells nobody twice.
    await s.http().get(`/c/${confirm!}`).expect(200);
    const notes = await s.deliver();
    expect(notes.map((mail) => mail.to).sort()).toEqual(['andrea@buendnis.example', 'editor@buendnis.example']);
    const note = notes.find((mail) => mail.to === 'andrea@buendnis.example');
    expect(note!.to).toBe('andrea@buendnis.example');
    expect(note!.subject).toContain('Naturschutzbund Kreisgruppe Kleve e.V.');
    expect(note!.text).toContain(`http://mitzeichnen.test/appeals/${s.appeal.slug}/supporters?filter=awaiting_approval&kind=organisation`);

    // The organiser's page opens on the organisations awaiting approval.
    const page = await s.browser.get(`/appeals/${s.appeal.slug}/supporters`).expect(200);
    const $ = parseHtml(page.text);
    expect($(`#supporter-${row!.id}`).text()).toContain('Naturschutzbund Kreisgruppe Kleve e.V.');
    expect($(`#supporter-${row!.id}`).text()).toContain('sprecher@nabu-kleve.example');
    const approve = await s.browser.post(`/appeals/${s.appeal.slug}/supporters/${row!.id}/approve`).type('form').send({ _csrf: csrfToken(page.text) });
    expect(approve.status).toBe(303);
    const approved = rows(s)[0]!;
    expect(approved.state).toBe('confirmed');
    expect(approved.confirmedAt?.getTime()).toBe(sentAt);
    expect(approved.decidedAt?.getTime()).toBe(sentAt);
    expect(s.db.select().from(supporterCounts).where(eq(supporterCounts.appealId, s.appeal.id)).get()).toMatchObject({ organisations: 1, citizens: 0 });
    expect(readAuditTrail({ db: s.db, appealId: s.appeal.id }).events.map((event) => [event.action, event.detail])).toContainEqual(['supporter_approved', fields.organisationName]);
    const [listed] = await s.deliver();
    expect(listed!.to).toBe(fields.email);
    expect(listed!.subject).toBe('Ihre Organisation ist nun als Unterstützerin gelistet');

    // Deciding twice is refused; the flash names the organisation.
    const again = await s.browser.post(`/appeals/${s.appeal.slug}/supporters/${row!.id}/approve`).type('form').send({ _csrf: csrfToken(page.text) });
    expect(again.status).toBe(409);
    expect(pageText(again.text)).toContain('schon entschieden');
  });

  it('shows every consent unticked with its purpose beside it, and a honeypot no person sees', async () => {
    const s = await setup();
    const page = await s.http().get(`/a/${s.appeal.slug}/organisation`).expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    const $ = parseHtml(page.text);
    for (const consent of ['showName', 'consentLogo', 'keepInformed', 'authorityDeclared']) expect($(`#f-${consent}`).attr('checked')).toBeUndefined();
    for (const consent of ['showName', 'consentLogo', 'keepInformed']) expect($(`#f-${consent}-hint`).text()).toMatch(/^Zweck: /);
    expect($('#f-homepage').closest('[aria-hidden="true"]').length).toBe(1);
    expect($('#f-homepage').attr('tabindex')).toBe('-1');
  });

  it('is rejected with a reason that is stored and mailed; an empty reason is refused at the field', async () => {
    const s = await setup();
    await join(s);
    const id = rows(s)[0]!.id;
    supportersRepository(s.db).confirm(id, 'organisation', new Date());
    await s.deliver();
    const page = await s.browser.get(`/appeals/${s.appeal.slug}/supporters?filter=awaiting_approval&kind=organisation`).expect(200);
    const token = csrfToken(page.text);
    const empty = await s.browser.post(`/appeals/${s.appeal.slug}/supporters/${id}/reject`).type('form').send({ _csrf: token, reason: '  ' });
    expect(empty.status).toBe(422);
    expect(fieldError(empty.text, 'reason')).toBe(de['supporters.rejectReasonRequired']);
    expect(rows(s)[0]!.state).toBe('awaiting_approval');

    const reason = 'Wir nehmen nur Organisationen aus dem Kreis Kleve auf.';
    const rejected = await s.browser.post(`/appeals/${s.appeal.slug}/supporters/${id}/reject`).type('form').send({ _csrf: token, reason });
    expect(rejected.status).toBe(303);
    expect(rows(s)[0]).toMatchObject({ state: 'rejected', rejectReason: reason, confirmedAt: null });
    expect(s.db.select().from(supporterCounts).where(eq(supporterCounts.appealId, s.appeal.id)).get()?.organisations ?? 0).toBe(0);
    const [mail] = await s.deliver();
    expect(mail!.to).toBe(fields.email);
    expect(mail!.subject).toContain('abgelehnt');
    expect(mail!.text).toContain(reason);
    expect(readAuditTrail({ db: s.db, appealId: s.appeal.id }).events.map((event) => event.action)).toContain('supporter_rejected');
  });

  it('the same e-mail twice for the same appeal: the same answer, one row, one mail', async () => {
    const s = await setup();
    const first = await join(s);
    const second = await join(s, { ...fields, organisationName: 'Jemand anderes', email: '  SPRECHER@nabu-kleve.example ' });
    expect([first.response.status, second.response.status]).toEqual([303, 303]);
    expect(second.response.headers.location).toBe(first.response.headers.location);
    expect(rows(s).map((row) => row.organisationName)).toEqual([fields.organisationName]);
    expect((await s.deliver()).length).toBe(1);
  });

  it('refuses an SVG bomb as logo with a German message, keeps what was typed and asks for the logo again', async () => {
    const s = await setup();
    const laughs = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]><svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><text y="20">&g;</text></svg>`;
    const { response } = await join(s, { ...fields, consentLogo: 'on' }, { logo: { bytes: Buffer.from(laughs), name: 'logo.svg' } });
    expect(response.status).toBe(422);
    // Refused by logos.ts before any XML parser sees it (the DTD makes it no image it accepts).
    expect([de['logo.notAnImage'], de['logo.unreadable']]).toContain(fieldError(response.text, 'logo'));
    expect(fieldValue(response.text, 'organisationName')).toBe(fields.organisationName);
    expect(fieldValue(response.text, 'email')).toBe(fields.email);
    expect(fieldValue(response.text, 'address')).toBe('Am Deich 2\n47533 Kleve');
    expect(parseHtml(response.text)('#f-consentLogo').attr('checked')).toBeDefined();
    expect(parseHtml(response.text)('#f-logo-hint').text()).toContain('Bitte wählen Sie das Logo noch einmal aus.');
    // A filter bomb (about ten seconds of librsvg) is stopped by the raster budget.
    const slow = `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="500"><filter id="f"><feTurbulence baseFrequency="0.05" numOctaves="2"/>${'<feMorphology operator="dilate" radius="50"/>'.repeat(10)}</filter><rect width="100%" height="100%" filter="url(#f)"/></svg>`;
    const second = await join(s, fields, { logo: { bytes: Buffer.from(slow), name: 'logo.svg' } });
    expect(second.response.status).toBe(422);
    expect(fieldError(second.response.text, 'logo')).toBe(de['logo.tooSlow']);
    expect(fieldValue(second.response.text, 'firstName')).toBe('Jörg');
    expect(rows(s)).toEqual([]);
    expect(s.db.select().from(mailOutbox).all()).toEqual([]);
  });

  it('re-encodes a logo and serves it under /logos/ like the first signatories\' logos', async () => {
    const s = await setup();
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#2f5d3a' } }).png().toBuffer();
    const { response } = await join(s, { ...fields, consentLogo: 'on' }, { logo: { bytes: png, name: 'logo.png' } });
    expect(response.status).toBe(303);
    const [row] = rows(s);
    expect(row!.consentLogo).toBe(true);
    expect(row!.logoFile).toMatch(/^[a-f0-9]{32}\.png$/);
    const served = await s.http().get(`/logos/${row!.logoFile}`).buffer(true).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    const meta = await sharp(served.body as Buffer).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(600);
  });

  it('requires the declaration of authority, with a German message at the checkbox', async () => {
    const s = await setup();
    const { authorityDeclared: _left, ...without } = fields;
    const { response } = await join(s, without);
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'authorityDeclared')).toBe(de['signing.authorisedRequired']);
    expect(fieldValue(response.text, 'lastName')).toBe('Weiß');
    const missing = await join(s, { ...fields, email: 'keine-adresse', organisationName: '' });
    expect(fieldError(missing.response.text, 'email')).toBe(de['form.invalidEmail']);
    expect(fieldError(missing.response.text, 'organisationName')).toBe(de['form.required']);
    expect(rows(s)).toEqual([]);
  });

  it('stores nothing for a bot: a filled honeypot gets the usual answer; a form sent within a second or with a forged stamp is refused', async () => {
    const s = await setup();
    const bot = await join(s, { ...fields, homepage: 'http://spam.example' });
    expect(bot.response.status).toBe(303);
    expect(bot.response.headers.location).toBe(`/a/${s.appeal.slug}/organisation?sent=1`);
    const fast = await join(s, fields, { waitMs: 800 });
    expect(fast.response.status).toBe(422);
    expect(fieldError(fast.response.text, 'formStamp')).toBe(de['orgJoin.tooFast']);
    expect(fieldValue(fast.response.text, 'organisationName')).toBe(fields.organisationName);
    const forged = await join(s, fields, { stamp: issueFormStamp({ secret: 'x'.repeat(40), now: new Date(fixedNow.getTime() - 60_000), purpose: 'organisation-join' }) });
    expect(forged.response.status).toBe(422);
    expect(rows(s)).toEqual([]);
    expect(s.db.select().from(mailOutbox).all()).toEqual([]);
  });

  it('exists only while the public page is visible, and closes after the closing date', async () => {
    const hidden = await setup({ appeal: { publicPage: false } });
    await hidden.http().get(`/a/${hidden.appeal.slug}/organisation`).expect(404);
    const onlyFinal = await setup({ appeal: { publicFrom: 'final' } });
    await onlyFinal.http().get(`/a/${onlyFinal.appeal.slug}/organisation`).expect(404);

    const closed = await setup({ appeal: { supportClosesOn: '2026-11-21' } });
    const page = await closed.http().get(`/a/${closed.appeal.slug}/organisation`).expect(200);
    expect(pageText(page.text)).toContain('Seit dem 21.11.2026 können keine weiteren Organisationen');
    expect(parseHtml(page.text)('input[name="organisationName"]').length).toBe(0);
    const open = await setup({ appeal: { supportClosesOn: '2026-11-22' } });
    expect((await join(open)).response.status).toBe(303);
  });
});

describe('the rules behind the form', () => {
  it('isPublicPageVisible: switched on, and from signing on or only once final', () => {
    const visible = (state: Appeal['state'], publicFrom: Appeal['publicFrom'], publicPage = true) => isPublicPageVisible({ state, publicPage, publicFrom });
    expect(['draft', 'signing', 'final', 'sending', 'sent'].map((state) => visible(state as Appeal['state'], 'signing'))).toEqual([false, true, true, true, true]);
    expect(['draft', 'signing', 'final', 'sending', 'sent'].map((state) => visible(state as Appeal['state'], 'final'))).toEqual([false, false, true, true, true]);
    expect(visible('sent', 'signing', false)).toBe(false);
  });

  it('form stamps: too fast, forged, from another form, expired, fine', () => {
    const secret = 's'.repeat(40);
    const stamp = issueFormStamp({ secret, now: fixedNow, purpose: 'a' });
    const at = (ms: number) => new Date(fixedNow.getTime() + ms);
    expect(checkFormStamp({ secret, stamp, now: at(1000), minMs: 3000, purpose: 'a' })).toEqual({ ok: false, reason: 'tooFast' });
    expect(checkFormStamp({ secret, stamp, now: at(5000), minMs: 3000, purpose: 'a' })).toEqual({ ok: true });
    expect(checkFormStamp({ secret, stamp, now: at(5000), minMs: 3000, purpose: 'b' })).toEqual({ ok: false, reason: 'invalid' });
    expect(checkFormStamp({ secret, stamp: stamp.replace(/^\d+/, String(fixedNow.getTime() - 60_000)), now: at(5000), minMs: 3000, purpose: 'a' })).toEqual({ ok: false, reason: 'invalid' });
    expect(checkFormStamp({ secret, stamp: undefined, now: at(5000), minMs: 3000 })).toEqual({ ok: false, reason: 'missing' });
    expect(checkFormStamp({ secret, stamp, now: at(2 * DAY), minMs: 3000, purpose: 'a' })).toEqual({ ok: false, reason: 'expired' });
  });
});
