// What several bench cases start from: the demo in a database file, and an appeal of the demo
// with a list of 10,000 addressees.
import { eq } from 'drizzle-orm';
import { mkdirSync } from 'node:fs';
import { loadConfig } from '../../server/config.ts';
import type { Config } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import type { Db } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { createFileStore } from '../../server/shared/file-store.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import type { Appeal } from '../../server/appeals/appeals.table.ts';
import { addEntry, addListToAppeal, createList } from '../../server/addressees/addressees.service.ts';
import { productionRuntime } from '../../scripts/runtime.mjs';

/**
 * `node` started as `npm start` starts the server (scripts/runtime.mjs): its flags before `args`
 * and its environment over `env`; BENCH_NODE_ARGS adds flags (e.g. --cpu-prof).
 */
export function asInProduction(args: string[], env: NodeJS.ProcessEnv): { args: string[]; env: NodeJS.ProcessEnv } {
  const runtime = productionRuntime();
  return { args: [...runtime.flags, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), ...args], env: { ...env, ...runtime.env } };
}

export const benchClock = () => new Date('2026-11-22T10:00:00Z');
export const BENCH_PASSWORD = 'bench-passwort-123';

export type BenchAppeal = { config: Config; db: Db; close: () => void; appeal: Appeal; organiserEmail: string };

/** The demo's Kleve appeal in a database file under `dir`, with `addressees` more personal letters. */
export async function demoAppealWithAddressees(dir: string, addressees: number): Promise<BenchAppeal> {
  // Plain http, so that the session cookie (Secure only under https) goes back over the test socket.
  const config = loadConfig({ DATA_DIR: dir, SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-01', BASE_URL: 'http://127.0.0.1:3000', LOG_LEVEL: 'silent' });
  mkdirSync(dir, { recursive: true });
  const connection = openDatabase(config.databaseFile);
  const { db } = connection;
  migrateDatabase(db);
  const fileStore = createFileStore(config.uploadsDir);
  const seeded = await seedDemo({ db, clock: benchClock, fileStore, config, demoPassword: BENCH_PASSWORD });
  const appeal = db.select().from(appeals).where(eq(appeals.slug, 'kleve-aufruf-integration')).get()!;
  const organiserId = appeal.createdBy!;
  const clock = benchClock;
  const list = createList({ db, clock, organiserId, input: { name: `Bench: ${addressees} Empfänger`, description: '', rank: 90, groupAddressLine: '', groupSalutation: '', groupInstitution: '', groupRecipient: '', groupStreet: '', groupPostcode: '', groupCity: '', groupEmail: '' } });
  db.transaction((tx) => {
    for (let i = 0; i < addressees; i += 1) {
      addEntry({ db: tx, clock, list, input: { salutation: i % 2 ? 'Herr' : 'Frau', title: '', firstName: ['Małgorzata', 'Jana', 'Ayşe', 'Bernd'][i % 4]!, lastName: `Hülsmann-${i + 1}`, function: 'Bürgermeisterin', institution: `Gemeinde Beispielstadt ${i + 1}`, department: '', street: `Markt ${i + 1}`, postcode: String(40000 + i), city: 'Kleve', email: i % 3 ? `buero${i + 1}@gemeinde${i + 1}.example` : '', letterSalutation: '', verifiedAt: '', note: '' } });
    }
  });
  addListToAppeal({ db, organiserId, appeal, listId: list.id, collective: false });
  return { config, db, close: () => connection.close(), appeal: db.select().from(appeals).where(eq(appeals.id, appeal.id)).get()!, organiserEmail: seeded.organiser!.email };
}

