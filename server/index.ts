// Starts the web server: configuration → database (migrated) → demo on an empty database → listen.
import { ConfigError, loadConfig } from './config.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { buildApp } from './app.ts';
import { systemClock } from './shared/clock.ts';
import { createFileStore } from './shared/file-store.ts';
import { hasOrganisers } from './organisers/organisers.service.ts';
import { createTemplates } from './shared/templates.ts';
import { createBackground } from './background.ts';
import { closeLetterRenderer, letterRenderer } from './letters/letter-renderer.ts';

// Every file the server writes (database, uploads, stored mail, logs it creates) is for its
// own user only; the places that matter also set their modes explicitly.
process.umask(0o077);

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
  // Loaded only for a first start: the demo needs image and PDF libraries the server would
  // otherwise load only when someone uploads a logo.
  const [{ seedDemo }, { describeSeedResult }] = await Promise.all([import('./demo/seed-demo.ts'), import('./demo/seed-report.ts')]);
  const result = await seedDemo({
    config,
    db: connection.db,
    clock: systemClock,
    fileStore: createFileStore(config.uploadsDir),
    demoPassword: config.demoPassword,
    sentAppeal: true,
  });
  console.log(['', ...describeSeedResult(result), ''].join('\n'));
}

const templates = createTemplates();
const app = await buildApp({ config, db: connection.db, templates });

// The outbox worker and the reminder check run beside the web server (started after listen;
// buildApp stays free of background work so that tests drive the worker themselves).
const background = createBackground({ db: connection.db, clock: systemClock, config, templates, logger: app.log.child({ module: 'mail' }) });

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  // Messages in flight finish and are recorded before the database closes.
  await background.stop();
  await app.close();
  // The PDF workers end (jobs still running are abandoned; nothing of them is recorded yet).
  await closeLetterRenderer();
  connection.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await app.listen({ port: config.port, host: config.host });
  console.log(`Mitzeichnen is running at ${config.baseUrl} (data in ${config.dataDir})`);
  console.log(
    config.mail.smtp
      ? `E-mail goes to ${config.mail.smtp.displayUrl}`
      : `No SMTP_URL: e-mails are stored in ${config.mail.dir} and shown to each appeal's team at ${config.baseUrl}/appeals/<slug>/mail (own account mail at /mail)`,
  );
  background.start();
  // The PDF workers start now, not with the first letter someone opens.
  letterRenderer()
    .warmUp()
    .then(() => app.log.info('PDF workers ready'))
    .catch((error: unknown) => app.log.error({ err: error }, 'PDF workers could not start'));
} catch (error) {
  console.error(`Could not start the web server on ${config.host}:${config.port}: ${(error as Error).message}`);
  connection.close();
  process.exit(1);
}
