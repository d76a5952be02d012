// The mailbox job as the server runs it: createBackground starts it when IMAP_URL is set, stops
// it with the rest; until the replies part records messages, each is noted by kind and ignored.
import { describe, expect, it } from 'vitest';
import { createBackground } from '../../server/background.ts';
import { mailboxRepository } from '../../server/mailbox/mailbox.repository.ts';
import { testConfig } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { ImapServer } from '../helpers/imap-server.ts';
import { autoReply, postfixBounce, reply } from './fixtures.ts';

describe('the mailbox in the background work', () => {
  it('without IMAP_URL there is no mailbox job', () => {
    const connection = createTestDatabase();
    expect(createBackground({ db: connection.db, clock: () => new Date(), config: testConfig() }).mailbox).toBeUndefined();
  });

  it('with IMAP_URL it reads the mailbox on start, hands each message to the replies (none matches a delivery here: ignored, logged by kind only), and stops with the rest', async () => {
    const server = await ImapServer.start();
    await server.append([reply(), postfixBounce(), autoReply(['Auto-Submitted: auto-replied'])]);
    const connection = createTestDatabase();
    const lines: { object: Record<string, unknown>; message: string }[] = [];
    const log = (object: Record<string, unknown>, message: string) => lines.push({ object, message });
    const background = createBackground({ db: connection.db, clock: () => new Date(), config: testConfig({ IMAP_URL: server.url() }), logger: { info: log, warn: log, error: log } });
    background.start();
    const repository = mailboxRepository(connection.db);
    for (let waited = 0; repository.state()?.lastReadAt == null; waited += 100) {
      if (waited > 20_000) throw new Error('the mailbox was not read');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await background.stop();
    expect(repository.outcomes().map((row) => [row.kind, row.outcome])).toEqual([
      ['reply', 'ignored'],
      ['bounce', 'ignored'],
      ['auto-reply', 'ignored'],
    ]);
    const ignored = lines.filter((line) => line.message === 'incoming message matches no delivery; ignored');
    expect(ignored.map((line) => line.object.kind)).toEqual(['reply', 'bounce', 'auto-reply']);
    // Nothing of a message's content or the password in any log line.
    const logged = JSON.stringify(lines);
    for (const secret of [server.password, 'Landrat', 'buero.landrat', 'Gemeinsamer Appell', 'buergermeister@goch']) expect(logged).not.toContain(secret);
  });
});
