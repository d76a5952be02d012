// The mailbox job against a real IMAP server (dovecot): each message handed over once, the
// Message-ID holding when the server renumbers the folder, nothing changed in the mailbox.
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { ImapServer } from '../helpers/imap-server.ts';
import { createMailboxJob } from '../../server/mailbox/mailbox.job.ts';
import type { MailboxJob } from '../../server/mailbox/mailbox.job.ts';
import { mailboxRepository } from '../../server/mailbox/mailbox.repository.ts';
import type { IncomingMessage } from '../../server/mailbox/incoming.ts';
import { autoReply, exchangeBounce, htmlWithScript, ourMessageId, postfixBounce, reply } from './fixtures.ts';

const jobs: MailboxJob[] = [];
afterEach(async () => {
  while (jobs.length > 0) await jobs.pop()!.stop();
});

function setup(server: ImapServer, options: { folder?: string; handler?: (message: IncomingMessage) => Promise<'recorded' | 'ignored'> } = {}) {
  const connection = createTestDatabase();
  const config = testConfig({ IMAP_URL: server.url(options.folder ? { folder: options.folder } : {}) });
  const received: IncomingMessage[] = [];
  const job = createMailboxJob({
    db: connection.db,
    clock: () => new Date('2026-11-23T11:04:00Z'),
    mailbox: config.mailbox!,
    handler: options.handler ?? (async (message) => (received.push(message), 'recorded')),
  });
  jobs.push(job);
  return { db: connection.db, job, received, repository: mailboxRepository(connection.db) };
}

describe('the mailbox job', () => {
  it('hands a reply, a DSN and an auto-reply over once each, and none of them again on the next run', async () => {
    const server = await ImapServer.start();
    await server.append([reply(), postfixBounce(), autoReply(['Auto-Submitted: auto-replied'])]);
    const { job, received, repository } = setup(server);

    expect(await job.runOnce()).toMatchObject({ handedOver: 3, skipped: 0, failed: 0, paused: false });
    expect(received.map((message) => message.kind)).toEqual(['reply', 'bounce', 'auto-reply']);
    expect(received[0]).toMatchObject({ messageId: '<antwort-1@kreis-kleve.example>', inReplyTo: ourMessageId, from: 'buero.landrat@kreis-kleve.example' });
    expect(received[0]!.attachments.map((attachment) => attachment.filename)).toEqual(['Antwort.pdf']);
    expect(received[0]!.attachments[0]!.bytes).toBeInstanceOf(Uint8Array);
    expect(received[1]!.bounce).toMatchObject({ originalMessageId: ourMessageId, recipient: 'buergermeister@goch.example', status: '5.1.1' });
    expect(repository.state()?.lastReadAt?.toISOString()).toBe('2026-11-23T11:04:00.000Z');

    expect(await job.runOnce()).toMatchObject({ handedOver: 0, skipped: 0 });
    expect(received).toHaveLength(3);

    // Only what is new is read on the next run.
    await server.append([exchangeBounce()]);
    expect(await job.runOnce()).toMatchObject({ handedOver: 1 });
    expect(received.map((message) => message.kind)).toEqual(['reply', 'bounce', 'auto-reply', 'bounce']);
    expect(repository.outcomes().map((row) => [row.uid, row.kind, row.outcome])).toEqual([
      [1, 'reply', 'recorded'],
      [2, 'bounce', 'recorded'],
      [3, 'auto-reply', 'recorded'],
      [4, 'bounce', 'recorded'],
    ]);
  });

  it('the same mail fetched twice (delivered again, or the folder renumbered by the server) is recorded once', async () => {
    const server = await ImapServer.start();
    await server.append([reply()]);
    const { job, received, repository } = setup(server);
    await job.runOnce();
    // The same message once more under a new UID …
    await server.append([reply()]);
    expect(await job.runOnce()).toMatchObject({ handedOver: 0, skipped: 1 });
    // … and the whole folder under a new UIDVALIDITY (a restored mailbox): every UID is new, the Message-IDs are not.
    await server.renumber();
    await server.append([htmlWithScript()]);
    expect(await job.runOnce()).toMatchObject({ handedOver: 1, skipped: 2 });
    expect(received.map((message) => message.messageId)).toEqual(['<antwort-1@kreis-kleve.example>', '<html-1@rees.example>']);
    const rows = repository.outcomes();
    expect(new Set(rows.map((row) => row.uidValidity)).size).toBe(2);
    expect(rows.map((row) => row.outcome)).toEqual(['recorded', 'duplicate', 'duplicate', 'duplicate', 'recorded']);
  });

  it('reads the folder named in IMAP_URL, only reads (no flag set, nothing deleted), and hands HTML over as data', async () => {
    const server = await ImapServer.start();
    await server.append([htmlWithScript()], 'Antworten');
    await server.append([reply()]);
    const { job, received } = setup(server, { folder: 'Antworten' });
    await job.runOnce();
    expect(received).toHaveLength(1);
    expect(received[0]!.html).toContain('<script>alert("boom")</script>');
    expect(received[0]!.text).toBe('Danke für Ihren Brief & die Unterschriften.');

    const client = await server.client();
    try {
      const lock = await client.getMailboxLock('Antworten');
      const flags: string[][] = [];
      for await (const message of client.fetch('1:*', { flags: true })) flags.push([...(message.flags ?? [])].filter((flag) => flag !== '\\Recent'));
      lock.release();
      expect(flags).toEqual([[]]);
    } finally {
      await client.logout();
    }
  });

  it('a handler that fails is tried again on the next runs (three times in all), the others are not held up', async () => {
    const server = await ImapServer.start();
    await server.append([autoReply(['X-Autoreply: yes']), reply()]);
    let calls = 0;
    const { job, repository } = setup(server, {
      handler: async (message) => {
        if (message.kind === 'reply') {
          calls += 1;
          throw new Error('database busy');
        }
        return 'ignored';
      },
    });
    expect(await job.runOnce()).toMatchObject({ handedOver: 1, failed: 1 });
    await job.runOnce();
    await job.runOnce();
    await job.runOnce();
    expect(calls).toBe(3);
    // The failing message is the folder's last: `n:*` names it on every run, it is still not tried a fourth time.
    expect(repository.outcomes().map((row) => [row.kind, row.outcome, row.attempts])).toEqual([
      ['auto-reply', 'ignored', 1],
      ['reply', 'failed', 3],
    ]);
  });
});
