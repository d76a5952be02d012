import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError } from '../cli/cli-context.ts';
import type { CliCommand } from '../cli/cli-context.ts';
import { AppError } from '../shared/app-error.ts';
import { createFileStore } from '../shared/file-store.ts';
import { t } from '../i18n/index.ts';
import { prepareLetterIssuer } from './letters.service.ts';
import { createFileNamer } from './letter-file-names.ts';

export const renderCommand: CliCommand = {
  name: 'render',
  usage: 'render --appeal <slug> --out <dir> [--addressee <id>]',
  description: 'Writes the master PDF and the personalised letters of an appeal to a folder.',
  async run(args, context) {
    const { values } = parseArgs({ args, options: { appeal: { type: 'string' }, out: { type: 'string' }, addressee: { type: 'string' } }, strict: true });
    if (!values.appeal || !values.out) throw new CliError('Both --appeal and --out are required.');
    if (values.addressee !== undefined && !/^\d{1,10}$/.test(values.addressee)) throw new CliError(`--addressee must be the numeric id of an addressee (got "${values.addressee}").`);
    const { db } = context.database();
    // The appeal is looked up directly: the CLI is the operator, not an organiser with a role.
    const appeal = appealsRepository(db).findBySlug(values.appeal);
    if (!appeal) throw new CliError(`No appeal with the slug "${values.appeal}".`);
    const out = isAbsolute(values.out) ? values.out : resolve(context.io.cwd, values.out);
    mkdirSync(out, { recursive: true });
    const started = performance.now();
    const nameOf = createFileNamer();
    const names: string[] = [];
    let result;
    try {
      const issuer = prepareLetterIssuer({ db, fileStore: createFileStore(context.config.uploadsDir), clock: context.clock, baseUrl: context.config.baseUrl, seal: context.config.seal, appeal });
      // Chunk by chunk: 10,000 letters never sit in memory at once.
      result = await issuer.issueEach(values.addressee ? { personal: { addresseeId: Number(values.addressee) } } : { master: true, personal: 'all' }, {
        onLetters: (letters) => {
          for (const letter of letters) {
            const name = nameOf(letter.fileName);
            names.push(name);
            const path = join(out, name);
            writeFileSync(path, letter.bytes);
            context.print(`${path}  ${letter.code}  ${(letter.bytes.length / 1024).toFixed(0)} KB`);
          }
        },
      });
    } catch (error) {
      if (error instanceof AppError) throw new CliError(t(error.messageKey, error.params));
      throw error;
    }
    // Every letter must be on disk as its own file: a lost letter is an error, not a warning.
    const written = new Set(names.filter((name) => existsSync(join(out, name)))).size;
    if (written !== result.count) throw new CliError(`Only ${written} of ${result.count} letters were written to ${out}.`);
    for (const warning of result.warnings) context.print(`Warning: ${warning}`);
    context.print(`Wrote ${result.count} PDF(s) of ${result.pageCount} page(s) in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    return 0;
  },
};
