import { spawn } from 'node:child_process';
import { tsxLoaderUrl } from './ts-loader.ts';
import { JobFailedError, JobTimeoutError } from './worker-job.ts';

export type ChildJobLimits = {
  /** Wall-clock budget of the job once the process has started; the process is killed (SIGKILL) when it is exceeded. */
  timeoutMs: number;
  /** Budget for starting the process (a busy machine starts processes slowly); 10 s unless told. */
  startTimeoutMs?: number;
  /** V8 heap of the process. Native memory (e.g. image pixels) must be bounded by the job. */
  maxMemoryMb: number;
};

/**
 * Runs the default export of `module` (an async function of one argument) in a fresh child
 * process with a time limit. Unlike a worker thread, a process can be stopped in the middle of
 * native code (an image library busy in C), and the work it leaves undone does not hold a
 * thread of this process. Input and result travel over IPC (advanced serialization: Buffers
 * and plain objects). Starting a process costs about 0.2–0.4 s.
 */
export function runInChildProcess<I, O>(module: URL, input: I, { timeoutMs, startTimeoutMs = 10_000, maxMemoryMb }: ChildJobLimits): Promise<O> {
  const bootstrap = `
    const loaded = await import(${JSON.stringify(module.href)});
    process.once('message', async (input) => {
      try { process.send({ ok: true, value: await loaded.default(input) }); }
      catch (error) { process.send({ ok: false, message: String(error?.stack ?? error) }); }
    });
    process.send({ ready: true });`;
  return new Promise<O>((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${maxMemoryMb}`, '--import', tsxLoaderUrl, '--input-type=module', '-e', bootstrap], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: { PATH: process.env.PATH ?? '' },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      action();
    };
    let timer = setTimeout(() => settle(() => reject(new JobFailedError('child did not start in time', false))), startTimeoutMs);
    child.on('message', (message: { ready?: true; ok?: boolean; value?: O; message?: string }) => {
      if (message.ready) {
        clearTimeout(timer);
        timer = setTimeout(() => settle(() => reject(new JobTimeoutError(timeoutMs))), timeoutMs);
        child.send(input as never);
      }
      else if (message.ok) settle(() => resolve(message.value as O));
      else settle(() => reject(new JobFailedError(message.message ?? 'job failed', false)));
    });
    child.on('error', (error) => settle(() => reject(new JobFailedError(error.message, false))));
    child.on('exit', (code, signal) =>
      settle(() => reject(new JobFailedError(`child exited with ${signal ?? code}: ${stderr.slice(0, 500)}`, /heap out of memory/i.test(stderr)))),
    );
  });
}
