// The `mitzeichnen` command line. Operator output is English; exit code 0 = success.
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import type { DatabaseConnection } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { systemClock } from './shared/clock.ts';
import { isMainModule } from './shared/project-root.ts';
import { CliError } from './cli/cli-context.ts';
import type { CliCommand, CliContext, CliIo } from './cli/cli-context.ts';
import { backupCommand, migrateCommand } from './db/db.cli.ts';
import { seedDemoCommand } from './demo/demo.cli.ts';
import { createOrganiserCommand, resetTwoFactorCommand, setPasswordCommand } from './organisers/organisers.cli.ts';
import { renderCommand } from './letters/letters.cli.ts';
import { attachListCommand, createListCommand, exportAddresseesCommand, importAddresseesCommand } from './addressees/addressees.cli.ts';
import { sendCommand } from './dispatch/dispatch.cli.ts';
import { createBackground } from './background.ts';
import { deletePersonCommand, exportPersonCommand } from './privacy/privacy.cli.ts';
import { closeLetterRenderer } from './letters/letter-renderer.ts';
import { importOparlCommand } from './oparl/oparl.cli.ts';

const commands: CliCommand[] = [
  migrateCommand,
  seedDemoCommand,
  createOrganiserCommand,
  setPasswordCommand,
  createListCommand,
  resetTwoFactorCommand,
  importAddresseesCommand,
  importOparlCommand,
  attachListCommand,
  exportAddresseesCommand,
  renderCommand,
  sendCommand,
  backupCommand,
  exportPersonCommand,
  deletePersonCommand,
];

function usage(): string {
  const width = Math.max(...commands.map((command) => command.usage.length));
  return [
    'Usage: mitzeichnen <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.usage.padEnd(width)}  ${command.description}`),
    '',
    'Configuration comes from environment variables (see README), e.g. DATA_DIR.',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const write = (stream: NodeJS.WritableStream, text: string) => stream.write(`${text}\n`);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    write(io.stdout, usage());
    return name ? 0 : 1;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    write(io.stderr, `Unknown command "${name}".\n\n${usage()}`);
    return 1;
  }
  let connection: DatabaseConnection | undefined;
  try {
    const config = loadConfig(io.env, io.cwd);
    const context: CliContext = {
      io,
      config,
      clock: systemClock,
      database: () => {
        if (!connection) {
          connection = openDatabase(config.databaseFile);
          migrateDatabase(connection.db);
        }
        return connection;
      },
      print: (line) => write(io.stdout, line),
      mailWorker: (db) => createBackground({ db, clock: systemClock, config }).worker,
    };
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof CliError) {
      write(io.stderr, `Error: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      write(io.stderr, error.message);
      return 1;
    }
    // parseArgs reports unknown or malformed options with this code.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      write(io.stderr, `Error: ${(error as Error).message}\nUsage: mitzeichnen ${command.usage}`);
      return 1;
    }
    write(io.stderr, `Error: ${(error as Error).stack ?? String(error)}`);
    return 2;
  } finally {
    // The PDF worker pool (started by a command that renders) ends with the command.
    await closeLetterRenderer();
    connection?.close();
  }
}

export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}

if (isMainModule(import.meta.url)) await main();
