// A pool of worker threads for CPU-bound work (piscina), so that the event loop keeps
// answering while it runs. Infrastructure: it knows no domain. A task is a named export of a
// module (its file URL); input and result cross the thread boundary by structured clone,
// buffers of a result made with `withTransfer` are moved, not copied. Every task has a time
// limit, every worker a heap limit: a task that exceeds either fails with a WorkerLimitError
// (its worker is replaced), and the app stays up.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { bundledTaskModule } from './task-bundle.ts';
import { isCompiled, runnableModule } from '../shared/project-root.ts';

export type WorkerPoolOptions = {
  /** Worker threads (default: the number of cores). */
  threads?: number;
  /** Time limit of one task. */
  timeoutMs: number;
  /** Heap limit of one worker (old generation), in MB. */
  memoryMb: number;
};

export type RunOptions = { timeoutMs?: number; transfer?: ArrayBufferView[] };

export type WorkerPool = {
  run<T>(module: string, name: string, input: unknown, options?: RunOptions): Promise<T>;
  /** Tasks started so far (tests use it to show that a page request starts none). */
  readonly tasksStarted: number;
  readonly threads: number;
  close(): Promise<void>;
};

/** A task that ran out of time or memory. */
export class WorkerLimitError extends Error {
  readonly limit: 'time' | 'memory';
  /** The limit: milliseconds or megabytes. */
  readonly value: number;
  constructor(limit: 'time' | 'memory', value: number) {
    super(limit === 'time' ? `task exceeded its time limit of ${value} ms` : `task exceeded its memory limit of ${value} MB`);
    this.name = 'WorkerLimitError';
    this.limit = limit;
    this.value = value;
  }
}

/** The buffers of these views, each only when the view covers it whole (never a shared pool slab). */
export function transferableBuffers(views: ArrayBufferView[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const view of views) {
    if (view.buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) buffers.add(view.buffer);
  }
  return [...buffers];
}

/** A task result whose buffers are moved to the calling thread. */
export const withTransfer = <T>(value: T, views: ArrayBufferView[]) => ({ value, transferList: transferableBuffers(views) }) as unknown as T;

const bootstrap = new URL('./worker-bootstrap.mjs', import.meta.url).href;

export function createWorkerPool({ threads = availableParallelism(), timeoutMs, memoryMb }: WorkerPoolOptions): WorkerPool {
  const piscina = new Piscina({
    filename: bootstrap,
    // Not the parent's flags: under `node --import tsx` every worker would load tsx once more.
    execArgv: [],
    minThreads: 0,
    maxThreads: Math.max(1, threads),
    idleTimeout: 60_000,
    // A small young generation: each worker stays lean (about 25 MB less than the default), at the cost of more frequent scavenges.
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 8 },
  });
  let tasksStarted = 0;
  return {
    async run<T>(module: string, name: string, input: unknown, options: RunOptions = {}): Promise<T> {
      tasksStarted += 1;
      const limit = options.timeoutMs ?? timeoutMs;
      const signal = AbortSignal.timeout(limit);
      try {
        // Plain JavaScript for the worker (no TypeScript loader in it): the compiled module of the
        // build, or from the sources a bundle of it (the .ts itself if bundling fails).
        const loadable = isCompiled ? runnableModule(module) : await bundledTaskModule(module).catch(() => module);
        return (await piscina.run({ module: loadable, name, input }, { signal, transferList: transferableBuffers(options.transfer ?? []) })) as T;
      } catch (error) {
        if (signal.aborted) throw new WorkerLimitError('time', limit);
        if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') throw new WorkerLimitError('memory', memoryMb);
        throw error;
      }
    },
    get tasksStarted() {
      return tasksStarted;
    },
    threads: Math.max(1, threads),
    close: () => piscina.close({ force: true }),
  };
}
