import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { tsxLoaderUrl } from './ts-loader.ts';
import { isCompiled, runnableModule } from '../shared/project-root.ts';
import { JobFailedError, JobTimeoutError } from './worker-job.ts';

export type ChildJobLimits = {
  /** Wall-clock budget of the job once its process is ready; the process is killed (SIGKILL) when it is exceeded. */
  timeoutMs: number;
  /** Budget for starting a process (a busy machine starts processes slowly); 10 s unless told. */
  startTimeoutMs?: number;
  /** V8 heap of the process. Native memory (e.g. image pixels) must be bounded by the job. */
  maxMemoryMb: number;
  /** Processes kept started and waiting, so that a job does not wait for one to start; 1 unless told. */
  spares?: number;
  /** A waiting process is stopped after this long without a job; 60 s unless told. */
  idleMs?: number;
};

type Ready = { child: ChildProcess; stderr: () => string };

/**
 * Runs the default export of `module` (an async function of one argument) in a child process
 * with a time limit, one job per process. Unlike a worker thread, a process can be stopped in
 * the middle of native code (an image library busy in C), and the work it leaves undone does
 * not hold a thread of this process. Input and result travel over IPC (advanced serialization:
 * Buffers and plain objects). Starting a process costs 0.3–0.5 s, so `spares` processes are
 * kept started after the first job (and stopped after `idleMs` without work).
 */
export function createChildJobRunner<I, O>(module: URL, { timeoutMs, startTimeoutMs = 10_000, maxMemoryMb, spares = 1, idleMs = 60_000 }: ChildJobLimits) {
  const bootstrap = `
    process.on('disconnect', () => process.exit(0));
    const loaded = await import(${JSON.stringify(runnableModule(module))});
    process.once('message', async (input) => {
      try { process.send({ ok: true, value: await loaded.default(input) }); }
      catch (error) { process.send({ ok: false, message: String(error?.stack ?? error) }); }
    });
    process.send({ ready: true });`;
  const waiting: { ready: Promise<Ready>; idle: NodeJS.Timeout }[] = [];

  function start(): Promise<Ready> {
    // The compiled build's module needs no TypeScript loader (tsx costs 0.3 s and 35 MB per process).
    const loader = isCompiled ? [] : ['--import', tsxLoaderUrl];
    const child = spawn(process.execPath, [`--max-old-space-size=${maxMemoryMb}`, ...loader, '--input-type=module', '-e', bootstrap], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: { PATH: process.env.PATH ?? '' },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    return new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new JobFailedError('child did not start in time', false));
      }, startTimeoutMs);
      const onExit = (code: number | null, signal: string | null) => {
        clearTimeout(timer);
        reject(new JobFailedError(`child exited with ${signal ?? code}: ${stderr.slice(0, 500)}`, false));
      };
      child.once('exit', onExit);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new JobFailedError(error.message, false));
      });
      child.once('message', (message: { ready?: true }) => {
        if (!message.ready) return;
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, stderr: () => stderr });
      });
    });
  }

  function keepSpares() {
    while (waiting.length < spares) {
      const ready = start();
      ready.then(
        ({ child }) => {
          // A waiting process does not keep this one alive.
          child.unref();
          (child.channel as { unref?: () => void } | undefined)?.unref?.();
        },
        () => undefined,
      );
      const entry = {
        ready,
        idle: setTimeout(() => {
          waiting.splice(waiting.indexOf(entry), 1);
          ready.then(({ child }) => child.kill('SIGKILL'), () => undefined);
        }, idleMs).unref(),
      };
      waiting.push(entry);
    }
  }

  async function take(): Promise<Ready> {
    const spare = waiting.shift();
    if (spare) {
      clearTimeout(spare.idle);
      try {
        const ready = await spare.ready;
        if (ready.child.exitCode === null && ready.child.signalCode === null) return ready;
      } catch {
        // A spare that failed to start: start another.
      }
    }
    return start();
  }

  return async function run(input: I): Promise<O> {
    const taken = take();
    keepSpares();
    const { child, stderr } = await taken;
    child.ref();
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
    return new Promise<O>((resolve, reject) => {
      let settled = false;
      const settle = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        action();
      };
      const timer = setTimeout(() => settle(() => reject(new JobTimeoutError(timeoutMs))), timeoutMs);
      child.on('message', (message: { ok?: boolean; value?: O; message?: string }) => {
        if (message.ok) settle(() => resolve(message.value as O));
        else settle(() => reject(new JobFailedError(message.message ?? 'job failed', false)));
      });
      child.on('exit', (code, signal) =>
        settle(() => reject(new JobFailedError(`child exited with ${signal ?? code}: ${stderr().slice(0, 500)}`, /heap out of memory/i.test(stderr())))),
      );
      child.send(input as never);
    });
  };
}
