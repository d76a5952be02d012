import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import supertest from 'supertest';
import { afterEach } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Config } from '../../server/config.ts';
import type { Clock } from '../../server/shared/clock.ts';
import { createFileStore } from '../../server/shared/file-store.ts';
import { createTestDatabase } from './db.ts';

export const fixedNow = new Date('2026-11-22T10:00:00Z');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A temporary DATA_DIR, removed after the test. */
export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mitzeichnen-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    DATA_DIR: tempDataDir(),
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    BASE_URL: 'http://mitzeichnen.test',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

/**
 * The app over a fresh migrated in-memory database. `http()` returns a new supertest agent
 * (a browser with its own cookie jar); all HTTP in tests goes through it.
 */
export async function buildTestApp({ clock, env }: { clock?: Clock; env?: Record<string, string> } = {}) {
  const config = testConfig(env);
  const connection = createTestDatabase();
  const app = await buildApp({ config, db: connection.db, clock: clock ?? (() => new Date(fixedNow)), logger: false });
  await app.ready();
  cleanups.push(async () => {
    await app.close();
    connection.close();
  });
  return {
    app,
    config,
    db: connection.db,
    sqlite: connection.sqlite,
    fileStore: createFileStore(config.uploadsDir),
    http: () => supertest.agent(app.server),
  };
}

export type TestApp = Awaited<ReturnType<typeof buildTestApp>>;
