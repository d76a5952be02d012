// The account page: name, e-mail change confirmed by a mail to the new address (through the
// real SMTP server), sessions ended one by one or all others, and the account's own events.
import { describe, expect, it } from 'vitest';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { fieldError, fieldValue, pageText, parseHtml } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

async function installation() {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const test = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url() } });
  const account = await makeOrganiser(test.db, { name: 'Andrea Koordination', email: 'andrea@example.org' });
  await makeOrganiser(test.db, { name: 'Bernd Beispiel', email: 'bernd@example.org' });
  const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
  const agent = test.http();
  await loginAs(agent, { email: 'andrea@example.org', password: account.password });
  return { ...test, sink, time, account, worker, agent };
}

describe('the account page', () => {
  it('changes the name; an empty name is refused at the field', async () => {
    const world = await installation();
    const empty = await submitForm(world.agent, '/account', '/account/name', { name: '  ' });
    expect(empty.status).toBe(422);
    expect(fieldError(empty.text, 'name')).toBeTruthy();
    expect((await submitForm(world.agent, '/account', '/account/name', { name: 'Andrea K. Koordination' })).status).toBe(303);
    const page = await world.agent.get('/account').expect(200);
    expect(fieldValue(page.text, 'name')).toBe('Andrea K. Koordination');
  });

  it('changes the e-mail address only after the new address confirms itself', async () => {
    const world = await installation();
    const wrong = await submitForm(world.agent, '/account', '/account/email', { newEmail: 'andrea@neu.example', emailPassword: 'falsch' });
    expect(wrong.status).toBe(422);
    expect(fieldError(wrong.text, 'emailPassword')).toMatch(/stimmt nicht/);
    expect(fieldValue(wrong.text, 'newEmail')).toBe('andrea@neu.example');
    const taken = await submitForm(world.agent, '/account', '/account/email', { newEmail: 'Bernd@example.org', emailPassword: world.account.password });
    expect(taken.status).toBe(422);
    expect(fieldError(taken.text, 'newEmail')).toBe('Diese E-Mail-Adresse gehört schon zu einem anderen Konto.');

    const asked = await submitForm(world.agent, '/account', '/account/email', { newEmail: 'andrea@neu.example', emailPassword: world.account.password });
    expect(asked.status).toBe(303);
    await world.worker.runOnce();
    expect(world.sink.received.map((mail) => mail.envelope.to)).toEqual([['andrea@neu.example']]);
    const link = /http:\/\/mitzeichnen\.test(\/email\/[A-Za-z0-9_-]{43})/.exec(world.sink.received[0]!.parsed.text ?? '')![1]!;
    // Until confirmed, the old address stays the login.
    expect(pageText((await world.agent.get('/account')).text)).toContain('andrea@example.org');
    const confirmPage = await world.http().get(link).expect(200);
    expect(pageText(confirmPage.text)).toContain('andrea@neu.example');
    const confirmed = await submitForm(world.agent, link, link, {});
    expect(confirmed.status).toBe(303);
    expect(pageText((await world.agent.get('/account')).text)).toContain('andrea@neu.example');
    await loginAs(world.http(), { email: 'andrea@neu.example', password: world.account.password });
    expect((await submitForm(world.http(), '/login', '/login', { email: 'andrea@example.org', password: world.account.password })).status).toBe(422);
    expect((await world.http().get(link)).status).toBe(410);
  });

  it('lists the sessions; ends another one, or all others', async () => {
    const world = await installation();
    const phone = world.http();
    await loginAs(phone, { email: 'andrea@example.org', password: world.account.password });
    const laptop = world.http();
    await loginAs(laptop, { email: 'andrea@example.org', password: world.account.password });
    const page = await world.agent.get('/account').expect(200);
    const $ = parseHtml(page.text);
    expect($('tr[data-session]').length).toBe(3);
    expect($('tr[data-session]').filter((_, row) => $(row).text().includes('dieses Gerät')).length).toBe(1);
    const action = $('tr[data-session] form').first().attr('action')!;
    expect((await submitForm(world.agent, '/account', action, {})).status).toBe(303);
    const alive = [(await phone.get('/appeals')).status, (await laptop.get('/appeals')).status];
    expect(alive.sort()).toEqual([200, 303]);
    // Ending it again finds nothing.
    expect((await submitForm(world.agent, '/account', action, {})).status).toBe(404);
    expect((await submitForm(world.agent, '/account', '/account/sessions/end-others', {})).status).toBe(303);
    expect([(await phone.get('/appeals')).status, (await laptop.get('/appeals')).status]).toEqual([303, 303]);
    await world.agent.get('/appeals').expect(200);
  });

  it('shows the account\'s own security events, with the network only', async () => {
    const world = await installation();
    expect((await submitForm(world.http(), '/login', '/login', { email: 'andrea@example.org', password: 'falsch-falsch' })).status).toBe(422);
    await submitForm(world.agent, '/account', '/account/password', { current: 'auch falsch', password: 'ein anderes langes Passwort', passwordRepeat: 'ein anderes langes Passwort' });
    const page = await world.agent.get('/account').expect(200);
    const events = parseHtml(page.text)('.account-events tbody tr').map((_, row) => parseHtml(page.text)(row).text().replace(/\s+/g, ' ').trim()).get();
    expect(events.some((row) => row.includes('Falsches Passwort'))).toBe(true);
    expect(events.some((row) => row.includes('Passwort geändert'))).toBe(true);
    expect(events.every((row) => !/\d+\.\d+\.\d+\.[1-9]/.test(row))).toBe(true);
    // Another account's failures are not shown here.
    await submitForm(world.http(), '/login', '/login', { email: 'bernd@example.org', password: 'falsch-falsch' });
    const again = await world.agent.get('/account').expect(200);
    expect(parseHtml(again.text)('.account-events tbody tr').length).toBe(events.length);
  });
});
