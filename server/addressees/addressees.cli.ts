import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError } from '../cli/cli-context.ts';
import type { CliCommand, CliContext } from '../cli/cli-context.ts';
import type { Db } from '../db/client.ts';
import { t } from '../i18n/index.ts';
import { findOrganiserByEmail } from '../organisers/organisers.service.ts';
import { AppError } from '../shared/app-error.ts';
import { addListToAppeal, createList, findListsByName, listEntries, readListForm } from './addressees.service.ts';
import type { ListValues } from './addressees.repository.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import type { AddresseeList } from './addressees.table.ts';
import { exportCsv, exportXlsx } from './addressees.export.ts';
import { applyImport, operationsOf, previewImport } from './import/import.service.ts';
import { ImportFileError, MAX_IMPORT_BYTES } from './import/import-errors.ts';
import type { ImportPreview } from './import/preview.ts';
import { describeFormat } from './addressees.presenters.ts';

function findOwner({ db, email }: { db: Db; email: string }) {
  const owner = findOrganiserByEmail({ db, email: email.toLowerCase() });
  if (!owner) throw new CliError(`There is no organiser with the e-mail ${email}.`);
  return owner;
}

/** The list with this name; with several of that name, `--owner` (the organiser's e-mail) picks one. */
export function resolveList({ db, name, ownerEmail }: { db: Db; name: string; ownerEmail: string | undefined }): AddresseeList {
  let lists = findListsByName({ db, name });
  if (ownerEmail) {
    const owner = findOwner({ db, email: ownerEmail });
    lists = lists.filter((list) => list.ownerId === owner.id);
  }
  if (lists.length === 0) throw new CliError(`There is no addressee list named "${name}"${ownerEmail ? ` owned by ${ownerEmail}` : ''}. Create it with: mitzeichnen create-list --name "${name}" --owner <e-mail>`);
  if (lists.length > 1) throw new CliError(`${lists.length} organisers have a list named "${name}"; choose one with --owner <e-mail>.`);
  return lists[0]!;
}

/** The same preview as the web page, as text: counts, columns and every row problem. */
export function previewLines(preview: ImportPreview): string[] {
  const { counts } = preview;
  const lines = [
    `Format: ${describeFormat(preview)}`,
    `Columns: ${preview.columns.map((column) => `${column.header || '(empty)'} → ${column.label ?? 'ignored'}`).join(', ')}`,
    `Rows: ${counts.rows} · new ${counts.add} · update ${counts.update} · unchanged ${counts.unchanged} · with errors ${counts.invalid} · warnings ${counts.warnings} · notes ${counts.notices}`,
  ];
  for (const row of preview.rows) {
    for (const problem of row.problems) {
      lines.push(`Row ${row.line} ${t(`import.severity.${problem.severity}`)}: ${t(problem.key, problem.params)}`);
    }
  }
  return lines;
}

export const importAddresseesCommand: CliCommand = {
  name: 'import-addressees',
  usage: 'import-addressees --list <name> [--owner <e-mail>] [--create] <file.csv|file.xlsx> [--dry-run]',
  description: 'Imports addressees from CSV or XLSX into a list (all or nothing); --create makes the list (owned by --owner) if there is none of that name; --dry-run only prints the preview.',
  async run(args, context: CliContext) {
    const { values, positionals } = parseArgs({
      args,
      options: { list: { type: 'string' }, owner: { type: 'string' }, create: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    if (!values.list) throw new CliError('--list <name> is required.');
    if (values.create && !values.owner) throw new CliError('--create needs --owner <e-mail>: the organiser who will own the new list.');
    if (positionals.length !== 1) throw new CliError('Give exactly one file to import.');
    const path = resolve(context.io.cwd, positionals[0]!);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw new CliError(`Cannot read the file ${path}.`);
    }
    if (size > MAX_IMPORT_BYTES) throw new CliError(t('import.file.tooLarge', { mb: MAX_IMPORT_BYTES / 1024 / 1024 }));
    const { db } = context.database();
    const creating = values.create === true && findListsByName({ db, name: values.list }).every((list) => list.ownerId !== findOwner({ db, email: values.owner! }).id);
    // A list to be created is previewed as an empty one; it is made only when the import is written.
    const list = creating ? newListPreview(values.list) : resolveList({ db, name: values.list, ownerEmail: values.owner });
    let result: Awaited<ReturnType<typeof previewImport>>;
    try {
      result = await previewImport({ db, list, bytes: readFileSync(path) });
    } catch (error) {
      if (error instanceof ImportFileError) throw new CliError(t(error.messageKey, error.params));
      throw error;
    }
    const { preview, fingerprint } = result;
    context.print(`List: ${list.name}${creating ? ' (new)' : ''}`);
    for (const line of previewLines(preview)) context.print(line);
    if (preview.blocking) {
      throw new CliError(`${preview.counts.invalid} row(s) have errors; nothing was imported. Fix the file and run the command again.`);
    }
    if (values['dry-run']) {
      context.print('Dry run: nothing was written.');
      return 0;
    }
    try {
      const target = creating ? createList({ db, clock: context.clock, organiserId: findOwner({ db, email: values.owner! }).id, input: listValues(values.list) }) : list;
      if (creating) context.print(`Created the list "${target.name}" (id ${target.id}).`);
      const done = applyImport({ db, clock: context.clock, list: target, operations: operationsOf(preview), fingerprint, unchanged: preview.counts.unchanged });
      context.print(`Imported: ${done.added} new, ${done.updated} updated, ${done.unchanged} unchanged.`);
    } catch (error) {
      if (error instanceof AppError) throw new CliError(t(error.messageKey, error.params));
      throw new CliError(`The import failed and was rolled back; nothing was written (${(error as Error).message}).`);
    }
    return 0;
  },
};

export const exportAddresseesCommand: CliCommand = {
  name: 'export-addressees',
  usage: 'export-addressees --list <name> [--owner <e-mail>] --format csv|xlsx <file>',
  description: 'Writes a list as CSV (";", UTF-8 with BOM, for Excel) or XLSX.',
  async run(args, context: CliContext) {
    const { values, positionals } = parseArgs({
      args,
      options: { list: { type: 'string' }, owner: { type: 'string' }, format: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (!values.list) throw new CliError('--list <name> is required.');
    if (values.format !== 'csv' && values.format !== 'xlsx') throw new CliError('--format must be csv or xlsx.');
    if (positionals.length !== 1) throw new CliError('Give exactly one output file.');
    const { db } = context.database();
    const list = resolveList({ db, name: values.list, ownerEmail: values.owner });
    const entries = listEntries({ db, list });
    const bytes = values.format === 'csv' ? exportCsv(entries) : await exportXlsx(entries, list.name);
    const path = resolve(context.io.cwd, positionals[0]!);
    try {
      writeFileSync(path, bytes);
    } catch (error) {
      throw new CliError(`Cannot write ${path}: ${(error as Error).message}`);
    }
    context.print(`Wrote ${entries.length} entries of "${list.name}" to ${path}.`);
    return 0;
  },
};

/** A new list's values: the name, everything else as the web form's defaults. */
function listValues(name: string, description = ''): ListValues {
  const form = readListForm({ name, description });
  if (!form.ok) throw new CliError(Object.values(form.errors).map((key) => t(key)).join(' '));
  return form.value;
}

/** The shape of a list not yet stored, for the preview (an empty list: every row is new). */
function newListPreview(name: string): AddresseeList {
  return { id: 0, ownerId: 0, createdAt: new Date(0), ...listValues(name) } as AddresseeList;
}

export const createListCommand: CliCommand = {
  name: 'create-list',
  usage: 'create-list --name <name> --owner <e-mail> [--description <text>]',
  description: 'Creates an empty addressee list owned by an organiser (fill it with import-addressees).',
  async run(args, context: CliContext) {
    const { values } = parseArgs({ args, options: { name: { type: 'string' }, owner: { type: 'string' }, description: { type: 'string' } }, strict: true });
    if (!values.name || !values.owner) throw new CliError('Both --name and --owner are required.');
    const { db } = context.database();
    const owner = findOwner({ db, email: values.owner });
    if (findListsByName({ db, name: values.name }).some((list) => list.ownerId === owner.id)) throw new CliError(`${values.owner} already has a list named "${values.name}".`);
    const list = createList({ db, clock: context.clock, organiserId: owner.id, input: listValues(values.name, values.description ?? '') });
    context.print(`Created the list "${list.name}" (id ${list.id}) for ${values.owner}.`);
    return 0;
  },
};

export const attachListCommand: CliCommand = {
  name: 'attach-list',
  usage: 'attach-list --appeal <slug> --list <name> [--owner <e-mail>] [--collective]',
  description: "Adds a list to an appeal's addressees: one letter per person, or with --collective one letter to the list as a group.",
  async run(args, context: CliContext) {
    const { values } = parseArgs({ args, options: { appeal: { type: 'string' }, list: { type: 'string' }, owner: { type: 'string' }, collective: { type: 'boolean' } }, strict: true });
    if (!values.appeal || !values.list) throw new CliError('Both --appeal and --list are required.');
    const { db } = context.database();
    const appeal = appealsRepository(db).findBySlug(values.appeal);
    if (!appeal) throw new CliError(`No appeal with the slug "${values.appeal}".`);
    const list = resolveList({ db, name: values.list, ownerEmail: values.owner });
    try {
      // As the list's owner: the operator attaches on the owner's behalf.
      addListToAppeal({ db, organiserId: list.ownerId, appeal, listId: list.id, collective: values.collective === true });
    } catch (error) {
      if (error instanceof AppError) throw new CliError(t(error.messageKey, error.params));
      throw error;
    }
    context.print(`The appeal "${appeal.title}" now addresses the list "${list.name}" ${values.collective ? 'as a group (one letter)' : '(one letter per person)'}.`);
    return 0;
  },
};
