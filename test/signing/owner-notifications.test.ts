import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { dispatches } from '../../server/dispatch/dispatch.table.ts';
import { settleDispatch } from '../../server/dispatch/dispatch.settle.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { sendDailyDigests } from '../../server/signing/signing-notifications.service.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeFinalAppeal, makeOrganiser, makeSignatory, submitForm } from '../helpers/factories.ts';
import { csrfToken } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { poppler } from '../helpers/pdf.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

const HOUR = 60 * 60 * 1000;

async function setup() {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const test = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url() } });
  const owner = await makeOrganiser(test.db, { name: 'Andrea Beispiel', email: 'andrea@buendnis.example' });
  const browser = test.http();
  await loginAs(browser, { email: owner.organiser.email, password: owner.password });
  const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
  const appeal = makeAppeal(test.db, owner.organiser.id, { title: 'Integration sichern', body: 'Wir fordern etwas.' });
  for (const [name, email] of [['AWO Kreisverband Kleve e.V.', 'awo@verband.example'], ['Caritasverband Kleve e.V.', 'caritas@verband.example']] as const) {
    await makeSignatory(test.db, test.fileStore, appeal, { name, representativeEmail: email, representativeName: 'Rainer Janssen' });
  }
  expect((await submitForm(browser, `/appeals/${appeal.slug}/signing`, `/appeals/${appeal.slug}/signing/open`, { deadline: '' })).status).toBe(303);
  await worker.runOnce();
  const links = Object.fromEntries(sink.received.map((mail) => [mail.envelope.to[0]!, new URL((mail.parsed.text ?? '').match(/http:\/\/mitzeichnen\.test\/s\/[A-Za-z0-9_-]{43}/)![0]).pathname]));
  sink.received.length = 0;
  return { ...test, sink, time, owner, browser, worker, appeal, links };
}

async function answer(s: Awaited<ReturnType<typeof setup>>, link: string, how: 'sign' | 'decline') {
  const visitor = s.http();
  const page = await visitor.get(link).expect(200);
  const fields = how === 'sign'
    ? { _csrf: csrfToken(page.text), representativeName: 'Rainer Janssen', representativeFunction: 'Vorsitz', signatureKind: 'typed', authorised: 'on' }
    : { _csrf: csrfToken(page.text), reason: 'Nicht unser Thema' };
  const response = await visitor.post(`${link}/${how}`).type('form').send(fields);
  expect(response.status).toBeLessThan(400);
}

const toOwner = (s: Awaited<ReturnType<typeof setup>>) => s.sink.received.filter((mail) => mail.envelope.to[0] === 'andrea@buendnis.example');

describe('news for the owners', () => {
  it('tells the owner right away when an organisation signs or declines (the default)', async () => {
    const s = await setup();
    await answer(s, s.links['awo@verband.example']!, 'sign');
    await answer(s, s.links['caritas@verband.example']!, 'decline');
    await s.worker.runOnce();
    const news = toOwner(s).map((mail) => mail.parsed);
    expect(news.map((mail) => mail.subject)).toEqual(['AWO Kreisverband Kleve e.V. hat unterzeichnet: Integration sichern', 'Caritasverband Kleve e.V. hat abgelehnt: Integration sichern']);
    expect(news[1]!.text).toContain('Begründung: Nicht unser Thema');
  });

  it('sends one digest a day instead, listing the answers, and nothing on a day without answers', async () => {
    const s = await setup();
    const account = await s.browser.get('/account').expect(200);
    const saved = await s.browser.post('/account/notifications').type('form').send({ _csrf: csrfToken(account.text), notifyMode: 'digest' });
    expect(saved.status).toBe(303);
    expect((await s.browser.get('/account')).text).toMatch(/value="digest" checked/);
    s.time.advance(HOUR);
    await answer(s, s.links['awo@verband.example']!, 'sign');
    await answer(s, s.links['caritas@verband.example']!, 'decline');
    await s.worker.runOnce();
    expect(toOwner(s)).toHaveLength(0);

    // fixedNow is the same day: nothing before the next day; then exactly one mail however often the job runs.
    expect(sendDailyDigests({ db: s.db, clock: s.time.clock })).toBe(0);
    s.time.advance(24 * HOUR);
    expect(sendDailyDigests({ db: s.db, clock: s.time.clock })).toBe(1);
    expect(sendDailyDigests({ db: s.db, clock: s.time.clock })).toBe(0);
    await s.worker.runOnce();
    const digest = toOwner(s);
    expect(digest).toHaveLength(1);
    expect(digest[0]!.parsed.subject).toBe('Neues zu Ihren Aufrufen: 2 Antworten');
    expect(digest[0]!.parsed.text).toContain('AWO Kreisverband Kleve e.V. (Rainer Janssen): unterzeichnet');
    expect(digest[0]!.parsed.text).toContain('abgelehnt (Nicht unser Thema)');

    s.time.advance(24 * HOUR);
    expect(sendDailyDigests({ db: s.db, clock: s.time.clock })).toBe(0);
  });
});

describe('thanks to the first signatories after sending', () => {
  it('sends each signing representative the final letter once, however often the dispatch settles', async () => {
    const sink = await SmtpSink.start();
    const time = manualClock(fixedNow);
    const test = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url() } });
    const owner = await makeOrganiser(test.db, { email: 'andrea@buendnis.example' });
    const made = await makeFinalAppeal(test, owner.organiser.id, { organisations: ['AWO', 'Caritas'], appeal: { title: 'Integration sichern', contactName: 'Andrea Beispiel' } });
    const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
    await worker.runOnce();
    sink.received.length = 0;
    const browser = test.http();
    await loginAs(browser, { email: owner.organiser.email, password: owner.password });
    const page = `/appeals/${made.appeal.slug}/dispatch`;
    expect((await submitForm(browser, page, page, {})).status).toBe(303);
    await worker.runOnce();
    await worker.runOnce();
    const dispatch = test.db.select().from(dispatches).get()!;
    expect(dispatch.finishedAt).not.toBeNull();
    expect(dispatch.thanksQueuedAt).not.toBeNull();
    settleDispatch({ db: test.db, clock: time.clock, dispatchId: dispatch.id });
    await worker.runOnce();
    const thanks = sink.received.filter((mail) => mail.parsed.subject?.startsWith('Verschickt – vielen Dank'));
    expect(thanks.map((mail) => mail.envelope.to[0]).sort()).toEqual(made.signatories.map((entry) => entry.signatory.representativeEmail).sort());
    expect(test.db.select().from(mailOutbox).where(eq(mailOutbox.kind, 'signatory-thanks')).all()).toHaveLength(2);
    const pdf = thanks[0]!.parsed.attachments.find((attachment) => attachment.mimeType === 'application/pdf')!;
    expect(poppler('pdftotext', new Uint8Array(pdf.content as ArrayBuffer))).toContain('Integration sichern');
    expect(thanks[0]!.parsed.text).toContain('Unterzeichnet haben: AWO und Caritas.');
  });
});
