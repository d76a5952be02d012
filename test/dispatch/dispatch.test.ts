import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeFinalAppeal, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { parseHtml, pageText } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { pdfTextItems } from '../helpers/pdf.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { untilReady } from '../helpers/background.ts';
import type { FinalAppealOptions } from '../helpers/factories.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { deliveries } from '../../server/dispatch/dispatch.table.ts';
import { letterDocuments } from '../../server/letters/letter-documents.table.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { ComposerRegistry } from '../../server/mail/composers.ts';
import { APPEAL_LETTER_KIND, registerDispatchMailKinds } from '../../server/dispatch/dispatch.mails.ts';
import { letterSubject, organisationList, signingOrganisations } from '../../server/dispatch/letter-subject.ts';
import { appealsRepository } from '../../server/appeals/appeals.repository.ts';
import { auditEvents } from '../../server/audit/audit.table.ts';
import { signatories } from '../../server/signatories/signatories.table.ts';
import { freezeVersion } from '../../server/signing/versions.ts';
import { registerAppealMailKinds } from '../../server/appeals/appeals.mails.ts';
import { registerSigningMailKinds } from '../../server/signing/signing.mails.ts';

const kreistag: FinalAppealOptions['collectiveLists'] = [
  {
    name: 'Kreistag Kleve',
    groupAddressLine: 'An die Mitglieder des Kreistages',
    groupSalutation: 'Sehr geehrte Mitglieder des Kreistages,',
    groupInstitution: 'Kreis Kleve',
    groupRecipient: 'Mitglieder des Kreistages',
    groupStreet: 'Nassauerallee 15–23',
    groupPostcode: '47533',
    groupCity: 'Kleve',
    groupEmail: 'kreistag@kreis-kleve.example',
  },
];

async function setup(options: FinalAppealOptions = {}, { env = {}, composers }: { env?: Record<string, string>; composers?: ComposerRegistry } = {}) {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const app = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url(), MAIL_FROM: 'Mitzeichnen <versand@buendnis.example>', ...env } });
  const { organiser, password } = await makeOrganiser(app.db, { email: 'andrea@buendnis.example', name: 'Andrea Beispiel' });
  const made = await makeFinalAppeal(app, organiser.id, {
    organisations: ['AWO', 'Caritas', 'DGB', 'Diakonie'],
    appeal: { coalitionName: 'Bündnis für Integration Kleve', title: 'Kommunale Integrationszentren sichern', contactName: 'Andrea Beispiel', contactEmail: 'andrea@buendnis.example' },
    ...options,
  });
  const { worker } = makeMailWorker({ db: app.db, clock: time.clock, config: app.config, concurrency: 2, ...(composers ? { composers } : {}), retryDelayMs: () => 1000, pauseMs: 5000 });
  // The invitations and confirmations of co-signing went out first; the tests look at letters only.
  await worker.runOnce();
  sink.received.length = 0;
  const agent = app.http();
  await loginAs(agent, { email: organiser.email, password });
  const slug = made.appeal.slug;
  const page = `/appeals/${slug}/dispatch`;
  const send = () => submitForm(agent, page, page, {});
  const letterRows = () => app.db.select().from(mailOutbox).where(eq(mailOutbox.kind, APPEAL_LETTER_KIND)).all();
  const appealState = () => app.db.select().from(appeals).where(eq(appeals.id, made.appeal.id)).get()!.state;
  // The thanks to the first signatories (with the final letter) follow the last letter; these tests count letters.
  const isThanks = (mail: (typeof sink.received)[number]) => (mail.parsed.subject ?? '').startsWith('Verschickt – vielen Dank');
  const letterMails = () => sink.received.filter((mail) => !isThanks(mail));
  const thanksMails = () => sink.received.filter(isThanks);
  return { sink, time, app, agent, organiser, worker, slug, page, send, letterRows, appealState, letterMails, thanksMails, ...made };
}

describe('dispatch: confirmation, sending, log', () => {
  it('shows the confirmation page with counts, sample mail, attachment, size, sender and Reply-To', async () => {
    const s = await setup({
      addressees: [
        { salutation: 'Herr', firstName: 'Wolfgang', lastName: 'Gebing', function: 'Bürgermeister', institution: 'Stadt Kleve', email: 'buergermeister@kleve.example' },
        { salutation: 'Frau', firstName: 'Anna', lastName: 'Post', institution: 'Gemeinde Kerken', email: '' },
        { salutation: 'Herr', firstName: 'Falsch', lastName: 'Adresse', institution: 'Gemeinde Uedem', email: 'buergermeister at uedem' },
      ],
      collectiveLists: kreistag,
    });
    // The sample is rendered in the background; the page refreshes itself until it is there.
    const response = await untilReady(() => s.agent.get(s.page).expect(200));
    const $ = parseHtml(response.text);
    expect($('[data-count="email"] dd').text()).toBe('2');
    expect($('[data-count="post"] dd').text()).toBe('1');
    expect($('[data-count="invalid"] dd').text()).toBe('1');
    expect($('[data-field="from"]').text()).toBe('Bündnis für Integration Kleve <versand@buendnis.example>');
    expect($('[data-field="replyTo"]').text()).toBe('Andrea Beispiel <andrea@buendnis.example>');
    expect($('[data-field="subject"]').text()).toBe('Gemeinsamer Aufruf von AWO, Caritas, DGB und Diakonie: Kommunale Integrationszentren sichern');
    expect($('[data-field="to"]').text()).toContain('buergermeister@kleve.example');
    expect($('[data-field="attachment"]').text()).toMatch(/^\d{4}-\d{2}-\d{2}_[a-z0-9-]+_[a-z0-9-]+\.pdf \(\d+ KB, Prüfcode [A-Z2-9]{4}-[A-Z2-9]{4}\)$/);
    expect($('[data-field="size"]').text()).toMatch(/^\d+ KB$/);
    expect($('[data-testid="sample-text"]').text()).toContain('Sehr geehrter Herr Bürgermeister,\n');
    expect($('[data-testid="invalid-list"]').text()).toContain('buergermeister at uedem');
    expect($('[data-testid="post-list"]').text()).toContain('Gemeinde Kerken');
    // The attachment and the HTML part can be opened.
    const pdf = await s.agent.get(`${s.page}/sample.pdf`).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const html = await s.agent.get(`${s.page}/sample.html`).expect(200);
    expect(html.headers['content-security-policy']).toContain('sandbox');
    // Looking sends nothing.
    expect(s.letterRows()).toHaveLength(0);
  });

  it('sends a test to the organiser’s own address, marked as a test, without starting the dispatch', async () => {
    const s = await setup();
    const response = await submitForm(s.agent, s.page, `${s.page}/test`, {});
    expect(response.status).toBe(303);
    await s.worker.runOnce();
    expect(s.sink.received).toHaveLength(1);
    const mail = s.sink.received[0]!;
    expect(mail.envelope.to).toEqual(['andrea@buendnis.example']);
    expect(mail.parsed.subject).toMatch(/^\[Test\] Gemeinsamer Aufruf von AWO/);
    expect(mail.parsed.text).toContain('Dies ist eine Testsendung an Sie');
    expect(mail.parsed.attachments).toHaveLength(1);
    expect(s.app.db.select().from(deliveries).all()).toHaveLength(0);
    expect(s.appealState()).toBe('final');
  });

  it('"Jetzt versenden" sends one personal letter per addressee, records it, marks the documents sent and the appeal "versendet"', async () => {
    const s = await setup({
      addressees: [
        { salutation: 'Herr', title: 'Dr.', firstName: 'Wolfgang', lastName: 'Gebing', function: 'Bürgermeister', institution: 'Stadt Kleve', email: 'buergermeister@kleve.example' },
        { salutation: 'Frau', firstName: 'Britta', lastName: 'Kellermann', function: 'Bürgermeisterin', institution: 'Stadt Goch', email: 'buergermeisterin@goch.example' },
        { salutation: 'Frau', firstName: 'Anna', lastName: 'Post', institution: 'Gemeinde Kerken', email: '' },
      ],
      collectiveLists: kreistag,
    });
    const response = await s.send();
    expect(response.status).toBe(303);
    expect(s.letterRows()).toHaveLength(3);
    expect(s.sink.received).toHaveLength(0); // the request only queued

    const running = await s.agent.get(s.page).expect(200);
    // No meta refresh (the user could not stop it, WCAG 2.2.1): a marker for auto-refresh.js, a switch, and a plain link.
    const $running = parseHtml(running.text);
    expect($running('meta[http-equiv="refresh"]').length).toBe(0);
    expect($running('meta[name="mz-refresh"]').attr('content')).toBe('3');
    expect($running('script[src="/static/js/auto-refresh.js"]').length).toBe(1);
    expect($running('[data-testid="auto-refresh"] a').text()).toBe('Seite aktualisieren');
    expect($running('[data-auto-refresh] label').text()).toBe('Automatisch aktualisieren (alle 3 Sekunden)');
    expect(running.text).not.toMatch(/<script(?![^>]*\bsrc=)/);

    await s.worker.runOnce();
    expect(s.letterMails()).toHaveLength(3);
    // After the last letter, each of the four first signatories receives the letter with thanks.
    expect(s.thanksMails().map((mail) => mail.envelope.to[0]).sort()).toEqual(s.signatories.map((entry) => entry.signatory.representativeEmail).sort());
    const byRecipient = new Map(s.sink.received.map((mail) => [mail.envelope.to[0]!, mail]));
    const gebing = byRecipient.get('buergermeister@kleve.example')!;
    expect(gebing.parsed.from).toEqual({ name: 'Bündnis für Integration Kleve', address: 'versand@buendnis.example' });
    expect(gebing.parsed.replyTo).toEqual([{ name: 'Andrea Beispiel', address: 'andrea@buendnis.example' }]);
    expect(gebing.parsed.subject).toBe('Gemeinsamer Aufruf von AWO, Caritas, DGB und Diakonie: Kommunale Integrationszentren sichern');
    expect(gebing.parsed.text).toMatch(/^Sehr geehrter Herr Bürgermeister,\n\nim Anhang erhalten Sie den gemeinsamen Aufruf „Kommunale Integrationszentren sichern“/);
    expect(gebing.parsed.text).toMatch(/\nMit freundlichen Grüßen\n\nAndrea Beispiel\nKoordination\nBündnis für Integration Kleve\nTel. 02821 000000\nandrea@buendnis.example\n+$/);
    expect(gebing.parsed.html).toContain('Sehr geehrter Herr Bürgermeister,');
    expect(gebing.raw.toString()).toMatch(/multipart\/alternative/);
    const [attachment] = gebing.parsed.attachments;
    expect(attachment!.mimeType).toBe('application/pdf');
    expect(attachment!.filename).toMatch(/^[A-Za-z0-9._-]+\.pdf$/);
    expect(gebing.raw.length).toBeLessThan(10 * 1024 * 1024);
    // The attached letter is addressed to him and carries the code the mail names.
    const bytes = new Uint8Array(attachment!.content as ArrayBuffer);
    const text = (await pdfTextItems(bytes)).items.map((item) => item.str).join(' ');
    expect(text).toContain('Gebing');
    // Final letter: every first signatory who signed appears with the signature ("gez." for a typed one).
    for (const signatory of s.signatories) expect(text).toContain(`gez. ${signatory.signatory.representativeName}`);
    const delivery = s.app.db.select().from(deliveries).where(eq(deliveries.email, 'buergermeister@kleve.example')).get()!;
    expect(text).toContain(delivery.documentCode!);
    expect(gebing.parsed.text).toContain(`http://mitzeichnen.test/v/${delivery.documentCode}`);
    const outbox = s.letterRows().find((row) => row.id === delivery.outboxId)!;
    expect(gebing.parsed.messageId).toBe(outbox.messageId);
    // Goch gets her own letter.
    const goch = byRecipient.get('buergermeisterin@goch.example')!;
    expect(goch.parsed.text).toContain('Sehr geehrte Frau Bürgermeisterin,');
    expect(goch.parsed.attachments[0]!.filename).not.toBe(attachment!.filename);
    // The collective letter goes to the Kreisverwaltung, to be forwarded.
    const kreis = byRecipient.get('kreistag@kreis-kleve.example')!;
    expect(kreis.parsed.subject).toMatch(/ – mit der Bitte um Weiterleitung an die Mitglieder des Kreistages$/);
    // The mail speaks to the office (the letter inside to the members) and asks it to forward.
    expect(kreis.parsed.text).toMatch(/^Sehr geehrte Damen und Herren,\s+im Anhang erhalten Sie den gemeinsamen Aufruf „[^“]+“\. Gemeinsam unterzeichnet haben: AWO/);
    expect(kreis.parsed.text).toContain('Wir bitten Sie, das Schreiben an die Mitglieder des Kreistages weiterzuleiten.');

    // Documents are marked sent; /v/<code> shows it; the appeal is "versendet".
    const document = s.app.db.select().from(letterDocuments).where(eq(letterDocuments.code, delivery.documentCode!)).get()!;
    expect(document.sentAt).not.toBeNull();
    const verify = await s.app.http().get(`/v/${delivery.documentCode}`).expect(200);
    expect(pageText(verify.text)).toMatch(/Versandt am\s*22\.11\.2026/);
    expect(s.appealState()).toBe('sent');

    // The log: state, attempts, time, Message-ID, hash and code per addressee; no refresh any more.
    const done = await s.agent.get(s.page).expect(200);
    const $ = parseHtml(done.text);
    expect($('meta[name="mz-refresh"]').length).toBe(0);
    expect($('script[src="/static/js/auto-refresh.js"]').length).toBe(0);
    expect($('[data-testid="finished"]').length).toBe(1);
    const row = $(`tr[data-delivery-id="${delivery.id}"]`);
    expect(row.attr('data-state')).toBe('sent');
    expect(row.text()).toContain(outbox.messageId!);
    expect(row.text()).toContain(delivery.documentCode!);
    expect(row.find('code[title]').attr('title')).toBe(delivery.documentSha256);
    expect($('[data-testid="post-list"]').text()).toContain('Gemeinde Kerken');
    const post = await s.agent.get(`${s.page}/post.pdf`).expect(200);
    expect(post.headers['content-type']).toBe('application/pdf');
    expect((await pdfTextItems(new Uint8Array(post.body as Buffer))).items.map((item) => item.str).join(' ')).toContain('Post');
  });
});

describe('dispatch: the appeal\'s state and the signing organisations', () => {
  it('starting a dispatch makes the appeal "wird versendet"; it is "versendet" once every delivery is settled', async () => {
    const s = await setup({ addressees: [{ email: 'eins@kleve.example' }, { email: 'zwei@kleve.example' }] });
    expect(s.appealState()).toBe('final');
    await s.send();
    expect(s.appealState()).toBe('sending');
    // One letter goes through, the other fails for now and is retried: still sending.
    s.sink.tempFailures = 1;
    await s.worker.runOnce();
    expect(s.sink.received).toHaveLength(1);
    expect(s.appealState()).toBe('sending');
    s.time.advance(1000);
    await s.worker.runOnce();
    expect(s.letterMails()).toHaveLength(2);
    expect(s.appealState()).toBe('sent');
    const finished = s.app.db.select().from(auditEvents).where(and(eq(auditEvents.appealId, s.appeal.id), eq(auditEvents.action, 'dispatch_finished'))).all();
    expect(finished).toHaveLength(1);
  });

  it('names only the organisations whose signature counts for the current text version', async () => {
    const s = await setup({ addressees: [{ email: 'eins@kleve.example' }] });
    // The text changed after everyone signed; all but Diakonie confirmed the new version.
    const appeal = appealsRepository(s.app.db).update(s.appeal.id, { body: `${s.appeal.body}\n\nEin weiterer Absatz.` });
    const { version } = freezeVersion({ db: s.app.db, appeal, now: fixedNow });
    for (const { signatory, organisation } of s.signatories) {
      if (organisation.shortName !== 'Diakonie') s.app.db.update(signatories).set({ signedVersionId: version.id }).where(eq(signatories.id, signatory.id)).run();
    }
    expect(signingOrganisations({ db: s.app.db, appeal })).toEqual(['AWO', 'Caritas', 'DGB']);
    await s.send();
    await s.worker.runOnce();
    const mail = s.sink.received[0]!;
    expect(mail.parsed.subject).toBe('Gemeinsamer Aufruf von AWO, Caritas und DGB: Kommunale Integrationszentren sichern');
    expect(mail.parsed.text).not.toContain('Diakonie');
  });
});

describe('dispatch: bad input and faults', () => {
  it('refuses to send an appeal that is not final, with a clear message', async () => {
    const s = await setup();
    s.app.db.update(appeals).set({ state: 'signing' }).where(eq(appeals.id, s.appeal.id)).run();
    const page = await s.agent.get(s.page).expect(200);
    expect(parseHtml(page.text)('[data-testid="not-final"]').text()).toContain('Nur ein abgeschlossener Aufruf kann versendet werden');
    // A forged POST is refused too.
    const token = parseHtml((await s.agent.get('/appeals').expect(200)).text)('input[name="_csrf"]').first().attr('value')!;
    const response = await s.agent.post(s.page).type('form').send({ _csrf: token });
    expect(response.status).toBe(422);
    expect(pageText(response.text)).toContain('Nur ein abgeschlossener Aufruf kann versendet werden');
    expect(s.letterRows()).toHaveLength(0);
  });

  it('a second click on "Jetzt versenden" sends nothing twice', async () => {
    const s = await setup();
    const page = await s.agent.get(s.page).expect(200);
    const token = parseHtml(page.text)('form[action$="/dispatch"] input[name="_csrf"]').attr('value')!;
    // Two clicks on the same page (the second before the first answer is seen).
    const [first, second] = await Promise.all([s.agent.post(s.page).type('form').send({ _csrf: token }), s.agent.post(s.page).type('form').send({ _csrf: token })]);
    expect([first.status, second.status]).toEqual([303, 303]);
    const third = await s.agent.post(s.page).type('form').send({ _csrf: token });
    expect(third.status).toBe(303);
    const after = await s.agent.get(third.headers.location!).expect(200);
    expect(pageText(after.text)).toContain('Dieser Aufruf wird bereits versendet. Es wurde nichts ein zweites Mal verschickt.');
    expect(s.letterRows()).toHaveLength(2);
    await s.worker.runOnce();
    await s.worker.runOnce();
    expect(s.letterMails()).toHaveLength(2);
    expect(new Set(s.letterMails().map((mail) => mail.envelope.to[0])).size).toBe(2);
  });

  it('once sending has started, the appeal cannot be reopened for signing (no letter as a draft)', async () => {
    const s = await setup();
    await s.send();
    const response = await submitForm(s.agent, `/appeals/${s.slug}/signing`, `/appeals/${s.slug}/reopen`, {});
    expect(response.status).toBe(409);
    expect(pageText(response.text)).toContain('Der Versand hat bereits begonnen');
    expect(s.appealState()).toBe('sending');
  });

  it('lists, skips and reports an addressee with an invalid e-mail address', async () => {
    const s = await setup({ addressees: [{ institution: 'Stadt Kleve', email: 'ok@kleve.example' }, { institution: 'Gemeinde Uedem', lastName: 'Ohneat', email: 'buergermeister.uedem.example' }] });
    await s.send();
    await s.worker.runOnce();
    expect(s.letterMails().map((mail) => mail.envelope.to[0])).toEqual(['ok@kleve.example']);
    const $ = parseHtml((await s.agent.get(s.page).expect(200)).text);
    expect($('[data-state="skipped"] dd').text()).toBe('1');
    expect($('[data-testid="post-list"]').text()).toContain('buergermeister.uedem.example');
    // Nothing left to wait for: the skipped one is reported, the appeal is sent.
    expect(s.appealState()).toBe('sent');
  });

  it('retries a server that answers 451 twice, then sends', async () => {
    const s = await setup({ addressees: [{ email: 'eins@kleve.example' }] });
    await s.send();
    s.sink.tempFailures = 2;
    await s.worker.runOnce();
    let $ = parseHtml((await s.agent.get(s.page).expect(200)).text);
    expect($('tr[data-delivery-id]').attr('data-state')).toBe('retrying');
    expect($('tr[data-delivery-id]').text()).toContain('451');
    expect($('meta[name="mz-refresh"]').length).toBe(1);
    s.time.advance(1000);
    await s.worker.runOnce();
    s.time.advance(1000);
    await s.worker.runOnce();
    expect(s.letterMails()).toHaveLength(1);
    $ = parseHtml((await s.agent.get(s.page).expect(200)).text);
    expect($('tr[data-delivery-id]').attr('data-state')).toBe('sent');
    expect($('tr[data-delivery-id] td.num').text()).toBe('3');
    expect(s.appealState()).toBe('sent');
  });

  it('records a 550 as rejected with the reason and never retries it; "erneut senden" sends it again on request', async () => {
    const s = await setup({ addressees: [{ email: 'weg@kleve.example' }] });
    await s.send();
    s.sink.rejectAll = true;
    await s.worker.runOnce();
    s.time.advance(3_600_000);
    await s.worker.runOnce();
    const $ = parseHtml((await s.agent.get(s.page).expect(200)).text);
    const row = $('tr[data-delivery-id]');
    expect(row.attr('data-state')).toBe('rejected');
    expect(row.text()).toContain('550');
    expect(row.text()).toContain('Mailbox unavailable');
    expect(s.letterRows()[0]!.attempts).toBe(1);
    expect(s.appealState()).toBe('sent'); // decided: nothing is open any more
    s.sink.rejectAll = false;
    const id = row.attr('data-delivery-id')!;
    const resend = await submitForm(s.agent, s.page, `${s.page}/deliveries/${id}/resend`, {});
    expect(resend.status).toBe(303);
    await s.worker.runOnce();
    expect(s.sink.received).toHaveLength(1);
    expect(s.sink.received[0]!.parsed.messageId).toBe(s.letterRows()[0]!.messageId);
    // A delivery id that is no number names nothing: 404 before any service sees it.
    const bad = await submitForm(s.agent, s.page, `${s.page}/deliveries/${id}x/resend`, {});
    expect(bad.status).toBe(404);
  });

  it('pauses with a message while the server is down and resumes when it is back', async () => {
    const s = await setup({ addressees: [{ email: 'eins@kleve.example' }, { email: 'zwei@kleve.example' }] });
    await s.send();
    await s.sink.stop();
    const result = await s.worker.runOnce();
    expect(result.paused).toBe(true);
    const $ = parseHtml((await s.agent.get(s.page).expect(200)).text);
    expect($('[data-testid="paused"]').text()).toContain('Der Mailserver ist nicht erreichbar');
    expect(s.letterRows().map((row) => row.state)).toEqual(['queued', 'queued']);
    expect(s.letterRows().every((row) => row.attempts === 0)).toBe(true);
    await s.sink.restart();
    s.time.advance(5000);
    await s.worker.runOnce();
    expect(s.letterMails()).toHaveLength(2);
    expect(s.appealState()).toBe('sent');
  });

  it('marks a letter found "sending" after a restart as uncertain, never re-sends it by itself, and lets the organiser decide', async () => {
    const s = await setup({ addressees: [{ email: 'eins@kleve.example' }] });
    await s.send();
    // A worker of a process that died (pid that cannot exist) held it.
    s.app.db.update(mailOutbox).set({ state: 'sending', claimedBy: 'elsewhere:999999999:dead', claimedAt: fixedNow, messageId: '<mz.x.1@buendnis.example>' }).where(eq(mailOutbox.kind, APPEAL_LETTER_KIND)).run();
    expect(s.worker.recover()).toHaveLength(1);
    await s.worker.runOnce();
    expect(s.sink.received).toHaveLength(0);
    let $ = parseHtml((await s.agent.get(s.page).expect(200)).text);
    expect($('tr[data-delivery-id]').attr('data-state')).toBe('uncertain');
    expect(pageText($.html())).toContain('nie automatisch erneut gesendet');
    expect(s.appealState()).toBe('sending');
    const id = $('tr[data-delivery-id]').attr('data-delivery-id')!;
    await submitForm(s.agent, s.page, `${s.page}/deliveries/${id}/delivered`, {});
    $ = parseHtml((await s.agent.get(s.page).expect(200)).text);
    expect($('tr[data-delivery-id]').attr('data-state')).toBe('sent');
    expect(s.appealState()).toBe('sent');
  });

  it('keeps line breaks and header syntax in names and titles out of the headers (no header injection)', async () => {
    const s = await setup({
      appeal: { coalitionName: 'Bündnis\r\nBcc: opfer@evil.example', title: 'Titel\nX-Injected: ja', contactName: 'Andrea\r\nBcc: spion@evil.example' },
      addressees: [{ institution: 'Stadt\r\nBcc: dritter@evil.example', lastName: 'Name\nX-Evil: 1', email: 'ok@kleve.example' }],
    });
    await s.send();
    await s.worker.runOnce();
    expect(s.letterMails()).toHaveLength(1);
    const mail = s.sink.received[0]!;
    expect(mail.envelope.to).toEqual(['ok@kleve.example']);
    const head = mail.raw.toString('latin1').split('\r\n\r\n')[0]!;
    expect(head).not.toMatch(/^Bcc:/im);
    expect(head).not.toMatch(/^X-Injected:/im);
    expect(head).not.toMatch(/^X-Evil:/im);
    expect(mail.parsed.subject).toContain('Titel X-Injected: ja');
    expect(mail.parsed.from!.name).toBe('Bündnis Bcc: opfer@evil.example');
  });

  it('refuses to send a letter whose message would exceed the size limit, with the reason', async () => {
    // The app's mail kinds, with a letter limit of 20 KB.
    const composers = new ComposerRegistry();
    registerAppealMailKinds(composers);
    registerSigningMailKinds(composers);
    registerDispatchMailKinds(composers, { maxMessageBytes: 20_000 });
    const s = await setup({ addressees: [{ email: 'eins@kleve.example' }] }, { composers });
    await s.send();
    await s.worker.runOnce();
    expect(s.sink.received).toHaveLength(0);
    const row = parseHtml((await s.agent.get(s.page).expect(200)).text)('tr[data-delivery-id]');
    expect(row.attr('data-state')).toBe('failed');
    expect(row.text()).toContain('Viele Verwaltungen nehmen höchstens 20 KB an');
  });
});

describe('subject rule', () => {
  it('names up to four organisations and shortens longer lists', () => {
    expect(organisationList(['AWO'])).toBe('AWO');
    expect(organisationList(['AWO', 'Caritas'])).toBe('AWO und Caritas');
    expect(organisationList(['AWO', 'Caritas', 'DGB', 'Diakonie', 'Lebenshilfe', 'Paritätischer'])).toBe('AWO, Caritas, DGB, Diakonie und 2 weiteren');
    expect(letterSubject({ kind: 'antrag', title: 'Titel', coalitionName: 'Bündnis' }, [])).toBe('Gemeinsamer Antrag von Bündnis: Titel');
    // A title that names its kind is not preceded by it again (issue 16: "Antrag" twice).
    expect(letterSubject({ kind: 'antrag', title: 'Antrag zum Kreishaushalt 2027: Integrationszentrum', coalitionName: 'Bündnis' }, ['AWO', 'DGB'])).toBe('Antrag zum Kreishaushalt 2027: Integrationszentrum (AWO und DGB)');
    expect(letterSubject({ kind: 'aufruf', title: 'Gemeinsamer Aufruf für Integration', coalitionName: 'Bündnis' }, ['AWO'])).toBe('Gemeinsamer Aufruf für Integration (AWO)');
    const long = Array.from({ length: 9 }, (_, i) => `Sehr langer Verbandsname Nummer ${i + 1}`);
    expect(organisationList(long).length).toBeLessThanOrEqual(60);
  });
});
