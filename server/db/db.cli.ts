import { resolve } from 'node:path';
import { CliError } from '../cli/cli-context.ts';
import type { CliCommand } from '../cli/cli-context.ts';
import { backupDatabase } from './backup.ts';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'migrate',
  description: 'Applies pending database migrations (the app also does this at every start).',
  async run(args, context) {
    if (args.length > 0) throw new CliError(`migrate takes no arguments (got "${args.join(' ')}").`);
    context.database();
    context.print(`Database ${context.config.databaseFile} is up to date.`);
    return 0;
  },
};

export const backupCommand: CliCommand = {
  name: 'backup',
  usage: 'backup <file>',
  description: 'Writes an online backup of the live database to a new file.',
  async run(args, context) {
    if (args.length !== 1 || !args[0] || args[0].startsWith('-')) throw new CliError('Usage: mitzeichnen backup <file>');
    const target = resolve(context.io.cwd, args[0]);
    const { sqlite } = context.database();
    try {
      const { pages } = await backupDatabase(sqlite, target);
      context.print(`Backup written to ${target} (${pages} pages).`);
    } catch (error) {
      throw new CliError(`Backup failed: ${(error as Error).message}`);
    }
    return 0;
  },
};
