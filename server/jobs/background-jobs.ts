// Work a page request starts but does not wait for (a render of many letters, the warnings of
// a letter): one job per key, with progress, kept for a while once finished, so that a page
// that refreshes itself (no script) shows the progress and then the result. In memory, per
// process; a job that failed is kept with its message until it is retried. A job whose result
// is a file on disk names `dispose`, which removes it when the job is forgotten.
export type JobState<T> =
  | { state: 'running'; done: number; total: number }
  | { state: 'done'; result: T }
  | { state: 'failed'; error: unknown };

type Entry<T> = { status: JobState<T>; promise: Promise<T>; finishedAt?: number; dispose?: (result: T) => void; label?: string };

export type JobOptions<T> = {
  retry?: boolean;
  dispose?: (result: T) => void;
  /** A cheap name for the job (e.g. what and for whom), so that a progress view finds it without computing its key. */
  label?: string;
};

export type BackgroundJobs = {
  /** The job of this key: started now when there is none (or it failed and `retry` is set). */
  ensure<T>(key: string, work: (progress: (done: number, total: number) => void) => Promise<T>, options?: JobOptions<T>): { status: JobState<T>; promise: Promise<T> };
  /** The job of this key, if any. */
  peek<T>(key: string): JobState<T> | undefined;
  /** The progress of a running job with this label, if any. */
  runningWithLabel(label: string): (JobState<never> & { state: 'running' }) | undefined;
  forget(key: string): void;
};

export function createBackgroundJobs({ keepMs = 15 * 60_000, maxFinished = 20, now = () => Date.now() }: { keepMs?: number; maxFinished?: number; now?: () => number } = {}): BackgroundJobs {
  const entries = new Map<string, Entry<unknown>>();
  const remove = (key: string) => {
    const entry = entries.get(key);
    entries.delete(key);
    if (entry?.status.state === 'done') entry.dispose?.(entry.status.result);
  };
  const prune = () => {
    const finished = [...entries].filter(([, entry]) => entry.finishedAt !== undefined);
    for (const [key, entry] of finished) if (now() - entry.finishedAt! > keepMs) remove(key);
    const left = finished.filter(([key]) => entries.has(key));
    for (const [key] of left.slice(0, Math.max(0, left.length - maxFinished))) remove(key);
  };
  return {
    ensure<T>(key: string, work: (progress: (done: number, total: number) => void) => Promise<T>, { retry = false, dispose, label }: JobOptions<T> = {}) {
      prune();
      const existing = entries.get(key) as Entry<T> | undefined;
      if (existing && !(retry && existing.status.state === 'failed')) return { status: existing.status, promise: existing.promise };
      const entry = { status: { state: 'running', done: 0, total: 0 }, dispose, ...(label ? { label } : {}) } as Entry<T>;
      const progress = (done: number, total: number) => {
        if (entry.status.state === 'running') entry.status = { state: 'running', done, total };
      };
      entry.promise = Promise.resolve()
        .then(() => work(progress))
        .then(
          (result) => {
            entry.status = { state: 'done', result };
            entry.finishedAt = now();
            return result;
          },
          (error: unknown) => {
            entry.status = { state: 'failed', error };
            entry.finishedAt = now();
            throw error;
          },
        );
      // Nobody may be waiting: a failure is shown on the next view, never unhandled.
      entry.promise.catch(() => {});
      entries.set(key, entry as Entry<unknown>);
      return { status: entry.status, promise: entry.promise };
    },
    peek: <T>(key: string) => entries.get(key)?.status as JobState<T> | undefined,
    runningWithLabel(label) {
      for (const entry of entries.values()) if (entry.label === label && entry.status.state === 'running') return entry.status;
      return undefined;
    },
    forget: remove,
  };
}
