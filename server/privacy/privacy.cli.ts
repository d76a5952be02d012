import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError } from '../cli/cli-context.ts';
import type { CliCommand } from '../cli/cli-context.ts';
import { createFileStore } from '../shared/file-store.ts';
import { createReplyFileStore } from '../replies/reply-files.ts';
import { deletePersonByEmail } from './person-deletion.ts';
import { exportPersonByEmail, isEmptyExport } from './person-export.ts';
import type { PersonExport } from './person-export.ts';

function emailOption(args: string[], allowed: 'out' | 'yes') {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, out: { type: 'string' }, yes: { type: 'boolean' } }, strict: true });
  if (allowed !== 'out' && values.out !== undefined) throw new CliError('Unknown option --out.');
  if (allowed !== 'yes' && values.yes !== undefined) throw new CliError('Unknown option --yes.');
  const email = values.email?.trim() ?? '';
  if (!email || !email.includes('@')) throw new CliError('--email <e-mail address> is required.');
  return { email, values };
}

const summary = (exported: PersonExport) =>
  `${exported.representatives.length} representative entr${exported.representatives.length === 1 ? 'y' : 'ies'}, ${exported.addressees.length} addressee entr${exported.addressees.length === 1 ? 'y' : 'ies'}, ${exported.supporters.length} supporter entr${exported.supporters.length === 1 ? 'y' : 'ies'}, ${exported.organiser ? 'an organiser account' : 'no organiser account'}, ${exported.mailsToAddress.length} stored e-mail(s)`;

export const exportPersonCommand: CliCommand = {
  name: 'export-person',
  usage: 'export-person --email <e-mail> [--out <file.json>]',
  description: "Exports everything stored about a person (every appeal and list) as JSON, to stdout or a file.",
  async run(args, context) {
    const { email, values } = emailOption(args, 'out');
    const { db } = context.database();
    const exported = exportPersonByEmail({ db, fileStore: createFileStore(context.config.uploadsDir), clock: context.clock, email });
    const json = `${JSON.stringify(exported, null, 2)}\n`;
    if (values.out) {
      const path = resolve(context.io.cwd, values.out);
      writeFileSync(path, json, { mode: 0o600 });
      context.print(`Wrote ${path}: ${summary(exported)}.`);
    } else {
      context.io.stdout.write(json);
    }
    return isEmptyExport(exported) ? 2 : 0;
  },
};

export const deletePersonCommand: CliCommand = {
  name: 'delete-person',
  usage: 'delete-person --email <e-mail> [--yes]',
  description: 'Deletes or pseudonymises everything stored about a person; without --yes only shows what it would touch.',
  async run(args, context) {
    const { email, values } = emailOption(args, 'yes');
    const { db } = context.database();
    const fileStore = createFileStore(context.config.uploadsDir);
    const exported = exportPersonByEmail({ db, fileStore, clock: context.clock, email });
    if (isEmptyExport(exported)) {
      context.print(`Nothing is stored under ${email}.`);
      return 2;
    }
    context.print(`Found: ${summary(exported)}.`);
    if (!values.yes) {
      context.print('Nothing deleted. Run again with --yes to delete (export it first with export-person if the person asked for a copy).');
      return 1;
    }
    const report = deletePersonByEmail({ db, clock: context.clock, fileStore, mailDir: context.config.mail.dir, replyFiles: createReplyFileStore(context.config.uploadsDir), email });
    context.print(
      `Deleted: ${report.representatives} representative entr${report.representatives === 1 ? 'y' : 'ies'} pseudonymised, ${report.addressees} addressee entr${report.addressees === 1 ? 'y' : 'ies'} deleted, ${report.supporters} supporter entr${report.supporters === 1 ? 'y' : 'ies'} deleted, organiser account ${report.organiser ? 'deleted' : 'not deleted'}, ${report.mails} outbox row(s) and ${report.emlFiles} .eml file(s), ${report.auditEvents} audit event(s) pseudonymised.`,
    );
    for (const reason of report.refused) context.print(`Not deleted: ${reason}`);
    return report.refused.length > 0 ? 1 : 0;
  },
};
