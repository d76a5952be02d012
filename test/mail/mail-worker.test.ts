import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDatabase } from '../helpers/db.ts';
import { fixedNow, testConfig } from '../helpers/app.ts';
import { makeMailWorker, manualClock } from '../helpers/mail.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { ComposerRegistry } from '../../server/mail/composers.ts';
import { enqueueMail, getOutboxRow, getOutboxStatus, markMailDelivered, resendMail } from '../../server/mail/mail.service.ts';
import { mailRepository } from '../../server/mail/mail.repository.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { MailNotNeeded } from '../../server/mail/mail.types.ts';
import type { Composer } from '../../server/mail/mail.types.ts';

/** A composer that echoes its payload: subject and body come from the test. */
const echo: Composer = async (payload) => {
  const { subject, body } = payload as { subject: string; body: string };
  return { subject, text: `${body}\n`, html: `<p>${body}</p>` };
};

function setup(env: Record<string, string> = {}, options: { concurrency?: number } = {}) {
  const connection = createTestDatabase();
  const time = manualClock(fixedNow);
  const config = testConfig({ MAIL_FROM: 'Aktionsbündnis Kleve <buendnis@example.org>', ...env });
  const composers = new ComposerRegistry().register('echo', echo);
  const { worker } = makeMailWorker({ db: connection.db, clock: time.clock, config, composers, concurrency: options.concurrency ?? 2 });
  const queue = (to = 'landrat@kreis-kleve.example', subject = 'Gemeinsamer Aufruf', body = 'Hallo') =>
    enqueueMail({ db: connection.db, clock: time.clock, mail: { kind: 'echo', payload: { subject, body }, to, toName: 'Landrat' } });
  return { db: connection.db, sqlite: connection.sqlite, time, config, worker, composers, queue };
}

describe('mail worker over a real SMTP server', () => {
  it('sends a queued mail with HTML and text parts and records it as sent with the stored Message-ID', async () => {
    const sink = await SmtpSink.start();
    const { db, worker, queue } = setup({ SMTP_URL: sink.url() });
    const row = queue();
    expect(row.state).toBe('queued');
    expect(sink.received).toHaveLength(0); // queueing sends nothing

    const result = await worker.runOnce();
    expect(result).toMatchObject({ sent: 1, failed: 0, rejected: 0, paused: false });
    const stored = getOutboxRow({ db, id: row.id })!;
    expect(stored.state).toBe('sent');
    expect(stored.attempts).toBe(1);
    expect(stored.smtpResponse).toMatch(/^250 /);
    expect(stored.messageId).toMatch(/^<mz\.\d+\.[a-f0-9]{16}@example\.org>$/);

    const [mail] = sink.received;
    expect(mail!.parsed.messageId).toBe(stored.messageId);
    expect(mail!.parsed.from).toEqual({ name: 'Aktionsbündnis Kleve', address: 'buendnis@example.org' });
    expect(mail!.envelope.to).toEqual(['landrat@kreis-kleve.example']);
    expect(mail!.parsed.text!.trim()).toBe('Hallo');
    expect(mail!.parsed.html!.trim()).toBe('<p>Hallo</p>');
    expect(mail!.raw.toString()).toMatch(/multipart\/alternative/);
  });

  it('retries a 451 with exponential backoff, keeps the Message-ID and sends on the third attempt', async () => {
    const sink = await SmtpSink.start();
    const { db, worker, queue, time } = setup({ SMTP_URL: sink.url() });
    sink.tempFailures = 2;
    const row = queue();

    expect(await worker.runOnce()).toMatchObject({ failed: 1, sent: 0 });
    const first = getOutboxRow({ db, id: row.id })!;
    expect(first.state).toBe('failed');
    expect(first.lastError).toMatch(/^451 /);
    expect(first.nextAttemptAt!.getTime()).toBe(fixedNow.getTime() + 60_000);
    const messageId = first.messageId;
    expect(messageId).toBeTruthy();

    // Not due yet: nothing happens.
    time.advance(59_000);
    expect(await worker.runOnce()).toMatchObject({ failed: 0, sent: 0 });

    time.advance(1_000);
    expect(await worker.runOnce()).toMatchObject({ failed: 1 });
    const second = getOutboxRow({ db, id: row.id })!;
    expect(second.attempts).toBe(2);
    expect(second.nextAttemptAt!.getTime()).toBe(fixedNow.getTime() + 60_000 + 120_000); // doubled

    time.advance(120_000);
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    const done = getOutboxRow({ db, id: row.id })!;
    expect(done).toMatchObject({ state: 'sent', attempts: 3, lastError: '', messageId });
    expect(sink.messageIds()).toEqual([messageId]);
  });

  it('gives up on a 4xx after the attempt cap: failed with no next attempt', async () => {
    const sink = await SmtpSink.start();
    const { db, queue, config, time } = setup({ SMTP_URL: sink.url() });
    const composers = new ComposerRegistry().register('echo', echo);
    const { worker } = makeMailWorker({ db, clock: time.clock, config, composers, maxAttempts: 3, retryDelayMs: () => 0 });
    sink.tempFailures = 10;
    const row = queue();
    await worker.runOnce();
    const stored = getOutboxRow({ db, id: row.id })!;
    expect(stored).toMatchObject({ state: 'failed', attempts: 3, nextAttemptAt: null });
    expect(sink.tempFailures).toBe(7);
  });

  it('marks a 550 as rejected with the server’s reason and never retries it', async () => {
    const sink = await SmtpSink.start();
    const { db, worker, queue, time } = setup({ SMTP_URL: sink.url() });
    sink.rejectAll = true;
    const row = queue();
    expect(await worker.runOnce()).toMatchObject({ rejected: 1 });
    const stored = getOutboxRow({ db, id: row.id })!;
    expect(stored.state).toBe('rejected');
    expect(stored.lastError).toBe('550 5.1.1 Mailbox unavailable: no such user');
    expect(stored.nextAttemptAt).toBeNull();

    sink.rejectAll = false;
    time.advance(24 * 3_600_000);
    expect(await worker.runOnce()).toMatchObject({ sent: 0, rejected: 0 });
    expect(sink.received).toHaveLength(0);
    expect(getOutboxRow({ db, id: row.id })!.attempts).toBe(1);
  });

  it('pauses with a visible reason when the server is down, keeps the queue, and resumes when it is back', async () => {
    const sink = await SmtpSink.start();
    const { db, worker, queue, time } = setup({ SMTP_URL: sink.url() });
    await sink.stop();
    const rows = [queue('a@example.org'), queue('b@example.org'), queue('c@example.org')];

    const result = await worker.runOnce();
    expect(result.paused).toBe(true);
    const status = getOutboxStatus({ db });
    expect(status.pause?.reason).toMatch(/^Der Mailserver ist nicht erreichbar \(connect ECONNREFUSED/);
    expect(status.pause?.until?.getTime()).toBe(fixedNow.getTime() + 60_000);
    // Nothing burnt: every row is still queued and no attempt was counted.
    for (const row of rows) expect(getOutboxRow({ db, id: row.id })).toMatchObject({ state: 'queued', attempts: 0 });
    expect(status.counts).toMatchObject({ queued: 3, failed: 0, sending: 0 });

    // While paused the worker does not even try.
    await sink.restart();
    expect(await worker.runOnce()).toMatchObject({ paused: true, sent: 0 });
    expect(sink.received).toHaveLength(0);

    time.advance(60_000);
    expect(await worker.runOnce()).toMatchObject({ paused: false, sent: 3 });
    expect(getOutboxStatus({ db }).pause).toBeNull();
    expect(sink.received.map((mail) => mail.envelope.to[0]).sort()).toEqual(['a@example.org', 'b@example.org', 'c@example.org']);
  });

  it('pauses on a refused login and says to check SMTP_URL', async () => {
    const sink = await SmtpSink.start({ auth: { user: 'buendnis', pass: 'richtig' } });
    const { db, worker, queue } = setup({ SMTP_URL: sink.url({ user: 'buendnis', pass: 'falsch' }) });
    const row = queue();
    expect(await worker.runOnce()).toMatchObject({ paused: true, sent: 0 });
    expect(getOutboxStatus({ db }).pause?.reason).toMatch(/Anmeldung abgelehnt \(535 5\.7\.8 .*SMTP_URL/);
    expect(getOutboxRow({ db, id: row.id })).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('sends with the right credentials', async () => {
    const sink = await SmtpSink.start({ auth: { user: 'buendnis', pass: 'richtig' } });
    const { worker, queue } = setup({ SMTP_URL: sink.url({ user: 'buendnis', pass: 'richtig' }) });
    queue();
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
  });

  it('after a crash a row left in "sending" becomes uncertain and is never re-sent automatically', async () => {
    const sink = await SmtpSink.start();
    const { db, queue, config, time } = setup({ SMTP_URL: sink.url() });
    const row = queue();
    // The dead process had claimed the row (claim committed) but never recorded an outcome.
    const [claimed] = mailRepository(db).claimDue(time.clock(), 1, 'crashed-host:4242:dead', () => '<crashed.1@example.org>');
    expect(claimed!.id).toBe(row.id);

    const composers = new ComposerRegistry().register('echo', echo);
    const { worker: restarted } = makeMailWorker({ db, clock: time.clock, config, composers });
    expect(restarted.recover()).toEqual([row.id]);
    const stored = getOutboxRow({ db, id: row.id })!;
    expect(stored).toMatchObject({ state: 'uncertain', messageId: '<crashed.1@example.org>' });

    time.advance(24 * 3_600_000);
    expect(await restarted.runOnce()).toMatchObject({ sent: 0, failed: 0 });
    expect(sink.received).toHaveLength(0);

    // The organiser decides: send again (same Message-ID, so the receiver can spot a duplicate).
    expect(resendMail({ db, clock: time.clock, id: row.id })).toBe(true);
    expect(await restarted.runOnce()).toMatchObject({ sent: 1 });
    expect(sink.messageIds()).toEqual(['<crashed.1@example.org>']);
  });

  it('at start leaves rows of a live worker alone but takes over those of a dead process or a stale claim', async () => {
    const { db, queue, time, worker } = setup();
    const [stale, dead, live] = [queue('a@example.org'), queue('b@example.org'), queue('c@example.org')];
    const repository = mailRepository(db);
    const host = hostname();
    // A worker of a live process on this host (this test process) claimed `stale` and still holds it 11 minutes later.
    repository.claimDue(time.clock(), 1, `${host}:${process.pid}:slow`, () => '<stale.1@example.org>');
    // A process that no longer exists had claimed `dead`.
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    repository.claimDue(time.clock(), 1, `${host}:${child.stdout.toString()}:gone`, () => '<dead.1@example.org>');
    time.advance(11 * 60_000);
    // Another worker in this live process has just claimed `live`: it is sending it right now.
    repository.claimDue(time.clock(), 1, `${host}:${process.pid}:other`, () => '<live.1@example.org>');
    expect(worker.recover().sort()).toEqual([stale.id, dead.id].sort());
    expect(getOutboxRow({ db, id: live.id })!.state).toBe('sending');
  });

  it('lets an organiser mark an uncertain row as delivered', async () => {
    const { db, queue, time, worker } = setup();
    const row = queue();
    mailRepository(db).claimDue(time.clock(), 1, 'crashed-host:4242:dead', () => '<x.1@example.org>');
    worker.recover();
    expect(markMailDelivered({ db, clock: time.clock, id: row.id })).toBe(true);
    expect(getOutboxRow({ db, id: row.id })!.state).toBe('sent');
    expect(markMailDelivered({ db, clock: time.clock, id: row.id })).toBe(false);
  });

  it('strips line breaks from subject and names: no header can be injected', async () => {
    const sink = await SmtpSink.start();
    const { worker, db, time } = setup({ SMTP_URL: sink.url() });
    enqueueMail({
      db,
      clock: time.clock,
      mail: {
        kind: 'echo',
        payload: { subject: 'Aufruf\r\nBcc: opfer@example.net\r\nX-Evil: 1', body: 'x' },
        to: 'landrat@kreis-kleve.example',
        toName: 'Landrat\r\nBcc: zweites-opfer@example.net',
      },
    });
    await worker.runOnce();
    const [mail] = sink.received;
    expect(mail!.envelope.to).toEqual(['landrat@kreis-kleve.example']);
    expect(mail!.parsed.subject).toBe('Aufruf Bcc: opfer@example.net X-Evil: 1');
    const headerKeys = mail!.parsed.headers.map((header) => header.key);
    expect(headerKeys).not.toContain('bcc');
    expect(headerKeys).not.toContain('x-evil');
    expect(mail!.parsed.to).toEqual([{ name: 'Landrat Bcc: zweites-opfer@example.net', address: 'landrat@kreis-kleve.example' }]);
  });

  it('refuses to queue an address with a line break or without a domain', () => {
    const { db, time } = setup();
    for (const to of ['a@example.org\r\nBcc: b@example.org', 'kein-at', 'Name <a@example.org>']) {
      expect(() => enqueueMail({ db, clock: time.clock, mail: { kind: 'echo', payload: {}, to } })).toThrow(/invalid address/);
    }
  });

  it('two workers on one database never send the same row', async () => {
    const sink = await SmtpSink.start();
    const { db, queue, config, time, worker: first } = setup({ SMTP_URL: sink.url() }, { concurrency: 4 });
    const composers = new ComposerRegistry().register('echo', echo);
    const { worker: second } = makeMailWorker({ db, clock: time.clock, config, composers, concurrency: 4 });
    for (let i = 0; i < 60; i += 1) queue(`empfaenger${i}@example.org`, `Brief ${i}`);

    const [a, b] = await Promise.all([first.runOnce(), second.runOnce()]);
    expect(a.sent + b.sent).toBe(60);
    expect(a.sent).toBeGreaterThan(0);
    expect(b.sent).toBeGreaterThan(0);
    const ids = sink.messageIds();
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    const rows = db.select().from(mailOutbox).all();
    expect(rows.every((row) => row.state === 'sent' && row.attempts === 1)).toBe(true);
  });

  it('a mail whose composer is missing or gives up ends as failed with the reason, without sending', async () => {
    const sink = await SmtpSink.start();
    const { db, worker, time } = setup({ SMTP_URL: sink.url() });
    const row = enqueueMail({ db, clock: time.clock, mail: { kind: 'unbekannt', payload: {}, to: 'a@example.org' } });
    expect(await worker.runOnce()).toMatchObject({ failed: 1 });
    const stored = getOutboxRow({ db, id: row.id })!;
    expect(stored).toMatchObject({ state: 'failed', nextAttemptAt: null });
    expect(stored.lastError).toBe('Die E-Mail konnte nicht erstellt werden: no composer registered for "unbekannt"');
    expect(sink.received).toHaveLength(0);
  });

  it('a mail no longer needed ends as failed with its composer’s German reason, unprefixed', async () => {
    const sink = await SmtpSink.start();
    const { db, worker, time, composers } = setup({ SMTP_URL: sink.url() });
    composers.register('veraltet', async () => {
      throw new MailNotNeeded('Der Aufruf sammelt keine Unterschriften mehr.');
    });
    const row = enqueueMail({ db, clock: time.clock, mail: { kind: 'veraltet', payload: {}, to: 'a@example.org' } });
    expect(await worker.runOnce()).toMatchObject({ failed: 1 });
    expect(getOutboxRow({ db, id: row.id })).toMatchObject({ state: 'failed', lastError: 'Der Aufruf sammelt keine Unterschriften mehr.' });
    expect(sink.received).toHaveLength(0);
  });

  it('calls the kind’s onOutcome hook with the stored row after sent, failed and rejected', async () => {
    const sink = await SmtpSink.start();
    const { db, config, time, queue } = setup({ SMTP_URL: sink.url() });
    const outcomes: string[] = [];
    const composers = new ComposerRegistry().register('echo', echo, {
      onOutcome: (row) => {
        outcomes.push(`${row.recipient}:${row.state}:${row.nextAttemptAt ? 'retry' : 'final'}`);
      },
    });
    const { worker } = makeMailWorker({ db, clock: time.clock, config, composers });
    queue('a@example.org');
    await worker.runOnce();
    sink.tempFailures = 1;
    queue('b@example.org');
    await worker.runOnce();
    sink.rejectAll = true;
    queue('c@example.org');
    await worker.runOnce();
    expect(outcomes).toEqual(['a@example.org:sent:final', 'b@example.org:failed:retry', 'c@example.org:rejected:final']);
  });

  it('refuses a composed message with an invalid Reply-To', async () => {
    const sink = await SmtpSink.start();
    const { db, config, time } = setup({ SMTP_URL: sink.url() });
    const composers = new ComposerRegistry().register('bad', async () => ({
      subject: 'x',
      text: 'x',
      html: 'x',
      replyTo: { name: 'Kontakt', address: 'kontakt@example.org\r\nBcc: opfer@example.net' },
    }));
    const { worker } = makeMailWorker({ db, clock: time.clock, config, composers });
    const row = enqueueMail({ db, clock: time.clock, mail: { kind: 'bad', payload: {}, to: 'a@example.org' } });
    await worker.runOnce();
    expect(getOutboxRow({ db, id: row.id })!.lastError).toMatch(/invalid Reply-To address/);
    expect(sink.received).toHaveLength(0);
  });

  it('runs in the background after start() and stops gracefully', async () => {
    const sink = await SmtpSink.start();
    const { db, config, time, queue } = setup({ SMTP_URL: sink.url() });
    const composers = new ComposerRegistry().register('echo', echo);
    const { worker } = makeMailWorker({ db, clock: time.clock, config, composers, pollIntervalMs: 20 });
    worker.start();
    queue();
    worker.wake();
    await sink.waitFor(1);
    await worker.stop();
    const rows = db.select().from(mailOutbox).where(eq(mailOutbox.state, 'sent')).all();
    expect(rows).toHaveLength(1);
  });
});
