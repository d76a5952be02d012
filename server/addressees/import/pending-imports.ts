import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newToken } from '../../shared/tokens.ts';

/** How long a previewed upload waits for confirmation. */
export const PENDING_IMPORT_TTL_MS = 60 * 60 * 1000;
const ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Previewed imports kept server-side under DATA_DIR/imports/<random id>.json until the
 * organiser confirms them, so that the confirmed import writes exactly the rows that were
 * shown (no second upload that could differ). Files older than an hour are removed.
 */
export function createPendingImportStore(dir: string) {
  const path = (id: string) => join(dir, `${id}.json`);
  return {
    save(payload: unknown, now: Date): string {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      this.sweep(now);
      const id = newToken();
      writeFileSync(path(id), JSON.stringify(payload), { mode: 0o600 });
      return id;
    },
    load<T>(id: string, now: Date): T | undefined {
      if (!ID.test(id)) return undefined;
      try {
        if (now.getTime() - statSync(path(id)).mtimeMs > PENDING_IMPORT_TTL_MS) return undefined;
        return JSON.parse(readFileSync(path(id), 'utf8')) as T;
      } catch {
        return undefined;
      }
    },
    remove(id: string): void {
      if (ID.test(id)) rmSync(path(id), { force: true });
    },
    sweep(now: Date): void {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of names) {
        const file = join(dir, name);
        try {
          if (now.getTime() - statSync(file).mtimeMs > PENDING_IMPORT_TTL_MS) rmSync(file, { force: true });
        } catch {
          // removed meanwhile
        }
      }
    },
  };
}

export type PendingImportStore = ReturnType<typeof createPendingImportStore>;
