// The PDF workers keep the shared layouts they were given (issue 18, sending): a letter's job
// carries its recipients only, the layout (about 130 KB) goes to each worker once — and the
// letters are byte for byte those stamped on the layout directly.
import { describe, expect, it } from 'vitest';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { makeAppeal, makeOrganiser } from '../helpers/factories.ts';
import { resolveLetter } from '../../server/letters/resolve-letter.ts';
import { createLetterRenderer } from '../../server/letters/letter-renderer.ts';
import { createWorkerPool } from '../../server/jobs/worker-pool.ts';
import type { WorkerPool } from '../../server/jobs/worker-pool.ts';
import { recipientTexts, stampLetter } from '../../server/letter-pdf/letter-render.ts';

const clock = () => new Date(fixedNow);

/** The real pool, its stamping jobs noted: whether each carried the layout. */
function observedPool(pool: WorkerPool): { pool: WorkerPool; stamps: boolean[] } {
  const stamps: boolean[] = [];
  return {
    stamps,
    pool: {
      run(module, name, input, options) {
        if (name === 'stamp') stamps.push((input as { prepared?: unknown }).prepared !== undefined);
        return pool.run(module, name, input, options);
      },
      get tasksStarted() {
        return pool.tasksStarted;
      },
      threads: pool.threads,
      close: () => pool.close(),
    },
  };
}

describe('the letter renderer', () => {
  it('sends a shared layout to each worker once, and stamps the same bytes as directly', async () => {
    const app = await buildTestApp();
    const { organiser } = await makeOrganiser(app.db);
    const appeal = makeAppeal(app.db, organiser.id);
    const { model } = resolveLetter({ db: app.db, fileStore: app.fileStore, clock, appeal, baseUrl: app.config.baseUrl });
    const recipients = Array.from({ length: 12 }, (_, i) => ({ label: `Gemeinde ${i + 1}`, addressLines: [`Gemeinde ${i + 1}`, 'Markt 1', '47533 Kleve'], salutation: 'Sehr geehrte Damen und Herren,', code: `ABCD-EFG${'HJKLMNPQRSTU'[i]}` }));
    const { pool, stamps } = observedPool(createWorkerPool({ threads: 2, timeoutMs: 30_000, memoryMb: 256 }));
    const renderer = createLetterRenderer(pool);
    try {
      const prepared = await renderer.prepare('layout', model, { extraTexts: recipientTexts(recipients), salutationLines: 1, createdAt: clock() });
      // One letter a job, several at once, as the mail worker's slots ask (the first ones may all carry the layout).
      const letters = (await Promise.all(recipients.map((recipient) => renderer.stamp(prepared, [recipient])))).flat();
      // Then one after another: a worker is given the layout at most once.
      stamps.length = 0;
      for (const recipient of recipients) await renderer.stamp(prepared, [recipient]);
      expect(stamps.filter(Boolean).length).toBeLessThanOrEqual(pool.threads);
      const again = await renderer.stamp(prepared, recipients.slice(0, 4));

      letters.forEach((letter, index) => expect(Buffer.from(letter.bytes).equals(Buffer.from(stampLetter(prepared, recipients[index]!).bytes))).toBe(true));
      expect(again.map((letter) => letter.sha256)).toEqual(letters.slice(0, 4).map((letter) => letter.sha256));
    } finally {
      await renderer.close();
    }
  });
});
