// "Passwort vergessen?" through the real SMTP server: the link is taken from the received mail.
import { describe, expect, it } from 'vitest';
import { accountTokens } from '../../server/organisers/organisers.table.ts';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { csrfToken, fieldError, pageText } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

async function installation() {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const test = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url() } });
  const account = await makeOrganiser(test.db, { name: 'Andrea Koordination', email: 'andrea@example.org' });
  const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
  const ask = (email: string, agent = test.http()) => submitForm(agent, '/forgot-password', '/forgot-password', { email });
  const linkOf = (index: number) => /http:\/\/mitzeichnen\.test(\/reset\/[A-Za-z0-9_-]{43})/.exec(sink.received[index]!.parsed.text ?? '')![1]!;
  return { ...test, sink, time, account, worker, ask, linkOf };
}

const newPassword = 'ein neues langes Passwort';

describe('password reset by e-mail', () => {
  it('answers the same for a known and an unknown address; only the account gets a mail', async () => {
    const world = await installation();
    const login = await world.http().get('/login').expect(200);
    expect(login.text).toContain('href="/forgot-password"');
    const known = await world.ask('Andrea@example.org');
    const unknown = await world.ask('niemand@example.org');
    expect([known.status, unknown.status]).toEqual([200, 200]);
    const answer = (text: string, email: string) => pageText(text).replace(email, '<E-Mail>');
    expect(answer(known.text, 'andrea@example.org')).toBe(answer(unknown.text, 'niemand@example.org'));
    expect(pageText(known.text)).toContain('Wenn es zu andrea@example.org ein Konto gibt');
    await world.worker.runOnce();
    expect(world.sink.received.map((mail) => mail.envelope.to)).toEqual([['andrea@example.org']]);
    expect(world.sink.received[0]!.parsed.subject).toBe('Neues Passwort für Mitzeichnen');
    // Not an address at all: a message at the field, what was typed kept.
    const bad = await world.ask('keine-adresse');
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'email')).toBeTruthy();
    expect(bad.text).toContain('keine-adresse');
  });

  it('sets a new password from the link, ends every session of the account, and works once', async () => {
    const world = await installation();
    const elsewhere = world.http();
    await loginAs(elsewhere, { email: 'andrea@example.org', password: world.account.password });
    await world.ask('andrea@example.org');
    await world.worker.runOnce();
    const link = world.linkOf(0);

    const person = world.http();
    const page = await person.get(link).expect(200);
    expect(pageText(page.text)).toContain('Neues Passwort wählen');
    const mismatch = await submitForm(person, link, link, { password: newPassword, passwordRepeat: 'etwas anderes' });
    expect(mismatch.status).toBe(422);
    expect(fieldError(mismatch.text, 'passwordRepeat')).toBeTruthy();
    const done = await submitForm(person, link, link, { password: newPassword, passwordRepeat: newPassword });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/login');

    // The session on the other device has ended.
    await elsewhere.get('/appeals').expect(303);
    // Old password refused, new one works.
    const old = await submitForm(world.http(), '/login', '/login', { email: 'andrea@example.org', password: world.account.password });
    expect(old.status).toBe(422);
    await loginAs(world.http(), { email: 'andrea@example.org', password: newPassword });

    // The link is used up.
    const again = await world.http().get(link);
    expect(again.status).toBe(410);
    expect(pageText(again.text)).toContain('schon benutzt');
    const posted = await submitForm(world.http(), '/login', link, { password: 'noch ein anderes Passwort', passwordRepeat: 'noch ein anderes Passwort' });
    expect(posted.status).toBe(410);
    await loginAs(world.http(), { email: 'andrea@example.org', password: newPassword });
  });

  it('a link expires after an hour; a newer link replaces the older; an unknown link gets its own page', async () => {
    const world = await installation();
    await world.ask('andrea@example.org');
    await world.worker.runOnce();
    world.time.advance(60 * 60 * 1000 + 1000);
    const expired = await world.http().get(world.linkOf(0));
    expect(expired.status).toBe(410);
    expect(pageText(expired.text)).toContain('abgelaufen');

    await world.ask('andrea@example.org');
    await world.worker.runOnce();
    await world.ask('andrea@example.org');
    await world.worker.runOnce();
    expect(world.sink.received).toHaveLength(3);
    expect((await world.http().get(world.linkOf(1))).status).toBe(410);
    await world.http().get(world.linkOf(2)).expect(200);

    const unknown = await world.http().get(`/reset/${'x'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(pageText(unknown.text)).toContain('Diesen Link kennen wir nicht');
    expect((await world.http().get('/reset/kaputt')).status).toBe(404);
  });

  it('sends at most three mails an hour per account and limits requests per network', async () => {
    const world = await installation();
    const agent = world.http();
    const token = csrfToken((await agent.get('/forgot-password')).text);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      statuses.push((await agent.post('/forgot-password').type('form').send({ _csrf: token, email: 'andrea@example.org' })).status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
    // Three links were issued (the rest got the same answer and no mail) …
    expect(world.db.select().from(accountTokens).all()).toHaveLength(3);
    await world.worker.runOnce();
    // … and the mails of replaced links are not sent at all.
    expect(world.sink.received).toHaveLength(1);
  });
});
