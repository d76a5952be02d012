// The letter renderer of the app: PDF work runs in a worker pool (server/jobs/worker-pool.ts),
// never on the event loop. One pool per process, created on first use and closed on shutdown
// (closeLetterRenderer); shared layouts are cached by the hash of their inputs.
import { availableParallelism } from 'node:os';
import type { CombineInput } from '../letter-pdf/letter-combine.ts';
import type { SupporterListModel } from '../letter-pdf/supporter-list.ts';
import type { SigningRecordModel } from '../letter-pdf/signing-record.ts';
import type { LetterModel, RenderRecipient } from '../letter-pdf/letter-model.ts';
import type { BatchOptions, PreparedLetter, RenderedLetter } from '../letter-pdf/letter-render.ts';
import { AppError } from '../shared/app-error.ts';
import { TIMESTAMP_FAILED } from '../letter-pdf/timestamp.ts';
import { WorkerLimitError, createWorkerPool } from '../jobs/worker-pool.ts';
import type { WorkerPool } from '../jobs/worker-pool.ts';

/** Time limit of one rendering job (one shared layout, one group of letters, one print file). */
export const RENDER_TIMEOUT_MS = 60_000;
/** Heap limit of one rendering worker. */
export const RENDER_MEMORY_MB = 512;

const TASKS = new URL('./letter-render.task.ts', import.meta.url).href;

export type StampOptions = { onProgress?: ((done: number, total: number) => void) | undefined; forMail?: boolean | undefined };

export type LetterRenderer = {
  /** The shared layout of a letter; the same key gives the cached layout. */
  prepare(key: string, model: LetterModel, options: BatchOptions): Promise<PreparedLetter>;
  /** Personal letters on a prepared layout; `forMail` adds each letter's base64 lines for its mail. */
  stamp<R extends RenderRecipient>(prepared: PreparedLetter, recipients: R[], options?: StampOptions): Promise<RenderedLetter<R>[]>;
  combine(input: CombineInput): Promise<{ bytes: Uint8Array; pageCount: number }>;
  /** The "Unterstützerliste" PDF. */
  supporterList(model: SupporterListModel, createdAt: Date): Promise<{ bytes: Uint8Array; pageCount: number }>;
  /** The "Zeichnungsnachweis" PDF, sealed in the worker when a seal is configured. */
  signingRecord(model: SigningRecordModel): Promise<{ bytes: Uint8Array; pageCount: number }>;
  warnings(model: LetterModel, options: BatchOptions, recipients: Pick<RenderRecipient, 'label' | 'addressLines' | 'salutation' | 'note'>[]): Promise<string[]>;
  /** Starts every worker and loads the engine in it (at server start, before a bench). */
  warmUp(): Promise<void>;
  /** Jobs given to the pool so far. */
  readonly jobs: number;
  close(): Promise<void>;
};

/**
 * A limit exceeded becomes a German message; the worker is replaced and the app stays up. A
 * timestamp server that failed (SEAL_TSA_URL) is a passing fault (503): the letter is not
 * issued unsealed, the dispatch tries again later.
 */
function explained(error: unknown): never {
  if (error instanceof Error && error.message.startsWith(TIMESTAMP_FAILED)) throw new AppError(503, 'sealTimestamp.failed', { detail: error.message.slice(TIMESTAMP_FAILED.length).trim() });
  if (error instanceof WorkerLimitError) {
    throw error.limit === 'time'
      ? new AppError(422, 'letterRender.timeout', { seconds: Math.round(error.value / 1000) })
      : new AppError(422, 'letterRender.memory', { megabytes: error.value });
  }
  throw error;
}

const STAMP_CHUNK = 200;

export function createLetterRenderer(pool: WorkerPool, { cacheSize = 16 }: { cacheSize?: number } = {}): LetterRenderer {
  const layouts = new Map<string, Promise<PreparedLetter>>();
  // Each prepared layout's name in the workers: a stamping job names it, and sends the layout
  // (about 130 KB, copied to the worker) only to a worker that does not have it yet.
  const layoutIds = new WeakMap<PreparedLetter, string>();
  let nextLayoutId = 0;
  const run = <T>(name: string, input: unknown, transfer: ArrayBufferView[] = []) => pool.run<T>(TASKS, name, input, { transfer }).catch(explained);
  const stampChunk = async <R extends RenderRecipient>(prepared: PreparedLetter, recipients: R[], forMail: boolean): Promise<RenderedLetter<R>[]> => {
    const key = layoutIds.get(prepared);
    if (key !== undefined) {
      const letters = await run<RenderedLetter<R>[] | { missing: true }>('stamp', { key, recipients, forMail });
      if (Array.isArray(letters)) return letters;
    }
    return run<RenderedLetter<R>[]>('stamp', { key, prepared, recipients, forMail });
  };
  return {
    prepare(key, model, options) {
      let layout = layouts.get(key);
      if (layout) {
        // Most recently used last.
        layouts.delete(key);
        layouts.set(key, layout);
        return layout;
      }
      layout = run<PreparedLetter>('prepare', { model, options }).then((prepared) => (layoutIds.set(prepared, `layout-${(nextLayoutId += 1)}`), prepared));
      layouts.set(key, layout);
      layout.catch(() => layouts.delete(key));
      while (layouts.size > cacheSize) layouts.delete(layouts.keys().next().value!);
      return layout;
    },
    async stamp(prepared, recipients, { onProgress, forMail = false } = {}) {
      let done = 0;
      const chunks: Promise<RenderedLetter<(typeof recipients)[number]>[]>[] = [];
      for (let start = 0; start < recipients.length; start += STAMP_CHUNK) {
        const chunk = recipients.slice(start, start + STAMP_CHUNK);
        chunks.push(
          stampChunk(prepared, chunk, forMail).then((letters) => {
            done += letters.length;
            onProgress?.(done, recipients.length);
            return letters;
          }),
        );
      }
      return (await Promise.all(chunks)).flat();
    },
    combine: (input) => run('combine', input),
    supporterList: (model, createdAt) => run('supporterList', { model, createdAt }),
    signingRecord: (model) => run('signingRecord', { model }),
    warnings: (model, options, recipients) => run('warnings', { model, options, recipients }),
    async warmUp() {
      await Promise.all(Array.from({ length: pool.threads }, () => run('ready', {})));
    },
    get jobs() {
      return pool.tasksStarted;
    },
    close: () => pool.close(),
  };
}

let shared: LetterRenderer | undefined;

/**
 * The process's letter renderer, created on first use: one worker per core but one, which the
 * event loop keeps (it sends, records and answers requests meanwhile). On two cores a second
 * worker made sending no faster and cost 45–90 MB.
 */
export function letterRenderer(): LetterRenderer {
  shared ??= createLetterRenderer(createWorkerPool({ threads: Math.max(1, availableParallelism() - 1), timeoutMs: RENDER_TIMEOUT_MS, memoryMb: RENDER_MEMORY_MB }));
  return shared;
}

/** Closes the pool (server shutdown, end of a CLI command); a later use creates a new one. */
export async function closeLetterRenderer(): Promise<void> {
  const renderer = shared;
  shared = undefined;
  await renderer?.close();
}

