import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { appealsRepository } from '../../server/appeals/appeals.repository.ts';
import { readAuditTrail } from '../../server/audit/audit.service.ts';
import { signatoriesRepository } from '../../server/signatories/signatories.repository.ts';
import { sendDueReminders } from '../../server/signing/signing-reminders.service.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { appealFormFields, loginAs, makeAppeal, makeOrganiser, makeSignatory, submitForm } from '../helpers/factories.ts';
import { csrfToken, fieldError, pageText, parseHtml } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { poppler } from '../helpers/pdf.ts';

const DAY = 24 * 60 * 60 * 1000;

async function signingSetup({ signatories = 2, env = {} }: { signatories?: number; env?: Record<string, string> } = {}) {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const test = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url(), ...env } });
  const owner = await makeOrganiser(test.db, { name: 'Andrea Beispiel' });
  const appeal = makeAppeal(test.db, owner.organiser.id, { body: 'Wir fordern ein Integrationszentrum.' });
  const entries = [];
  for (let n = 0; n < signatories; n += 1) {
    entries.push(
      await makeSignatory(test.db, test.fileStore, appeal, {
        name: ['AWO Kreisverband Kleve e.V.', 'Caritasverband Kleve e.V.', 'DGB Kreisverband Kleve'][n] ?? `Verband ${n}`,
        representativeEmail: `vorsitz${n}@verband.example`,
        representativeName: ['Małgorzata Kowalska', 'Rainer Janssen', 'Rolf Terhoeven'][n] ?? `Person ${n}`,
      }),
    );
  }
  const browser = test.http();
  await loginAs(browser, { email: owner.organiser.email, password: owner.password });
  const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
  return { ...test, sink, time, owner, appeal, entries, browser, worker };
}

type Setup = Awaited<ReturnType<typeof signingSetup>>;

async function openForSigning(setup: Setup) {
  const response = await submitForm(setup.browser, `/appeals/${setup.appeal.slug}/signing`, `/appeals/${setup.appeal.slug}/signing/open`, {
    deadline: '2026-12-10',
  });
  expect(response.status).toBe(303);
}

/** Delivers the outbox and returns the personal links of the mails that arrived since `from`. */
async function deliver(setup: Setup, from = setup.sink.received.length) {
  await setup.worker.runOnce();
  return setup.sink.received.slice(from).map((mail) => ({
    to: mail.envelope.to[0]!,
    subject: mail.parsed.subject ?? '',
    text: mail.parsed.text ?? '',
    link: new URL((mail.parsed.text ?? '').match(/http:\/\/mitzeichnen\.test\/[sw]\/[A-Za-z0-9_-]{43}/)?.[0] ?? 'http://none/').pathname,
  }));
}

/** The hidden fields of a page's form (the confirmation page carries what was typed). */
function hiddenFields(html: string): Record<string, string> {
  const $ = parseHtml(html);
  return Object.fromEntries($('form input[type="hidden"]').toArray().map((input) => [$(input).attr('name')!, $(input).attr('value') ?? '']));
}

async function signThrough(test: TestApp, link: string, fields: Record<string, string> = {}) {
  const visitor = test.http();
  const page = await visitor.get(link).expect(200);
  let request = visitor.post(`${link}/sign`).field('_csrf', csrfToken(page.text));
  const values = { representativeName: 'Małgorzata Kowalska', representativeFunction: 'Vorsitzende', signatureKind: 'typed', authorised: 'on', consentPublic: 'on', ...fields };
  for (const [key, value] of Object.entries(values)) request = request.field(key, value);
  return { visitor, response: await request, token: csrfToken(page.text) };
}

describe('co-signing through the mails that arrive', () => {
  it('invites, lets a representative sign with one click counting once, and confirms by mail', async () => {
    const setup = await signingSetup();
    await openForSigning(setup);
    const invitations = await deliver(setup);
    expect(invitations.map((mail) => mail.to).sort()).toEqual(['vorsitz0@verband.example', 'vorsitz1@verband.example']);
    expect(invitations[0]!.subject).toContain('Bitte um Mitzeichnung');
    expect(invitations[0]!.text).toContain('10.12.2026');

    const link = invitations.find((mail) => mail.to === 'vorsitz0@verband.example')!.link;
    const page = await setup.http().get(link).expect(200);
    expect(pageText(page.text)).toContain('Wir fordern ein Integrationszentrum.');
    const draft = await setup.http().get(`${link}/entwurf.pdf`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(draft.headers['content-type']).toBe('application/pdf');
    expect(poppler('pdftotext', draft.body as Buffer)).toContain('Wir fordern ein Integrationszentrum.');
    expect(pageText(page.text)).toContain('AWO Kreisverband Kleve e.V.');

    const dashboard = await setup.browser.get(`/appeals/${setup.appeal.slug}/signing`);
    expect(pageText(dashboard.text)).toContain('angesehen');

    const { response, visitor, token } = await signThrough(setup, link);
    expect(response.status).toBe(303);
    const confirmed = await visitor.get(link).expect(200);
    expect(pageText(confirmed.text)).toContain('Sie haben unterzeichnet');

    // A second click on the same form changes nothing.
    const again = await visitor
      .post(`${link}/sign`)
      .field('_csrf', token)
      .field('representativeName', 'Jemand Anderes')
      .field('signatureKind', 'typed')
      .field('authorised', 'on');
    expect(again.status).toBe(303);
    const trail = readAuditTrail({ db: setup.db, appealId: setup.appeal.id });
    expect(trail.events.filter((event) => event.action === 'signed')).toHaveLength(1);
    expect(pageText((await setup.browser.get(`/appeals/${setup.appeal.slug}/signing`)).text)).toContain('Małgorzata Kowalska');

    const delivered = await deliver(setup);
    // The owner hears of the signature right away (the default), the representative gets the confirmation.
    expect(delivered.filter((mail) => mail.to === setup.owner.organiser.email).map((mail) => mail.subject)).toEqual([`AWO Kreisverband Kleve e.V. hat unterzeichnet: ${setup.appeal.title}`]);
    const confirmation = delivered.filter((mail) => mail.to !== setup.owner.organiser.email);
    expect(confirmation).toHaveLength(1);
    expect(confirmation[0]!.subject).toContain('Bestätigung');
    expect(confirmation[0]!.link).toMatch(/^\/w\//);
  });

  it('asks for re-confirmation with a word diff after a text change, and never counts the old signature', async () => {
    const setup = await signingSetup();
    await openForSigning(setup);
    const invitations = await deliver(setup);
    const firstLink = invitations.find((mail) => mail.to === 'vorsitz0@verband.example')!.link;
    await signThrough(setup, firstLink);
    await deliver(setup);
    const letterText = async () => {
      const pdf = await setup.browser.get(`/appeals/${setup.appeal.slug}/letters/master.pdf`).buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
      return poppler('pdftotext', pdf.body as Buffer).replace(/\s+/g, ' ');
    };
    expect(await letterText()).toContain('gez. Małgorzata Kowalska');

    // Saving first says who would have to confirm again, shows the changes, and saves nothing.
    const asked = await submitForm(setup.browser, `/appeals/${setup.appeal.slug}/edit`, `/appeals/${setup.appeal.slug}`, {
      ...appealFormFields({ title: setup.appeal.title }),
      body: 'Wir fordern ein gut ausgestattetes Integrationszentrum.',
    });
    expect(asked.status).toBe(200);
    expect(pageText(asked.text)).toContain('Eine Organisation hat Fassung 1 unterzeichnet und wird gebeten, Fassung 2 zu bestätigen');
    expect(parseHtml(asked.text)('.text-diff ins').text()).toContain('gut ausgestattetes');
    expect(await letterText()).toContain('gez. Małgorzata Kowalska');
    // "Zurück zum Text" shows the form with what was typed, still unsaved.
    const back = await setup.browser.post(`/appeals/${setup.appeal.slug}`).type('form').send({ ...hiddenFields(asked.text), action: 'preview' });
    expect(parseHtml(back.text)('textarea[name="body"]').text()).toBe('Wir fordern ein gut ausgestattetes Integrationszentrum.');
    expect(await letterText()).toContain('gez. Małgorzata Kowalska');
    const saved = await setup.browser.post(`/appeals/${setup.appeal.slug}`).type('form').send({ ...hiddenFields(asked.text), confirmTextChange: 'yes' });
    expect(saved.status).toBe(303);

    // The signature was given for version 1: the letter of version 2 no longer shows it.
    expect(await letterText()).not.toContain('gez. Małgorzata Kowalska');
    const reconfirmations = await deliver(setup);
    const mail = reconfirmations.find((entry) => entry.to === 'vorsitz0@verband.example')!;
    expect(mail.subject).toContain('erneut bestätigen');
    // The old link is void; the new page shows what changed.
    await setup.http().get(firstLink).expect(410);
    const page = await setup.http().get(mail.link).expect(200);
    const $ = parseHtml(page.text);
    expect($('.text-diff ins').text()).toContain('gut ausgestattetes');
    expect(pageText(page.text)).toContain('Textfassung 2');

    const finaliseBefore = await submitForm(setup.browser, `/appeals/${setup.appeal.slug}/finalise`, `/appeals/${setup.appeal.slug}/finalise`, {
      goAheadWithoutMissing: 'on',
    });
    expect(finaliseBefore.status).toBe(422);
    expect(pageText(finaliseBefore.text)).toContain('Noch hat niemand die aktuelle Textfassung unterzeichnet');

    await signThrough(setup, mail.link);
    const dashboard = pageText((await setup.browser.get(`/appeals/${setup.appeal.slug}/signing`)).text);
    expect(dashboard).toContain('1 von 2 unterzeichnet');
  });

  it('re-confirmation starts from the earlier answer: consents ticked, the drawn signature kept without drawing again', async () => {
    const setup = await signingSetup({ signatories: 1 });
    await openForSigning(setup);
    const [invitation] = await deliver(setup);
    const drawing = await sharp({ create: { width: 900, height: 300, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0 } } })
      .composite([{ input: Buffer.from('<svg width="900" height="300"><path d="M20 200 C 200 20, 400 280, 880 60" stroke="#0b1f4d" stroke-width="6" fill="none"/></svg>') }])
      .png()
      .toBuffer();
    await signThrough(setup, invitation!.link, { signatureKind: 'drawn', drawnSignature: `data:image/png;base64,${drawing.toString('base64')}`, consentLogo: 'on' });
    await deliver(setup);
    const signatory = () => signatoriesRepository(setup.db).list(setup.appeal.id)[0]!.signatory;
    const firstFile = signatory().signatureFile;
    expect(firstFile).toBeTruthy();
    // A first visit starts without consents.
    await submitForm(setup.browser, `/appeals/${setup.appeal.slug}/edit`, `/appeals/${setup.appeal.slug}`, { ...appealFormFields({ title: setup.appeal.title }), body: 'Wir fordern ein gut ausgestattetes Integrationszentrum.', confirmTextChange: 'yes' });
    const mail = (await deliver(setup)).find((entry) => entry.subject.includes('erneut bestätigen'))!;
    const visitor = setup.http();
    const page = await visitor.get(mail.link).expect(200);
    const $ = parseHtml(page.text);
    expect($('input[name="signatureKind"]:checked').val()).toBe('previous');
    expect($('label[for="f-signatureKind-previous"]').text()).toContain('bisherige, gezeichnete Unterschrift');
    expect($('input[name="consentPublic"]').is(':checked')).toBe(true);
    expect($('input[name="consentLogo"]').is(':checked')).toBe(true);
    const reconfirmed = await visitor
      .post(`${mail.link}/sign`)
      .field('_csrf', csrfToken(page.text))
      .field('representativeName', 'Małgorzata Kowalska')
      .field('signatureKind', 'previous')
      .field('authorised', 'on')
      .field('consentPublic', 'on')
      .field('consentLogo', 'on');
    expect(reconfirmed.status).toBe(303);
    expect(signatory()).toMatchObject({ status: 'signed', signatureKind: 'drawn', signatureFile: firstFile, consentLogo: true });
    expect(setup.fileStore.read('signatures', firstFile!)).toBeDefined();
    // Someone without an earlier image cannot choose "keep": a message at the field.
    const fresh = await signingSetup({ signatories: 1 });
    await openForSigning(fresh);
    const [freshInvitation] = await deliver(fresh);
    const refused = await signThrough(fresh, freshInvitation!.link, { signatureKind: 'previous' });
    expect(refused.response.status).toBe(422);
    expect(fieldError(refused.response.text, 'signatureKind')).toContain('keine frühere Unterschrift');
  });

  it('records a decline with its reason and finalises only after explicit confirmation of the missing ones', async () => {
    const setup = await signingSetup({ signatories: 3 });
    await openForSigning(setup);
    const invitations = await deliver(setup);
    const linkOf = (email: string) => invitations.find((mail) => mail.to === email)!.link;
    await signThrough(setup, linkOf('vorsitz0@verband.example'));

    const visitor = setup.http();
    const page = await visitor.get(linkOf('vorsitz1@verband.example'));
    await visitor
      .post(`${linkOf('vorsitz1@verband.example')}/decline`)
      .type('form')
      .send({ _csrf: csrfToken(page.text), reason: 'Unser Vorstand hat <b>anders</b> entschieden.' })
      .expect(303);
    const dashboard = await setup.browser.get(`/appeals/${setup.appeal.slug}/signing`);
    expect(pageText(dashboard.text)).toContain('Unser Vorstand hat <b>anders</b> entschieden.');
    expect(parseHtml(dashboard.text)('.status-table b').length).toBe(0);

    const confirm = await setup.browser.get(`/appeals/${setup.appeal.slug}/finalise`).expect(200);
    expect(pageText(confirm.text)).toContain('DGB Kreisverband Kleve');
    const refused = await setup.browser.post(`/appeals/${setup.appeal.slug}/finalise`).type('form').send({ _csrf: csrfToken(confirm.text) });
    expect(refused.status).toBe(422);

    const done = await setup.browser
      .post(`/appeals/${setup.appeal.slug}/finalise`)
      .type('form')
      .send({ _csrf: csrfToken(confirm.text), goAheadWithoutMissing: 'on' });
    expect(done.status).toBe(303);
    // Signing after final: a clear page, nothing changes.
    const late = await setup.http().get(linkOf('vorsitz2@verband.example'));
    expect(late.status).toBe(409);
    expect(pageText(late.text)).toContain('Unterzeichnung beendet');
  });
});

describe('reopening', () => {
  it('takes a final appeal back to signing and asks everyone who signed to confirm again', async () => {
    const setup = await signingSetup({ signatories: 1 });
    await openForSigning(setup);
    const [invitation] = await deliver(setup);
    await signThrough(setup, invitation!.link);
    await deliver(setup);
    const confirm = await setup.browser.get(`/appeals/${setup.appeal.slug}/finalise`);
    await setup.browser.post(`/appeals/${setup.appeal.slug}/finalise`).type('form').send({ _csrf: csrfToken(confirm.text) }).expect(303);

    const dashboard = await setup.browser.get(`/appeals/${setup.appeal.slug}/signing`);
    expect(pageText(dashboard.text)).toContain('Abgeschlossen');
    await setup.browser.post(`/appeals/${setup.appeal.slug}/reopen`).type('form').send({ _csrf: csrfToken(dashboard.text) }).expect(303);

    const reopened = pageText((await setup.browser.get(`/appeals/${setup.appeal.slug}/signing`)).text);
    expect(reopened).toContain('Bestätigung nötig');
    const [request] = await deliver(setup);
    expect(request!.subject).toContain('erneut bestätigen');
    await signThrough(setup, request!.link);
    expect(pageText((await setup.browser.get(`/appeals/${setup.appeal.slug}/signing`)).text)).toContain('1 von 1 unterzeichnet');
  });

  it('refuses to reopen once sending has started (state "sending") and offers no way back', async () => {
    const setup = await signingSetup({ signatories: 1 });
    await openForSigning(setup);
    const [invitation] = await deliver(setup);
    await signThrough(setup, invitation!.link);
    const confirm = await setup.browser.get(`/appeals/${setup.appeal.slug}/finalise`);
    await setup.browser.post(`/appeals/${setup.appeal.slug}/finalise`).type('form').send({ _csrf: csrfToken(confirm.text) }).expect(303);
    // "Jetzt versenden" moves the appeal to 'sending' (dispatch's side of the lifecycle).
    expect(appealsRepository(setup.db).applyEvent(setup.appeal.id, 'startSending', setup.time.clock())?.state).toBe('sending');

    const dashboard = await setup.browser.get(`/appeals/${setup.appeal.slug}/signing`).expect(200);
    expect(parseHtml(dashboard.text)(`form[action="/appeals/${setup.appeal.slug}/reopen"]`).length).toBe(0);
    const refused = await setup.browser.post(`/appeals/${setup.appeal.slug}/reopen`).type('form').send({ _csrf: csrfToken(dashboard.text) });
    expect(refused.status).toBe(409);
    expect(pageText(refused.text)).toContain('Der Versand hat bereits begonnen');
    expect(appealsRepository(setup.db).findById(setup.appeal.id)!.state).toBe('sending');
    expect(readAuditTrail({ db: setup.db, appealId: setup.appeal.id }).events.map((event) => event.action)).not.toContain('reopened');
  });

  it('a text edit during signing moves every signature to "needs re-confirmation"', async () => {
    const setup = await signingSetup({ signatories: 2 });
    await openForSigning(setup);
    const invitations = await deliver(setup);
    await signThrough(setup, invitations.find((mail) => mail.to === 'vorsitz0@verband.example')!.link);
    const statuses = () => signatoriesRepository(setup.db).list(setup.appeal.id, 'first').map(({ signatory }) => signatory.status);
    expect(statuses()).toEqual(['signed', 'invited']);

    const saved = await submitForm(setup.browser, `/appeals/${setup.appeal.slug}/edit`, `/appeals/${setup.appeal.slug}`, {
      ...appealFormFields({ title: setup.appeal.title }),
      body: 'Wir fordern ein Integrationszentrum – jetzt.',
      confirmTextChange: 'yes',
    });
    expect(saved.status).toBe(303);
    // The one who signed is asked again; the one who has not answered yet is simply waited for.
    expect(statuses()).toEqual(['needs_reconfirmation', 'invited']);
    const actions = readAuditTrail({ db: setup.db, appealId: setup.appeal.id }).events.map((event) => event.action);
    expect(actions.slice(-2)).toEqual(['text_versioned', 'reconfirmation_requested']);
  });
});

describe('personal links and bad input', () => {
  it('answers unknown, malformed, expired and revoked links with clear German pages', async () => {
    const setup = await signingSetup();
    await openForSigning(setup);
    const invitations = await deliver(setup);
    const link = invitations[0]!.link;

    expect(pageText((await setup.http().get('/s/kaputt').expect(404)).text)).toContain('Link unbekannt');
    await setup.http().get(`/s/${'A'.repeat(43)}`).expect(404);

    setup.time.advance(22 * DAY);
    const expired = await setup.http().get(link).expect(410);
    expect(pageText(expired.text)).toContain('Link abgelaufen');
    expect(pageText(expired.text)).toContain('koordination@example.org');

    // Three weeks later the organiser logs in again and sees the expired link.
    await loginAs(setup.browser, { email: setup.owner.organiser.email, password: setup.owner.password });
    const dashboard = await setup.browser.get(`/appeals/${setup.appeal.slug}/signing`);
    expect(pageText(dashboard.text)).toContain('Link abgelaufen');
    const entryId = setup.entries.find((entry) => entry.signatory.representativeEmail === invitations[0]!.to)!.signatory.id;
    await setup.browser
      .post(`/appeals/${setup.appeal.slug}/signing/${entryId}/resend`)
      .type('form')
      .send({ _csrf: csrfToken(dashboard.text) })
      .expect(303);
    const resent = await deliver(setup);
    expect(resent).toHaveLength(1);
    await setup.http().get(resent[0]!.link).expect(200);
    expect(pageText((await setup.http().get(link).expect(410)).text)).toContain('nicht mehr gültig');
  });

  it('requires the authorisation checkbox, keeps the typed name, and escapes names with markup', async () => {
    const setup = await signingSetup({ signatories: 1 });
    await openForSigning(setup);
    const [invitation] = await deliver(setup);
    const refused = await signThrough(setup, invitation!.link, { authorised: '' });
    expect(refused.response.status).toBe(422);
    expect(fieldError(refused.response.text, 'authorised')).toContain('unterzeichnen dürfen');

    const signed = await signThrough(setup, invitation!.link, { representativeName: '<script>alert(1)</script>\nMalgorzata' });
    expect(signed.response.status).toBe(303);
    const dashboard = await setup.browser.get(`/appeals/${setup.appeal.slug}/signing`);
    expect(parseHtml(dashboard.text)('.status-table script').length).toBe(0);
    expect(pageText(dashboard.text)).toContain('<script>alert(1)</script> Malgorzata');
  });

  it('stores a drawn signature as a re-encoded PNG and refuses a 20 MB or non-image upload with a message', async () => {
    const setup = await signingSetup({ signatories: 1 });
    await openForSigning(setup);
    const [invitation] = await deliver(setup);

    const missing = await signThrough(setup, invitation!.link, { signatureKind: 'image' });
    expect(fieldError(missing.response.text, 'signatureImage')).toBe('Bitte wählen Sie ein Bild Ihrer Unterschrift aus.');

    const visitorWithPdf = setup.http();
    const pdfPage = await visitorWithPdf.get(invitation!.link);
    const notAnImage = await visitorWithPdf
      .post(`${invitation!.link}/sign`)
      .field('_csrf', csrfToken(pdfPage.text))
      .field('representativeName', 'Małgorzata Kowalska')
      .field('signatureKind', 'image')
      .field('authorised', 'on')
      .attach('signatureImage', Buffer.from('%PDF-1.7 keine Unterschrift'), 'unterschrift.png');
    expect(notAnImage.status).toBe(422);
    expect(fieldError(notAnImage.text, 'signatureImage')).toBe('Diese Datei ist kein PNG- oder JPEG-Bild.');

    const visitor = setup.http();
    const page = await visitor.get(invitation!.link);
    const tooBig = await visitor
      .post(`${invitation!.link}/sign`)
      .field('_csrf', csrfToken(page.text))
      .field('representativeName', 'Małgorzata Kowalska')
      .field('signatureKind', 'image')
      .field('authorised', 'on')
      .attach('signatureImage', Buffer.alloc(20 * 1024 * 1024, 1), 'unterschrift.png');
    expect(tooBig.status).toBe(422);
    expect(fieldError(tooBig.text, 'signatureImage')).toContain('5 MB');

    const drawing = await sharp({ create: { width: 900, height: 300, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0 } } })
      .composite([{ input: Buffer.from('<svg width="900" height="300"><path d="M20 200 C 200 20, 400 280, 880 60" stroke="#0b1f4d" stroke-width="6" fill="none"/></svg>') }])
      .png()
      .toBuffer();
    const drawn = await signThrough(setup, invitation!.link, { signatureKind: 'drawn', drawnSignature: `data:image/png;base64,${drawing.toString('base64')}` });
    expect(drawn.response.status).toBe(303);
    const image = await setup.http().get(`${invitation!.link}/signature.png`).expect(200).expect('content-type', 'image/png');
    expect((await sharp(image.body as Buffer).metadata()).width).toBeLessThanOrEqual(900);
  });

  it('records two representatives signing at the same moment, each once', async () => {
    const setup = await signingSetup({ signatories: 2 });
    await openForSigning(setup);
    const invitations = await deliver(setup);
    const [first, second] = await Promise.all(invitations.map((mail) => signThrough(setup, mail.link)));
    expect([first!.response.status, second!.response.status]).toEqual([303, 303]);
    const dashboard = pageText((await setup.browser.get(`/appeals/${setup.appeal.slug}/signing`)).text);
    expect(dashboard).toContain('2 von 2 unterzeichnet');
    expect(readAuditTrail({ db: setup.db, appealId: setup.appeal.id }).intact).toBe(true);
  });

  it('waits with the invitations while the mail server is down and delivers them later', async () => {
    const setup = await signingSetup({ signatories: 1 });
    await setup.sink.stop();
    await openForSigning(setup);
    await setup.worker.runOnce();
    expect(setup.sink.received).toHaveLength(0);
    await setup.sink.restart();
    setup.time.advance(60 * 60 * 1000);
    await setup.worker.runOnce();
    expect(setup.sink.received).toHaveLength(1);
  });
});

describe('reminders and the audit trail', () => {
  it('reminds after the configured days, at most the configured times, never twice for one slot', async () => {
    const setup = await signingSetup({ signatories: 2, env: { REMINDER_AFTER_DAYS: '3', REMINDER_MAX: '2' } });
    await openForSigning(setup);
    const invitations = await deliver(setup);
    await signThrough(setup, invitations.find((mail) => mail.to === 'vorsitz0@verband.example')!.link);
    await deliver(setup);
    const deps = { db: setup.db, clock: setup.time.clock, config: setup.config };

    const from = setup.sink.received.length;
    expect(sendDueReminders(deps)).toBe(0);
    setup.time.advance(3 * DAY);
    expect(sendDueReminders(deps)).toBe(1);
    expect(sendDueReminders(deps)).toBe(0);
    await deliver(setup);
    setup.time.advance(3 * DAY);
    expect(sendDueReminders(deps)).toBe(1);
    await deliver(setup);
    setup.time.advance(30 * DAY);
    expect(sendDueReminders(deps)).toBe(0);

    const reminders = await deliver(setup, from);
    expect(reminders.map((mail) => mail.to)).toEqual(['vorsitz1@verband.example', 'vorsitz1@verband.example']);
    expect(reminders[0]!.subject).toContain('Erinnerung');
  });

  it('shows an intact chain, and detects a row edited in the database', async () => {
    const setup = await signingSetup();
    await openForSigning(setup);
    const invitations = await deliver(setup);
    await signThrough(setup, invitations[0]!.link);

    const page = await setup.browser.get(`/appeals/${setup.appeal.slug}/audit`).expect(200);
    expect(pageText(page.text)).toContain('Die Kette ist unversehrt.');
    expect(pageText(page.text)).toContain('Unterzeichnet');
    expect(pageText(page.text)).toContain('E-Mail versendet');
    expect(pageText(page.text)).toContain('Einladung an vorsitz0@verband.example');

    const csv = await setup.browser.get(`/appeals/${setup.appeal.slug}/audit.csv`).expect(200);
    expect(csv.text.startsWith('\uFEFFZeit (UTC);Wer;Was')).toBe(true);

    setup.sqlite.prepare("update audit_events set detail = 'gefälscht' where action = 'invited'").run();
    const broken = await setup.browser.get(`/appeals/${setup.appeal.slug}/audit`).expect(200);
    expect(pageText(broken.text)).toContain('beschädigt');
  });
});
