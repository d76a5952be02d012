// The mailbox and the replies together: the letters go out through a real SMTP server, the
// answers lie in a real IMAP mailbox (dovecot), the mailbox job reads them and the replies'
// handler records each with its delivery — as the server wires them in background.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../helpers/app.ts';
import { ImapServer } from '../helpers/imap-server.ts';
import { createMailboxJob } from '../../server/mailbox/mailbox.job.ts';
import type { MailboxJob } from '../../server/mailbox/mailbox.job.ts';
import { recordIncomingMessage } from '../../server/replies/incoming.service.ts';
import { deliveryNotices, replies } from '../../server/replies/replies.table.ts';
import { postfixBounce, reply } from '../mailbox/fixtures.ts';
import { sentAppeal } from './setup.ts';
import { t } from '../../server/i18n/index.ts';

const jobs: MailboxJob[] = [];
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.stop();
});

describe('answers from the mailbox', () => {
  it('a reply to the Landrat’s letter and a bounce of Goch’s are recorded with their deliveries, once', async () => {
    const s = await sentAppeal();
    const landrat = s.byEmail('landrat@kreis-kleve.example');
    const goch = s.byEmail('buergermeisterin@goch.example');
    const server = await ImapServer.start();
    await server.append([reply({ inReplyTo: landrat.outbox!.messageId! }), postfixBounce({ original: goch.outbox!.messageId! })]);
    const job = createMailboxJob({
      db: s.app.db,
      clock: s.time.clock,
      mailbox: testConfig({ IMAP_URL: server.url() }).mailbox!,
      handler: (message) => recordIncomingMessage({ db: s.app.db, clock: s.time.clock, store: s.store, message }),
    });
    jobs.push(job);
    expect(await job.runOnce()).toMatchObject({ handedOver: 2 });
    const stored = s.app.db.select().from(replies).all();
    expect(stored.map((row) => [row.deliveryId, row.source])).toEqual([[landrat.delivery.id, 'mail']]);
    const notices = s.app.db.select().from(deliveryNotices).all();
    expect(notices.map((row) => [row.deliveryId, row.kind])).toEqual([[goch.delivery.id, 'bounce']]);
    // The organiser's inbox says so.
    const inbox = (await s.agent.get(`/appeals/${s.slug}/replies`).expect(200)).text;
    expect(inbox).toContain(t('replies.delivery.bounced'));
    expect(inbox).toContain('1 von ');
    // Read again: nothing new.
    expect(await job.runOnce()).toMatchObject({ handedOver: 0 });
    expect(s.app.db.select().from(replies).all()).toHaveLength(1);
  }, 60_000);
});
