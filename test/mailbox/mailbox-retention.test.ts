// The retention rule of the mailbox's record (mailbox_messages, and incoming_messages of the
// replies): after RETENTION_MAIL_DAYS the Message-ID is kept only as a digest and the detail
// goes, through the daily retention job with an injected clock; the same mail seen again is
// still recognised and never handed over twice (a real IMAP server, dovecot).
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { ImapServer } from '../helpers/imap-server.ts';
import { createMailboxJob } from '../../server/mailbox/mailbox.job.ts';
import type { MailboxJob } from '../../server/mailbox/mailbox.job.ts';
import { mailboxRepository } from '../../server/mailbox/mailbox.repository.ts';
import { mailboxMessages } from '../../server/mailbox/mailbox.table.ts';
import type { IncomingMessage } from '../../server/mailbox/incoming.ts';
import { applyRetention } from '../../server/privacy/retention.ts';
import { repliesRepository } from '../../server/replies/replies.repository.ts';
import { incomingMessages } from '../../server/replies/replies.table.ts';
import { reply } from './fixtures.ts';

const jobs: MailboxJob[] = [];
afterEach(async () => {
  while (jobs.length > 0) await jobs.pop()!.stop();
});

const DAY = 86_400_000;

describe('the retention of the mailbox record', () => {
  it('keeps only a digest of old Message-IDs, drops the detail, and still hands a mail over once', async () => {
    const server = await ImapServer.start();
    await server.append([reply()]);
    const { db } = createTestDatabase();
    let now = new Date('2026-11-23T11:04:00Z');
    const clock = () => now;
    const config = testConfig({ IMAP_URL: server.url(), RETENTION_MAIL_DAYS: '90' });
    const received: IncomingMessage[] = [];
    const job = createMailboxJob({
      db,
      clock,
      mailbox: config.mailbox!,
      handler: async (message) => {
        received.push(message);
        // As the replies' handler does: the Message-ID claimed once.
        return repliesRepository(db).claimIncoming(message.messageId!, clock()) ? 'recorded' : 'ignored';
      },
    });
    jobs.push(job);
    expect(await job.runOnce()).toMatchObject({ handedOver: 1 });
    mailboxRepository(db).record({ folder: 'INBOX', uidValidity: 1, uid: 999 }, { messageId: '<gross@kleve.example>', size: 60_000_000, kind: null, outcome: 'too_large', detail: '60000000 bytes', at: now });

    // Within the retention period nothing changes.
    now = new Date(now.getTime() + 89 * DAY);
    expect(applyRetention({ db, clock, config }).mailboxMessages).toBe(0);
    expect(db.select().from(mailboxMessages).all().map((row) => row.messageId)).toEqual(['<antwort-1@kreis-kleve.example>', '<gross@kleve.example>']);

    // After it: digests only, no detail; place, outcome and time stay.
    now = new Date(now.getTime() + 2 * DAY);
    expect(applyRetention({ db, clock, config }).mailboxMessages).toBe(3);
    const rows = db.select().from(mailboxMessages).all();
    expect(rows.map((row) => row.messageId)).toEqual([expect.stringMatching(/^sha256:[0-9a-f]{64}$/), expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]);
    expect(rows.map((row) => [row.uid, row.outcome, row.detail])).toEqual([
      [1, 'recorded', ''],
      [999, 'too_large', ''],
    ]);
    expect(JSON.stringify(rows)).not.toContain('kreis-kleve');
    expect(db.select().from(incomingMessages).all().map((row) => row.messageId)).toEqual([rows[0]!.messageId]);
    // A second run changes nothing more.
    expect(applyRetention({ db, clock, config }).mailboxMessages).toBe(0);

    // The same mail delivered again (a new UID): recognised by its digest, not handed over.
    await server.append([reply()]);
    expect(await job.runOnce()).toMatchObject({ handedOver: 0, skipped: 1 });
    expect(received).toHaveLength(1);
    // And the replies' own claim still refuses it, should it get there by another way.
    expect(repliesRepository(db).claimIncoming('<antwort-1@kreis-kleve.example>', now)).toBe(false);
    expect(repliesRepository(db).claimIncoming('<neu@kreis-kleve.example>', now)).toBe(true);
  });
});
