import { describe, expect, it } from 'vitest';
import { createGate, GateFullError } from '../../server/jobs/job-gate.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('job gate', () => {
  it('runs at most `concurrency` jobs, lets the next in line start in order, and refuses beyond the line', async () => {
    const gate = createGate({ concurrency: 2, maxWaiting: 1 });
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const job = (n: number) => () =>
      new Promise<number>((resolve) => {
        started.push(n);
        finish[n] = () => resolve(n);
      });
    const runs = [gate.run(job(0)), gate.run(job(1)), gate.run(job(2))];
    await tick();
    expect(started).toEqual([0, 1]);
    expect({ running: gate.running, waiting: gate.waiting }).toEqual({ running: 2, waiting: 1 });
    await expect(gate.run(job(3))).rejects.toBeInstanceOf(GateFullError);
    finish[1]!();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    finish[0]!();
    finish[2]!();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect({ running: gate.running, waiting: gate.waiting }).toEqual({ running: 0, waiting: 0 });
  });

  it('gives a slot back once, however often its release is called, and when a job fails', async () => {
    const gate = createGate({ concurrency: 1, maxWaiting: 5 });
    const release = await gate.acquire();
    release();
    release();
    expect(gate.running).toBe(0);
    await expect(gate.run(async () => Promise.reject(new Error('kaputt')))).rejects.toThrow('kaputt');
    expect(gate.running).toBe(0);
  });
});
