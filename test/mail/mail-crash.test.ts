import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { enqueueMail } from '../../server/mail/mail.service.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { tempDataDir } from '../helpers/app.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { seededRandom } from '../helpers/crash-seed.ts';

const fixture = fileURLToPath(new URL('../fixtures/mail-worker-process.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code} before it was ready`)));
    child.stdout!.once('data', () => resolve(child));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mail worker killed with SIGKILL while sending', () => {
  it('never sends a row twice and leaves only the rows in flight uncertain', async () => {
    const random = seededRandom('test/mail/mail-crash.test.ts');
    const sink = await SmtpSink.start();
    sink.delayMs = 40;
    const dataDir = tempDataDir();
    const env = { DATA_DIR: dataDir, BASE_URL: 'http://mitzeichnen.test', SMTP_URL: sink.url(), SESSION_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent', SMTP_POOL: '3' };
    const connection = openDatabase(join(dataDir, 'mitzeichnen.sqlite'));
    migrateDatabase(connection.db);
    const total = 60;
    for (let i = 0; i < total; i += 1) {
      enqueueMail({ db: connection.db, clock: systemClock, mail: { kind: 'echo', payload: { subject: `Brief ${i}` }, to: `empfaenger${i}@example.org` } });
    }

    const rows = () => connection.db.select().from(mailOutbox).all();
    let kills = 0;
    for (let round = 0; round < 5; round += 1) {
      const child = await startWorkerProcess(env);
      await sleep(150 + Math.floor(random() * 250));
      child.kill('SIGKILL');
      await exited(child);
      kills += 1;
      // What the killed worker held at this moment is what was in flight.
      if (rows().every((row) => row.state !== 'queued' && row.state !== 'failed')) break;
    }
    const inFlightAtKills = new Set(rows().filter((row) => row.state === 'sending' || row.state === 'uncertain').map((row) => row.id));

    // A last, undisturbed run finishes the queue (and turns the last victim's rows uncertain).
    const last = await startWorkerProcess(env);
    for (let waited = 0; waited < 15_000; waited += 100) {
      const open = connection.db.select().from(mailOutbox).where(inArray(mailOutbox.state, ['queued', 'failed', 'sending'])).all();
      if (open.length === 0) break;
      await sleep(100);
    }
    last.kill('SIGTERM');
    await exited(last);

    const final = rows();
    const counts = { sent: 0, uncertain: 0, other: 0 };
    for (const row of final) {
      if (row.state === 'sent') counts.sent += 1;
      else if (row.state === 'uncertain') counts.uncertain += 1;
      else counts.other += 1;
    }
    console.info(`crash test: ${kills} kills, ${counts.sent} sent, ${counts.uncertain} uncertain, ${sink.received.length} arrived`);
    expect(counts.other).toBe(0);
    expect(counts.sent + counts.uncertain).toBe(total);
    // No Message-ID arrived twice.
    const arrived = sink.messageIds();
    expect(new Set(arrived).size).toBe(arrived.length);
    // Every row marked sent arrived.
    const arrivedSet = new Set(arrived);
    for (const row of final.filter((row) => row.state === 'sent')) expect(arrivedSet.has(row.messageId!)).toBe(true);
    // Uncertain rows are exactly those that were in flight when a worker was killed.
    for (const row of final.filter((row) => row.state === 'uncertain')) expect(inFlightAtKills.has(row.id)).toBe(true);
    expect(counts.uncertain).toBeLessThanOrEqual(kills * 3);
    connection.close();
  }, 60_000);
});
