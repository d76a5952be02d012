// Crash safety of sending (issue 6): the sending process is killed with SIGKILL at random
// moments while 300 letters go out and restarted each time. Afterwards no letter arrived
// twice, every letter recorded as sent arrived, and the letters in doubt are exactly those
// that were in flight when a process died.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { fileDatabaseWithFinalAppeal } from '../helpers/dispatch.ts';
import { deliveries } from '../../server/dispatch/dispatch.table.ts';
import { dispatchStatus, startDispatch } from '../../server/dispatch/dispatch.service.ts';
import { letterDocuments } from '../../server/letters/letter-documents.table.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { seededRandom } from '../helpers/crash-seed.ts';
import { compiledCli } from '../helpers/compiled.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const LETTERS = 300;
const KILLS = 22;

type Run = { killed: boolean; code: number | null; output: string };

/**
 * Runs `mitzeichnen send` in a child process and kills it with SIGKILL: `killAfterMs` after it
 * starts sending, or the moment the server has accepted `killOnArrival()` resolves (the
 * answer is on its way, the child has not recorded it yet); without either it runs to the end.
 */
function runSend(env: Record<string, string>, slug: string, killAfterMs?: number, killOnArrival?: () => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...compiledCli, 'send', '--appeal', slug], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (killAfterMs !== undefined && !timer && output.includes('Sending via')) {
        timer = setTimeout(() => {
          killed = child.kill('SIGKILL');
        }, killAfterMs);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    killOnArrival?.().then(
      () => {
        killed = child.kill('SIGKILL');
      },
      () => {},
    );
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ killed, code, output });
    });
  });
}

describe('crash safety of sending', () => {
  it(`survives ${KILLS} SIGKILLs while ${LETTERS} letters go out: no duplicate, no unexplained gap`, { timeout: 240_000 }, async () => {
    const random = seededRandom('test/dispatch/dispatch-crash.test.ts');
    const s = await fileDatabaseWithFinalAppeal(LETTERS);
    s.sink.parse = false;
    // Each message waits a little for the server's answer, so that kills often hit letters in flight.
    s.sink.delayMs = 30;
    const started = startDispatch({ db: s.db, clock: systemClock, appeal: s.appeal, actor: { organiserId: null, name: 'Test' } });
    expect(started.ok).toBe(true);
    const letters = () => s.db.select().from(mailOutbox).all();
    expect(letters()).toHaveLength(LETTERS);

    const inFlight = new Set<number>();
    let kills = 0;
    let runs = 0;
    while (kills < KILLS) {
      // Half of the kills at a random time after start, half right after the server accepted a message.
      const atArrival = kills % 2 === 1;
      const arrivals = s.sink.received.length + 1 + Math.floor(random() * 4);
      const run = atArrival
        ? await runSend(s.env, s.appeal.slug, undefined, () => s.sink.waitFor(arrivals, 60_000))
        : await runSend(s.env, s.appeal.slug, 20 + Math.floor(random() * 500));
      runs += 1;
      if (!run.killed) throw new Error(`The sending process ended before it was killed (exit ${run.code}):\n${run.output}`);
      kills += 1;
      // What the dead process was sending: these, and only these, may end up uncertain.
      for (const row of letters()) if (row.state === 'sending') inFlight.add(row.id);
    }
    const sentBeforeLastRun = letters().filter((row) => row.state === 'sent').length;
    expect(sentBeforeLastRun).toBeLessThan(LETTERS); // the kills happened while letters were going out
    const last = await runSend(s.env, s.appeal.slug);
    runs += 1;
    expect([0, 4]).toContain(last.code);

    const rows = letters();
    const received = s.sink.messageIds();
    const receivedSet = new Set(received);
    const sent = rows.filter((row) => row.state === 'sent');
    const uncertain = rows.filter((row) => row.state === 'uncertain');
    const uncertainArrived = uncertain.filter((row) => receivedSet.has(row.messageId!));

    // Every delivery is sent or uncertain.
    expect(rows.filter((row) => row.state !== 'sent' && row.state !== 'uncertain')).toEqual([]);
    expect(sent.length + uncertain.length).toBe(LETTERS);
    // No Message-ID arrived twice.
    expect(received.length).toBe(receivedSet.size);
    // Every delivery marked sent arrived.
    expect(sent.filter((row) => !receivedSet.has(row.messageId!))).toEqual([]);
    // The uncertain ones are exactly those that were in flight when a process died.
    expect(new Set(uncertain.map((row) => row.id))).toEqual(inFlight);
    // Nothing arrived that the outbox does not know.
    const known = new Set(rows.map((row) => row.messageId));
    expect(received.filter((id) => !known.has(id))).toEqual([]);
    // Every letter that went out has its document marked sent (repaired where a hook was missed).
    dispatchStatus({ db: s.db, clock: systemClock, appeal: s.appeal });
    const sentCodes = s.db
      .select({ sentAt: letterDocuments.sentAt })
      .from(deliveries)
      .innerJoin(mailOutbox, and(eq(mailOutbox.id, deliveries.outboxId), eq(mailOutbox.state, 'sent')))
      .innerJoin(letterDocuments, eq(letterDocuments.code, deliveries.documentCode))
      .all();
    expect(sentCodes).toHaveLength(sent.length);
    expect(sentCodes.every((row) => row.sentAt !== null)).toBe(true);

    process.stdout.write(
      [
        '',
        `crash safety: ${LETTERS} letters, ${kills} SIGKILLs, ${runs} runs of "mitzeichnen send"`,
        `  sent (recorded and arrived):        ${sent.length}`,
        `  uncertain (in flight at a kill):    ${uncertain.length}`,
        `    of these arrived at the server:   ${uncertainArrived.length}`,
        `    of these did not arrive:          ${uncertain.length - uncertainArrived.length}`,
        `  messages at the server:             ${received.length} (duplicates: ${received.length - receivedSet.size})`,
        '',
      ].join('\n'),
    );
  });
});
