// The work the app does beside its requests: the outbox worker, which knows every domain's
// mail kinds, the check for due signing reminders, and the daily retention job. Wired here, once, for the server
// (server/index.ts), the CLI (`send`) and the tests; buildApp stays free of background work.
import type { Eta } from 'eta';
import { registerAppealMailKinds } from './appeals/appeals.mails.ts';
import { registerDispatchMailKinds } from './dispatch/dispatch.mails.ts';
import { registerSignatoryThanksMailKind } from './dispatch/signatory-thanks.mails.ts';
import { registerOrganiserMailKinds } from './organisers/organisers.mails.ts';
import { ComposerRegistry } from './mail/composers.ts';
import { createMailRenderer } from './mail/mail.templates.ts';
import { createMailWorker } from './mail/mail.worker.ts';
import type { MailWorker, MailWorkerOptions } from './mail/mail.worker.ts';
import { createMailTransport } from './mail/transport.ts';
import type { MailTransport } from './mail/transport.ts';
import { createTemplates } from './shared/templates.ts';
import { registerSigningMailKinds } from './signing/signing.mails.ts';
import { registerSigningNotificationMailKinds } from './signing/signing-notifications.mails.ts';
import { sendDailyDigests } from './signing/signing-notifications.service.ts';
import { registerOrganisationMailKinds } from './supporters/organisation.mails.ts';
import { registerSupporterMailKinds } from './supporters/supporters.mails.ts';
import { sendDueReminders } from './signing/signing-reminders.service.ts';
import { applyRetention } from './privacy/retention.ts';
import { createMailboxJob } from './mailbox/mailbox.job.ts';
import type { MailboxJob } from './mailbox/mailbox.job.ts';
import type { IncomingHandler } from './mailbox/incoming.ts';
import { issueReplyLink } from './replies/replies.service.ts';
import { registerReplyMailKinds } from './replies/replies.mails.ts';
import { recordIncomingMessage } from './replies/incoming.service.ts';
import { createReplyFileStore } from './replies/reply-files.ts';

/** Every kind of e-mail the app sends, each registered by its own domain. */
export function appMailKinds({ baseUrl }: { baseUrl?: string } = {}): ComposerRegistry {
  const registry = new ComposerRegistry();
  registerOrganiserMailKinds(registry);
  registerAppealMailKinds(registry);
  registerSigningMailKinds(registry);
  registerSigningNotificationMailKinds(registry);
  // The letter mail carries the addressee's reply link (replies/ is above dispatch/).
  registerDispatchMailKinds(registry, baseUrl === undefined ? {} : { replyLink: (deliveryId, now) => issueReplyLink({ baseUrl, deliveryId, now }) });
  registerSignatoryThanksMailKind(registry);
  registerReplyMailKinds(registry);
  registerOrganisationMailKinds(registry);
  registerSupporterMailKinds(registry);
  return registry;
}

export type BackgroundOptions = Omit<MailWorkerOptions, 'transport' | 'composers' | 'render'> & {
  /** Default: SMTP when SMTP_URL is set, else .eml files (from the configuration). */
  transport?: MailTransport;
  /** Default: appMailKinds(). */
  composers?: ComposerRegistry;
  /** The app's Eta instance, for the mail templates (default: a new one). */
  templates?: Eta;
  /** How often due reminders are looked for once started (default: every quarter hour). */
  reminderIntervalMs?: number;
  /** How often the retention settings are applied once started (default: daily). */
  retentionIntervalMs?: number;
  /** What becomes of each message read from the mailbox (IMAP_URL); default: recorded with its delivery (replies/). */
  mailboxHandler?: IncomingHandler;
};

export type Background = {
  /** The outbox worker (the CLI and the tests drive it with runOnce and recover). */
  worker: MailWorker;
  /** The mailbox job, when IMAP_URL is set. */
  mailbox: MailboxJob | undefined;
  composers: ComposerRegistry;
  /** Starts the worker, the reminder check and the retention job (each once now, then every interval). */
  start(): void;
  /** Wakes the worker at once (after something was queued). */
  wake(): void;
  /** Stops the reminder check; the messages in flight finish before the transport closes. */
  stop(): Promise<void>;
};

export function createBackground({ transport, composers, templates, reminderIntervalMs = 15 * 60 * 1000, retentionIntervalMs = 24 * 60 * 60 * 1000, mailboxHandler, ...options }: BackgroundOptions): Background {
  const { db, clock, config, logger } = options;
  composers ??= appMailKinds({ baseUrl: config.baseUrl });
  const worker = createMailWorker({
    ...options,
    transport: transport ?? createMailTransport(config.mail),
    composers,
    render: createMailRenderer(templates ?? createTemplates()),
  });

  // Each reminder slot is claimed in the database, so a restart never sends one twice.
  const checkReminders = () => {
    try {
      const queued = sendDueReminders({ db, clock, config });
      if (queued > 0) {
        logger?.info({ queued }, 'signing reminders queued');
        worker.wake();
      }
    } catch (error) {
      logger?.error({ err: error }, 'signing reminders failed');
    }
    // The owners' daily digest of answers rides on the same check (it claims its day in the database).
    try {
      if (sendDailyDigests({ db, clock }) > 0) worker.wake();
    } catch (error) {
      logger?.error({ err: error }, 'signing digests failed');
    }
  };
  let reminderTimer: NodeJS.Timeout | undefined;

  // Old mail content, client addresses and supporters' addresses go (RETENTION_MAIL_DAYS, RETENTION_IP_DAYS, SUPPORTER_EMAIL_RETENTION_DAYS).
  const applyRetentionSettings = () => {
    try {
      const removed = applyRetention({ db, clock, config });
      if (Object.values(removed).some((count) => count > 0)) logger?.info(removed, 'retention applied');
    } catch (error) {
      logger?.error({ err: error }, 'retention failed');
    }
  };
  let retentionTimer: NodeJS.Timeout | undefined;

  // Replies, bounces and auto-replies from the mailbox are recorded with their deliveries (replies/).
  const recordIncoming: IncomingHandler = (message) => recordIncomingMessage({ db, clock, store: createReplyFileStore(config.uploadsDir), message, ...(logger ? { log: logger } : {}) });
  const mailbox = config.mailbox ? createMailboxJob({ db, clock, mailbox: config.mailbox, handler: mailboxHandler ?? recordIncoming, ...(logger ? { logger } : {}) }) : undefined;

  return {
    worker,
    mailbox,
    composers,
    start() {
      worker.start();
      checkReminders();
      reminderTimer = setInterval(checkReminders, reminderIntervalMs);
      applyRetentionSettings();
      retentionTimer = setInterval(applyRetentionSettings, retentionIntervalMs);
      retentionTimer.unref();
      mailbox?.start();
    },
    wake: () => worker.wake(),
    async stop() {
      clearInterval(reminderTimer);
      clearInterval(retentionTimer);
      await mailbox?.stop();
      await worker.stop();
    },
  };
}
