// The work the app does beside its requests: the outbox worker, which knows every domain's
// mail kinds, the check for due signing reminders, and the daily retention job. Wired here, once, for the server
// (server/index.ts), the CLI (`send`) and the tests; buildApp stays free of background work.
import type { Eta } from 'eta';
import { registerAppealMailKinds } from './appeals/appeals.mails.ts';
import { registerDispatchMailKinds } from './dispatch/dispatch.mails.ts';
import { registerOrganiserMailKinds } from './organisers/organisers.mails.ts';
import { ComposerRegistry } from './mail/composers.ts';
import { createMailRenderer } from './mail/mail.templates.ts';
import { createMailWorker } from './mail/mail.worker.ts';
import type { MailWorker, MailWorkerOptions } from './mail/mail.worker.ts';
import { createMailTransport } from './mail/transport.ts';
import type { MailTransport } from './mail/transport.ts';
import { createTemplates } from './shared/templates.ts';
import { registerSigningMailKinds } from './signing/signing.mails.ts';
import { registerOrganisationMailKinds } from './supporters/organisation.mails.ts';
import { registerSupporterMailKinds } from './supporters/supporters.mails.ts';
import { sendDueReminders } from './signing/signing-reminders.service.ts';
import { applyRetention } from './privacy/retention.ts';
import { issueReplyLink } from './replies/replies.service.ts';
import { registerReplyMailKinds } from './replies/replies.mails.ts';

/** Every kind of e-mail the app sends, each registered by its own domain. */
export function appMailKinds({ baseUrl }: { baseUrl?: string } = {}): ComposerRegistry {
  const registry = new ComposerRegistry();
  registerOrganiserMailKinds(registry);
  registerAppealMailKinds(registry);
  registerSigningMailKinds(registry);
  // The letter mail carries the addressee's reply link (replies/ is above dispatch/).
  registerDispatchMailKinds(registry, baseUrl === undefined ? {} : { replyLink: (deliveryId, now) => issueReplyLink({ baseUrl, deliveryId, now }) });
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
};

export type Background = {
  /** The outbox worker (the CLI and the tests drive it with runOnce and recover). */
  worker: MailWorker;
  composers: ComposerRegistry;
  /** Starts the worker, the reminder check and the retention job (each once now, then every interval). */
  start(): void;
  /** Wakes the worker at once (after something was queued). */
  wake(): void;
  /** Stops the reminder check; the messages in flight finish before the transport closes. */
  stop(): Promise<void>;
};

export function createBackground({ transport, composers, templates, reminderIntervalMs = 15 * 60 * 1000, retentionIntervalMs = 24 * 60 * 60 * 1000, ...options }: BackgroundOptions): Background {
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

  return {
    worker,
    composers,
    start() {
      worker.start();
      checkReminders();
      reminderTimer = setInterval(checkReminders, reminderIntervalMs);
      applyRetentionSettings();
      retentionTimer = setInterval(applyRetentionSettings, retentionIntervalMs);
      retentionTimer.unref();
    },
    wake: () => worker.wake(),
    async stop() {
      clearInterval(reminderTimer);
      clearInterval(retentionTimer);
      await worker.stop();
    },
  };
}
