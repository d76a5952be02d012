// Starts the web server: configuration → database (migrated) → demo on an empty database → listen.
import { ConfigError, loadConfig } from './config.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { buildApp } from './app.ts';
import { systemClock } from './shared/clock.ts';
import { createFileStore } from './shared/file-store.ts';
import { hasOrganisers } from './organisers/organisers.service.ts';
import { seedDemo } from './demo/seed-demo.ts';
import { describeSeedResult } from './demo/seed-report.ts';

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const connection = openDatabase(config.databaseFile);
migrateDatabase(connection.db);

if (config.seedDemo && !hasOrganisers({ db: connection.db })) {
  const result = await seedDemo({
    db: connection.db,
    clock: systemClock,
    fileStore: createFileStore(config.uploadsDir),
    demoPassword: config.demoPassword,
  });
  console.log(['', ...describeSeedResult(result), ''].join('\n'));
}

const app = await buildApp({ config, db: connection.db });

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  await app.close();
  connection.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await app.listen({ port: config.port, host: config.host });
  console.log(`Mitzeichnen is running at ${config.baseUrl} (data in ${config.dataDir})`);
} catch (error) {
  console.error(`Could not start the web server on ${config.host}:${config.port}: ${(error as Error).message}`);
  connection.close();
  process.exit(1);
}
