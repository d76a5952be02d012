import { Worker } from 'node:worker_threads';
import { tsxApiUrl } from './ts-loader.ts';
import { isCompiled, runnableModule } from '../shared/project-root.ts';

/** A job that ran out of its time budget (the worker was stopped). */
export class JobTimeoutError extends Error {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`job exceeded ${timeoutMs} ms`);
    this.name = 'JobTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** A job whose worker died: out of memory, or a crash in the module. */
export class JobFailedError extends Error {
  readonly outOfMemory: boolean;
  constructor(message: string, outOfMemory: boolean) {
    super(message);
    this.name = 'JobFailedError';
    this.outOfMemory = outOfMemory;
  }
}

export type WorkerJobLimits = {
  /** Wall-clock budget; the worker is terminated when it is exceeded. */
  timeoutMs: number;
  /** V8 heap of the worker (old generation); exceeding it ends the worker. */
  maxMemoryMb: number;
};

/**
 * Runs the default export of `module` (an async function of one structured-cloneable argument)
 * in a fresh worker thread with a time and a memory limit, off the main event loop. The
 * result must be structured-cloneable too. A fresh worker per job keeps jobs apart and makes a
 * stuck job easy to stop (terminate); it costs about 0.1–0.2 s to start.
 */
export function runInWorker<I, O>(module: URL, input: I, { timeoutMs, maxMemoryMb }: WorkerJobLimits): Promise<O> {
  const bootstrap = `
    const { parentPort, workerData } = require('node:worker_threads');
    (workerData.api ? import(workerData.api).then(({ register }) => register()) : Promise.resolve())
      .then(() => import(workerData.module))
      .then(async (loaded) => {
        parentPort.once('message', async (input) => {
          try { parentPort.postMessage({ ok: true, value: await loaded.default(input) }); }
          catch (error) { parentPort.postMessage({ ok: false, message: String(error && error.stack || error) }); }
        });
        parentPort.postMessage({ ready: true });
      });`;
  return new Promise<O>((resolve, reject) => {
    const worker = new Worker(bootstrap, {
      eval: true,
      // The compiled build's module needs no TypeScript loader.
      workerData: { api: isCompiled ? undefined : tsxApiUrl, module: runnableModule(module) },
      resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb, maxYoungGenerationSizeMb: Math.min(32, maxMemoryMb / 4) },
      stdout: false,
      stderr: false,
    });
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      action();
    };
    const timer = setTimeout(() => settle(() => reject(new JobTimeoutError(timeoutMs))), timeoutMs);
    worker.on('message', (message: { ready?: true; ok?: boolean; value?: O; message?: string }) => {
      if (message.ready) worker.postMessage(input);
      else if (message.ok) settle(() => resolve(message.value as O));
      else settle(() => reject(new JobFailedError(message.message ?? 'job failed', false)));
    });
    worker.on('error', (error: Error & { code?: string }) =>
      settle(() => reject(new JobFailedError(error.message, error.code === 'ERR_WORKER_OUT_OF_MEMORY'))),
    );
    worker.on('exit', (code) => settle(() => reject(new JobFailedError(`worker exited with code ${code}`, false))));
  });
}
