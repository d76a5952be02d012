import { CliError } from '../cli/cli-context.ts';
import type { CliCommand } from '../cli/cli-context.ts';
import { createFileStore } from '../shared/file-store.ts';
import { seedDemo } from './seed-demo.ts';
import { describeSeedResult } from './seed-report.ts';

export const seedDemoCommand: CliCommand = {
  name: 'seed-demo',
  usage: 'seed-demo',
  description: 'Adds the Kreis Kleve demo (organiser, lists, two appeals); creates nothing twice.',
  async run(args, context) {
    if (args.length > 0) throw new CliError(`seed-demo takes no arguments (got "${args.join(' ')}").`);
    const { db } = context.database();
    const result = await seedDemo({
      config: context.config,
      db,
      clock: context.clock,
      fileStore: createFileStore(context.config.uploadsDir),
      demoPassword: context.config.demoPassword,
    });
    for (const line of describeSeedResult(result)) context.print(line);
    return 0;
  },
};
