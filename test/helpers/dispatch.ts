import { mkdirSync } from 'node:fs';
import { afterEach } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { mailOutbox } from '../../server/mail/mail.table.ts';
import { createFileStore } from '../../server/shared/file-store.ts';
import { tempDataDir } from './app.ts';
import { makeFinalAppeal, makeOrganiser } from './factories.ts';
import type { FinalAppealOptions } from './factories.ts';
import { SmtpSink } from './smtp-sink.ts';

const connections: { close(): void }[] = [];
afterEach(() => {
  while (connections.length > 0) connections.pop()!.close();
});

/**
 * A final appeal in a database FILE (so that the CLI or a child process can open it too),
 * with `count` addressees with e-mail, an SMTP sink and the environment for the CLI.
 * The co-signing mails are removed from the outbox, so that only letters remain.
 */
export async function fileDatabaseWithFinalAppeal(count: number, options: FinalAppealOptions = {}) {
  const sink = await SmtpSink.start();
  const env: Record<string, string> = {
    DATA_DIR: tempDataDir(),
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    BASE_URL: 'http://mitzeichnen.test',
    LOG_LEVEL: 'silent',
    SMTP_URL: sink.url(),
    MAIL_FROM: 'Mitzeichnen <versand@buendnis.example>',
  };
  const config = loadConfig(env);
  mkdirSync(config.dataDir, { recursive: true });
  const connection = openDatabase(config.databaseFile);
  connections.push(connection);
  migrateDatabase(connection.db);
  const fileStore = createFileStore(config.uploadsDir);
  const { organiser } = await makeOrganiser(connection.db);
  const made = await makeFinalAppeal({ db: connection.db, fileStore, config }, organiser.id, {
    organisations: ['AWO', 'Caritas', 'DGB'],
    addressees: Array.from({ length: count }, (_, i) => ({ institution: `Gemeinde ${i + 1}`, lastName: `Muster${i + 1}`, email: `buero${i + 1}@gemeinde.example` })),
    ...options,
  });
  connection.db.delete(mailOutbox).run();
  return { sink, env, config, db: connection.db, sqlite: connection.sqlite, ...made };
}
