/** Refused at once: as many jobs wait as the gate allows. */
export class GateFullError extends Error {
  constructor() {
    super('too many jobs waiting');
    this.name = 'GateFullError';
  }
}

export type Gate = {
  /** Waits for a free slot (or throws GateFullError when too many wait); returns its release, which may be called more than once. */
  acquire(): Promise<() => void>;
  /** Runs `job` in a slot. */
  run<T>(job: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
};

/**
 * At most `concurrency` heavy jobs at a time, at most `maxWaiting` more in line (first come,
 * first served); beyond that a job is refused at once. Keeps room for everything else: threads
 * of the libuv pool, cores, memory.
 */
export function createGate({ concurrency, maxWaiting }: { concurrency: number; maxWaiting: number }): Gate {
  let running = 0;
  const queue: (() => void)[] = [];

  const releaser = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = queue.shift();
      if (next) next();
      else running -= 1;
    };
  };

  async function acquire(): Promise<() => void> {
    if (running < concurrency) {
      running += 1;
      return releaser();
    }
    if (queue.length >= maxWaiting) throw new GateFullError();
    await new Promise<void>((resolve) => queue.push(resolve));
    return releaser();
  }

  return {
    acquire,
    async run(job) {
      const release = await acquire();
      try {
        return await job();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}
