import type { Config } from '../../server/config.ts';
import type { Db } from '../../server/db/client.ts';
import { ComposerRegistry } from '../../server/mail/composers.ts';
import { registerMailKinds } from '../../server/mail/mail-kinds.ts';
import { createMailRenderer } from '../../server/mail/mail.templates.ts';
import { createMailTransport } from '../../server/mail/transport.ts';
import { createMailWorker } from '../../server/mail/mail.worker.ts';
import type { MailWorkerOptions } from '../../server/mail/mail.worker.ts';
import type { Clock } from '../../server/shared/clock.ts';
import { createTemplates } from '../../server/shared/templates.ts';
import { afterEach } from 'vitest';

const workers: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  while (workers.length > 0) await workers.pop()!.stop();
});

/** A clock the test moves by hand. */
export function manualClock(start: Date) {
  let now = start.getTime();
  const clock: Clock = () => new Date(now);
  return {
    clock,
    advance(ms: number) {
      now += ms;
    },
  };
}

/**
 * A mail worker over the given database and configuration (its transport from the config:
 * SMTP when SMTP_URL is set, else files), with the app's composers plus any given ones.
 * Stopped after the test.
 */
export function makeMailWorker({
  db,
  clock,
  config,
  composers,
  ...options
}: { db: Db; clock: Clock; config: Config; composers?: ComposerRegistry } & Partial<MailWorkerOptions>) {
  const registry = composers ?? registerMailKinds(new ComposerRegistry());
  const worker = createMailWorker({
    db,
    clock,
    config,
    transport: createMailTransport(config.mail),
    composers: registry,
    render: createMailRenderer(createTemplates()),
    ...options,
  });
  workers.push(worker);
  return { worker, composers: registry };
}
