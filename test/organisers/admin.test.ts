// The operator: the first account (setup) or `create-organiser --admin` is an admin; the admin
// page lists accounts, appeals with owners and states, mail health, and records every action.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/client.ts';
import { organisersRepository } from '../../server/organisers/organisers.repository.ts';
import { buildTestApp, fixedNow, tempDataDir } from '../helpers/app.ts';
import { runMitzeichnen } from '../helpers/cli.ts';
import { loginAs, makeAppeal, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { fieldError, pageText, parseHtml } from '../helpers/html.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';

async function installation() {
  const sink = await SmtpSink.start();
  const time = manualClock(fixedNow);
  const test = await buildTestApp({ clock: time.clock, env: { SMTP_URL: sink.url() } });
  const admin = test.http();
  const created = await submitForm(admin, '/setup', '/setup', { name: 'Olaf Operator', email: 'olaf@kreis.example', password: 'ein langes Betreiberpasswort', passwordRepeat: 'ein langes Betreiberpasswort' });
  expect(created.status).toBe(303);
  const colleague = await makeOrganiser(test.db, { name: 'Carla Colleague', email: 'carla@buendnis.example' });
  const { worker } = makeMailWorker({ db: test.db, clock: time.clock, config: test.config });
  return { ...test, sink, time, admin, colleague, worker };
}

describe('the operator\'s page', () => {
  it('is the first account\'s; for everybody else it does not exist', async () => {
    const world = await installation();
    const page = await world.admin.get('/admin').expect(200);
    expect(parseHtml(page.text)('.site-nav a[href="/admin"]').text()).toBe('Verwaltung');
    expect(pageText(page.text)).toContain('carla@buendnis.example');
    const other = world.http();
    await loginAs(other, { email: 'carla@buendnis.example', password: world.colleague.password });
    expect(parseHtml((await other.get('/appeals')).text)('.site-nav a[href="/admin"]').length).toBe(0);
    await other.get('/admin').expect(404);
    const id = world.colleague.organiser.id;
    expect((await submitForm(other, '/appeals', `/admin/organisers/${id}/disable`, {})).status).toBe(404);
    expect((await submitForm(other, '/appeals', '/admin/invitations', { email: 'x@example.org' })).status).toBe(404);
  });

  it('lists appeals with owners and states, and links only those on whose team the admin is', async () => {
    const world = await installation();
    const own = makeAppeal(world.db, organisersRepository(world.db).findByEmail('olaf@kreis.example')!.id, { title: 'Aufruf des Betreibers' });
    const foreign = makeAppeal(world.db, world.colleague.organiser.id, { title: 'Aufruf von Carla', body: 'Vertraulicher Brieftext' });
    const page = await world.admin.get('/admin').expect(200);
    const $ = parseHtml(page.text);
    const row = $('#admin-appeals ~ .table-wrap tr, #admin-appeals + p + .table-wrap tr').filter((_, element) => $(element).text().includes('Aufruf von Carla'));
    expect(row.text()).toContain('Carla Colleague');
    expect(row.text()).toContain('Entwurf');
    expect($(`a[href="/appeals/${foreign.slug}"]`).length).toBe(0);
    expect($(`a[href="/appeals/${own.slug}"]`).length).toBe(1);
    expect(page.text).not.toContain('Vertraulicher Brieftext');
    await world.admin.get(`/appeals/${foreign.slug}`).expect(404);
    expect($('.outbox-counts dd[data-state="queued"]').text()).toBe('0');
  });

  it('invites an organiser by mail, who then creates an account', async () => {
    const world = await installation();
    const exists = await submitForm(world.admin, '/admin', '/admin/invitations', { email: 'carla@buendnis.example' });
    expect(exists.status).toBe(422);
    expect(fieldError(exists.text, 'email')).toBe('Zu dieser E-Mail-Adresse gibt es schon ein Konto.');
    expect((await submitForm(world.admin, '/admin', '/admin/invitations', { email: 'dora@verein.example' })).status).toBe(303);
    await world.worker.runOnce();
    const mail = world.sink.received[0]!.parsed;
    expect(mail.subject).toBe('Einladung zu Mitzeichnen');
    const link = /http:\/\/mitzeichnen\.test(\/invite\/[A-Za-z0-9_-]{43})/.exec(mail.text ?? '')![1]!;
    const dora = world.http();
    expect(pageText((await dora.get(link).expect(200)).text)).toContain('Olaf Operator hat Sie zu Mitzeichnen eingeladen');
    const accepted = await submitForm(dora, link, link, { name: 'Dora Verein', password: 'ein langes Doras Passwort', passwordRepeat: 'ein langes Doras Passwort' });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe('/appeals');
    await dora.get('/appeals').expect(200);
    const events = pageText((await world.admin.get('/admin')).text);
    expect(events).toContain('Einladung verschickt: dora@verein.example');
  });

  it('disables an account (its open session ends at once), re-enables it, and resets its second factor', async () => {
    const world = await installation();
    const carla = world.http();
    await loginAs(carla, { email: 'carla@buendnis.example', password: world.colleague.password });
    const id = world.colleague.organiser.id;
    expect((await submitForm(world.admin, '/admin', `/admin/organisers/${id}/disable`, {})).status).toBe(303);
    await carla.get('/appeals').expect(303);
    const refused = await submitForm(world.http(), '/login', '/login', { email: 'carla@buendnis.example', password: world.colleague.password });
    expect(fieldError(refused.text, 'email')).toMatch(/gesperrt/);
    expect((await submitForm(world.admin, '/admin', `/admin/organisers/${id}/enable`, {})).status).toBe(303);
    await loginAs(world.http(), { email: 'carla@buendnis.example', password: world.colleague.password });

    // The admin cannot lock themselves out.
    const self = organisersRepository(world.db).findByEmail('olaf@kreis.example')!.id;
    expect((await submitForm(world.admin, '/admin', `/admin/organisers/${self}/disable`, {})).status).toBe(404);

    organisersRepository(world.db).setTotp(id, 'sealed-secret', 0);
    expect((await submitForm(world.admin, '/admin', `/admin/organisers/${id}/reset-2fa`, {})).status).toBe(303);
    await loginAs(world.http(), { email: 'carla@buendnis.example', password: world.colleague.password });

    const events = parseHtml((await world.admin.get('/admin')).text)('.admin-events tbody tr').map((_, row) => parseHtml('')(row).text().replace(/\s+/g, ' ').trim()).get();
    expect(events.join('\n')).toContain('Konto gesperrt: carla@buendnis.example');
    expect(events.join('\n')).toContain('Konto entsperrt: carla@buendnis.example');
    expect(events.join('\n')).toContain('Zwei-Faktor-Anmeldung zurückgesetzt: carla@buendnis.example');
    // Carla sees it among her own events.
    const again = world.http();
    await loginAs(again, { email: 'carla@buendnis.example', password: world.colleague.password });
    expect(pageText((await again.get('/account')).text)).toContain('Konto gesperrt');
  });
});

describe('create-organiser --admin', () => {
  it('makes the operator\'s account', async () => {
    const dataDir = tempDataDir();
    const created = await runMitzeichnen(['create-organiser', '--email', 'op@kreis.example', '--name', 'Operator', '--password-stdin', '--admin'], { env: { DATA_DIR: dataDir }, stdin: 'ein-sicheres-passwort\n' });
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toContain('Created admin organiser');
    const connection = openDatabase(`${dataDir}/mitzeichnen.sqlite`);
    expect(organisersRepository(connection.db).findByEmail('op@kreis.example')?.isAdmin).toBe(true);
    // The only admin lost phone and recovery codes: the operator switches the second factor off.
    organisersRepository(connection.db).setTotp(organisersRepository(connection.db).findByEmail('op@kreis.example')!.id, 'sealed-secret', 0);
    const reset = await runMitzeichnen(['reset-2fa', '--email', 'op@kreis.example'], { env: { DATA_DIR: dataDir } });
    expect(reset).toMatchObject({ code: 0 });
    expect(organisersRepository(connection.db).findByEmail('op@kreis.example')?.totpSecret).toBeNull();
    expect((await runMitzeichnen(['reset-2fa', '--email', 'niemand@kreis.example'], { env: { DATA_DIR: dataDir } })).code).toBe(1);
    connection.close();
  });
});
