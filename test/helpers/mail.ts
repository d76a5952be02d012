import { createBackground } from '../../server/background.ts';
import type { BackgroundOptions } from '../../server/background.ts';
import type { Clock } from '../../server/shared/clock.ts';
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
 * The app's mail worker (createBackground, not started) over the given database and
 * configuration: its transport from the config (SMTP when SMTP_URL is set, else files), the
 * app's mail kinds unless `composers` are given. The test drives it; stopped after the test.
 */
export function makeMailWorker(options: BackgroundOptions) {
  const background = createBackground(options);
  workers.push(background);
  return { worker: background.worker, composers: background.composers };
}
