import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { buildTestApp, fixedNow, tempDataDir } from '../helpers/app.ts';
import { loginAs, makeAppeal, makeOrganiser, submitForm } from '../helpers/factories.ts';
import { parseHtml, pageText } from '../helpers/html.ts';
import { makeMailWorker } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { ComposerRegistry } from '../../server/mail/composers.ts';
import { appMailKinds } from '../../server/background.ts';
import { enqueueMail } from '../../server/mail/mail.service.ts';
import { addMember } from '../../server/appeals/appeals.service.ts';
import { mailRepository } from '../../server/mail/mail.repository.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { readEml } from '../../server/mail/eml-reader.ts';

const clock = () => new Date(fixedNow);

async function ownerWithAppeal(env: Record<string, string> = {}, appealTitle = 'Gemeinsamer Aufruf für Integration') {
  const testApp = await buildTestApp({ env });
  const owner = await makeOrganiser(testApp.db, { name: 'Andrea Koordination', email: 'andrea@example.org' });
  const colleague = await makeOrganiser(testApp.db, { name: 'Bernd Beispiel', email: 'bernd@example.org' });
  const appeal = makeAppeal(testApp.db, owner.organiser.id, { title: appealTitle, coalitionName: 'Aktionsbündnis für Integration im Kreis Kleve' });
  const agent = testApp.http();
  await loginAs(agent, { email: owner.organiser.email, password: owner.password });
  return { ...testApp, owner, colleague, appeal, agent };
}

describe('member-added mail through the file transport and the mail viewer', () => {
  it('adding a member queues a mail; the worker writes a readable .eml; the viewer lists and shows it', async () => {
    const { agent, appeal, db, config, http, colleague } = await ownerWithAppeal();
    const membersUrl = `/appeals/${appeal.slug}/members`;
    const response = await submitForm(agent, membersUrl, membersUrl, { email: 'bernd@example.org', role: 'editor' });
    expect(response.status).toBe(303);

    // The request only queued the mail.
    const rows = db.select().from(mailOutbox).all();
    expect(rows).toMatchObject([{ kind: 'member-added', state: 'queued', recipient: 'bernd@example.org', recipientName: 'Bernd Beispiel' }]);
    expect(existsSync(config.mail.dir) ? readdirSync(config.mail.dir) : []).toEqual([]);

    const { worker } = makeMailWorker({ db, clock, config });
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    const files = readdirSync(config.mail.dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^20261122T100000-[a-f0-9]{12}\.eml$/);

    // A standard parser reads the file as a complete message with both parts.
    const raw = readFileSync(join(config.mail.dir, files[0]!));
    const parsed = await PostalMime.parse(raw);
    const subject = 'Sie wurden zu „Gemeinsamer Aufruf für Integration“ hinzugefügt';
    expect(parsed.subject).toBe(subject);
    expect(parsed.to).toEqual([{ name: 'Bernd Beispiel', address: 'bernd@example.org' }]);
    expect(parsed.from).toEqual({ name: 'Mitzeichnen', address: 'mitzeichnen@mitzeichnen.test' });
    expect(parsed.messageId).toBe(db.select().from(mailOutbox).get()!.messageId);
    expect(parsed.text).toContain('Andrea Koordination hat Sie zum Team von „Gemeinsamer Aufruf für Integration“ hinzugefügt');
    expect(parsed.text).toContain('Ihre Rolle: Bearbeiter:in (darf Text, Erstunterzeichnende und Adressaten bearbeiten).');
    expect(parsed.text).toContain(`http://mitzeichnen.test/appeals/${appeal.slug}`);
    expect(parsed.text?.trim().split('\n').slice(-3)).toEqual([`http://mitzeichnen.test/appeals/${appeal.slug}`, '', 'Diese E-Mail wurde von Mitzeichnen verschickt, dem Werkzeug Ihres Bündnisses für gemeinsame Briefe.']);
    expect(parsed.html).toContain(`href="http://mitzeichnen.test/appeals/${appeal.slug}"`);
    expect(parsed.html).toContain('<strong>„Gemeinsamer Aufruf für Integration“</strong>');

    // The app's own reader agrees with postal-mime.
    const own = readEml(raw);
    expect(own.header('subject')).toBe(subject);
    expect(own.text?.trim()).toBe(parsed.text?.trim());
    expect(own.html?.trim()).toBe(parsed.html?.trim());

    // The viewer of the appeal's mail (its team): list, message, HTML part, download.
    const list = await agent.get(`/appeals/${appeal.slug}/mail`).expect(200);
    const $list = parseHtml(list.text);
    const row = $list('tbody tr').first();
    expect(row.find('td').eq(0).text()).toBe('22.11.2026, 11:00');
    expect(row.find('td').eq(1).text()).toBe('Bernd Beispiel <bernd@example.org>');
    expect(row.find('a').text()).toBe(subject);
    const href = row.find('a').attr('href')!;

    expect(href).toBe(`/appeals/${appeal.slug}/mail/${rows[0]!.id}`);
    const page = await agent.get(href).expect(200);
    const $ = parseHtml(page.text);
    expect($('h1').text()).toBe('Gemeinsamer Aufruf für Integration');
    expect($('.page-head h2').text()).toBe(subject);
    expect($('.mail-headers').text()).toContain('bernd@example.org');
    expect($('pre.mail-text').text()).toContain('Ihre Rolle: Bearbeiter:in');
    const frame = $('iframe.mail-html');
    expect(frame.attr('sandbox')).toBe('');
    expect(frame.attr('src')).toBe(`${href}/html`);

    const html = await agent.get(`${href}/html`).expect(200);
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
    expect(html.headers['content-security-policy']).toMatch(/(^|; )sandbox(;|$)/);
    expect(html.headers['content-security-policy']).not.toContain('script-src');
    expect(html.text).toContain('Aufruf öffnen');

    const download = await agent.get(`${href}/raw`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('message/rfc822');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="20261122T100000-[a-f0-9]{12}\.eml"$/);
    expect(Buffer.compare(download.body as Buffer, raw)).toBe(0);

    // The mail went to Bernd's account: he finds it under "Meine E-Mails"; the sender's own
    // account mail does not list it.
    const bernd = http();
    await loginAs(bernd, { email: 'bernd@example.org', password: colleague.password });
    const mine = parseHtml((await bernd.get('/mail').expect(200)).text);
    expect(mine('h1').text()).toBe('Meine E-Mails');
    expect(mine('tbody a').attr('href')).toBe(`/mail/${rows[0]!.id}`);
    expect(mine('a[href="/appeals/' + appeal.slug + '/mail"]').text()).toBe('Gemeinsamer Aufruf für Integration');
    expect(parseHtml((await bernd.get(`/mail/${rows[0]!.id}`).expect(200)).text)('h1').text()).toBe(subject);
    expect(parseHtml((await agent.get('/mail').expect(200)).text)('tbody tr').length).toBe(0);
    await agent.get(`/mail/${rows[0]!.id}`).expect(404);
  });

  it('escapes a title with markup in the HTML part and keeps line breaks out of the subject', async () => {
    const { agent, appeal, db, config } = await ownerWithAppeal({}, 'Aufruf <script>alert(1)</script>');
    // A title with CR/LF cannot come through the form; write it directly to prove the mail layer holds.
    db.update((await import('../../server/appeals/appeals.table.ts')).appeals).set({ title: 'Aufruf\r\nBcc: opfer@example.net <b>' }).run();
    const membersUrl = `/appeals/${appeal.slug}/members`;
    await submitForm(agent, membersUrl, membersUrl, { email: 'bernd@example.org', role: 'viewer' });
    const { worker } = makeMailWorker({ db, clock, config });
    await worker.runOnce();
    const [file] = readdirSync(config.mail.dir);
    const parsed = await PostalMime.parse(readFileSync(join(config.mail.dir, file!)));
    expect(parsed.subject).toBe('Sie wurden zu „Aufruf Bcc: opfer@example.net <b>“ hinzugefügt');
    expect(parsed.headers.map((header) => header.key)).not.toContain('bcc');
    expect(parsed.html).toMatch(/Aufruf\s+Bcc: opfer@example\.net &lt;b&gt;/);
    expect(parsed.html).not.toContain('<b>');
  });

  it('shows attachments with a download link', async () => {
    const { agent, db, config, appeal } = await ownerWithAppeal();
    const pdf = Buffer.from('%PDF-1.7\n% ein Testdokument\n%%EOF\n');
    const composers = appMailKinds().register('with-pdf', async () => ({
      subject: 'Brief mit Anlage',
      text: 'Siehe Anlage.',
      html: '<p>Siehe Anlage.</p><script>alert(1)</script>',
      attachments: [{ filename: '2026-11-22_Gemeinsamer-Aufruf_Kreis-Kleve.pdf', content: pdf, contentType: 'application/pdf' }],
    }));
    enqueueMail({ db, clock, mail: { kind: 'with-pdf', payload: {}, to: 'landrat@kreis-kleve.example', appealId: appeal.id } });
    const { worker } = makeMailWorker({ db, clock, config, composers });
    await worker.runOnce();

    const list = await agent.get(`/appeals/${appeal.slug}/mail`).expect(200);
    const href = parseHtml(list.text)('tbody a').attr('href')!;
    const page = await agent.get(href).expect(200);
    const link = parseHtml(page.text)('.mail-attachments a');
    expect(link.text()).toBe('2026-11-22_Gemeinsamer-Aufruf_Kreis-Kleve.pdf');
    expect(pageText(page.text)).toContain('application/pdf');
    const file = await agent.get(link.attr('href')!).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="2026-11-22_Gemeinsamer-Aufruf_Kreis-Kleve\.pdf"/);
    expect(Buffer.compare(file.body as Buffer, pdf)).toBe(0);
    // The HTML part keeps its script tag as sent, but the frame can never run it.
    const html = await agent.get(`${href}/html`).expect(200);
    expect(html.headers['content-security-policy']).toMatch(/default-src 'none'.*sandbox/);
    await agent.get(`${href}/attachments/5`).expect(404);
  });

  it('signs with DKIM when configured', async () => {
    const keyDir = tempDataDir();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(keyDir, 'dkim.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const { db, config, appeal, colleague } = await ownerWithAppeal({
      MAIL_FROM: 'Bündnis <buendnis@example.org>',
      DKIM_DOMAIN: 'example.org',
      DKIM_SELECTOR: 'mz2026',
      DKIM_PRIVATE_KEY_FILE: join(keyDir, 'dkim.pem'),
    });
    addMember({ db, clock, appeal, input: { email: colleague.organiser.email, role: 'viewer' }, addedBy: 'Andrea Koordination' });
    const { worker } = makeMailWorker({ db, clock, config });
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    const [file] = readdirSync(config.mail.dir);
    const raw = readFileSync(join(config.mail.dir, file!)).toString();
    expect(raw).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example\.org;[\s\S]*s=mz2026;/m);
  });

  it('answers unknown or malformed mail ids with a German 404 page', async () => {
    const { agent, appeal } = await ownerWithAppeal();
    const base = `/appeals/${appeal.slug}/mail`;
    for (const url of [`${base}/999`, `${base}/999/raw`, `${base}/999/html`, `${base}/999/attachments/0`, '/mail/999', '/mail/999/raw']) {
      const response = await agent.get(url);
      expect(response.status).toBe(404);
      expect(pageText(response.text)).toContain('Diese E-Mail gibt es nicht (mehr).');
    }
    // A path or a file name in the id (the former viewer's links) or a non-numeric index does
    // not fit the route's schema: the general 404, whoever's mail it was.
    for (const url of ['/mail/..%2F..%2Fmitzeichnen.sqlite', '/mail/20261122T100000-000000000000', '/mail/20261122T100000-000000000000/raw', `${base}/x/attachments/eins`, `${base}/1/attachments/eins`]) {
      const response = await agent.get(url);
      expect(response.status).toBe(404);
      expect(pageText(response.text)).toContain('Diese Seite gibt es nicht');
    }
  });

  it('needs a login', async () => {
    const { http } = await buildTestApp();
    const response = await http().get('/mail');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/login?next=%2Fmail');
    await http().get('/mail/outbox').expect(303);
  });

  it('is linked in the main navigation', async () => {
    const { agent } = await ownerWithAppeal();
    const page = await agent.get('/appeals').expect(200);
    expect(parseHtml(page.text)('.site-nav a[href="/mail"]').text()).toBe('E-Mails');
  });
});

describe('member-added mail over SMTP', () => {
  it('arrives at the SMTP server with a working link, and /mail says mail goes to the server', async () => {
    const sink = await SmtpSink.start();
    const { agent, appeal, db, config } = await ownerWithAppeal({ SMTP_URL: sink.url(), MAIL_FROM: 'Aktionsbündnis Kleve <buendnis@example.org>' });
    const membersUrl = `/appeals/${appeal.slug}/members`;
    await submitForm(agent, membersUrl, membersUrl, { email: 'bernd@example.org', role: 'editor' });
    expect(sink.received).toHaveLength(0);
    const { worker } = makeMailWorker({ db, clock, config });
    await worker.runOnce();
    expect(sink.received).toHaveLength(1);
    const mail = sink.received[0]!.parsed;
    expect(mail.from).toEqual({ name: 'Aktionsbündnis Kleve', address: 'buendnis@example.org' });
    const link = /http:\/\/mitzeichnen\.test(\/appeals\/[a-z0-9-]+)/.exec(mail.text ?? '')![1]!;
    expect(link).toBe(`/appeals/${appeal.slug}`);

    const page = await agent.get(`/appeals/${appeal.slug}/mail`).expect(200);
    expect(pageText(page.text)).toContain(`E-Mails gehen an den Mailserver smtp://127.0.0.1:${sink.port}`);
    expect(parseHtml(page.text)('table').length).toBe(0);
  });
});

describe('outbox status page', () => {
  it('shows counts per state, the pause reason, and failed, rejected and uncertain rows', async () => {
    const sink = await SmtpSink.start();
    const { agent, db, config, appeal } = await ownerWithAppeal({ SMTP_URL: sink.url() });
    const echo = new ComposerRegistry().register('echo', async (payload) => ({ subject: String((payload as { s: string }).s), text: 'x', html: '<p>x</p>' }));
    const queue = (to: string, s: string, appealId = appeal.id) => enqueueMail({ db, clock, mail: { kind: 'echo', payload: { s }, to, appealId } });
    // A row of another appeal (another coalition) is neither counted nor listed.
    queue('fremd@example.org', 'Fremder Aufruf', appeal.id + 1000);
    queue('ok@example.org', 'Geht durch');
    const { worker } = makeMailWorker({ db, clock, config, composers: echo });
    await worker.runOnce();
    sink.rejectAll = true;
    queue('weg@example.org', 'Abgelehnt');
    await worker.runOnce();
    sink.rejectAll = false;
    const crashed = queue('unklar@example.org', 'Mitten im Absturz');
    mailRepository(db).claimDue(clock(), 1, 'crashed-host:4242:dead', () => '<crash.1@example.org>');
    worker.recover();
    await sink.stop();
    queue('wartet@example.org', 'Wartet');
    await worker.runOnce();

    const page = await agent.get(`/appeals/${appeal.slug}/mail/outbox`).expect(200);
    const $ = parseHtml(page.text);
    const count = (state: string) => $(`.outbox-counts__item[data-state="${state}"] dd`).text();
    expect([count('queued'), count('sent'), count('rejected'), count('uncertain'), count('failed')]).toEqual(['1', '1', '1', '1', '0']);
    expect($('.notice--danger').text()).toContain('Der Versand ist angehalten');
    expect($('.notice--danger').text()).toContain('Der Mailserver ist nicht erreichbar (connect ECONNREFUSED');
    const rows = $('tbody tr');
    expect(rows.length).toBe(2);
    const uncertain = $(`tr[data-outbox-id="${crashed.id}"]`);
    expect(uncertain.find('.badge').text()).toBe('unklar');
    expect(uncertain.text()).toContain('unklar@example.org');
    expect(pageText(page.text)).toContain('550 5.1.1 Mailbox unavailable');
    expect(pageText(page.text)).not.toContain('fremd@example.org');
    // The organiser's own outbox holds none of these (they are the appeal's mail).
    const own = parseHtml((await agent.get('/mail/outbox').expect(200)).text);
    expect(own(`.outbox-counts__item[data-state="sent"] dd`).text()).toBe('0');
  });
});
