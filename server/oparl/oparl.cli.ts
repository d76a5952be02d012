import { parseArgs } from 'node:util';
import { CliError } from '../cli/cli-context.ts';
import type { CliCommand, CliContext } from '../cli/cli-context.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { AppError } from '../shared/app-error.ts';
import { resolveList } from '../addressees/addressees.cli.ts';
import { columnLabels } from '../addressees/import/columns.ts';
import type { ImportField } from '../addressees/import/columns.ts';
import { operationsOf } from '../addressees/import/import.service.ts';
import { OparlError } from './oparl-fetch.ts';
import { applyOparlImport, buildOparlPreview, isMarkedLeft, readCouncil } from './oparl-import.service.ts';
import type { OparlPreview } from './oparl-import.service.ts';
import { createOparlFetcher } from './oparl.service.ts';

const nameOf = (values: { firstName: string; lastName: string; institution: string }) => [values.firstName, values.lastName].filter(Boolean).join(' ') || values.institution;

/** The web page's preview as German text: counts, every change and problem, who left. */
export function oparlPreviewLines(result: OparlPreview): string[] {
  const { counts } = result.preview;
  const lines = [t('oparl.cli.counts', { ...counts, left: result.left.length })];
  for (const row of result.preview.rows) {
    if (row.action === 'update') lines.push(t('oparl.cli.changed', { line: row.line, name: nameOf(row.values), fields: row.changed.map((field) => columnLabels[field as ImportField] ?? field).join(', ') }));
    for (const problem of row.problems) {
      lines.push(t('oparl.cli.problem', { line: row.line, name: nameOf(row.values), severity: t(`import.severity.${problem.severity}` as MessageKey), message: t(problem.key, problem.params) }));
    }
  }
  for (const entry of result.left) lines.push(t('oparl.cli.leftEntry', { name: nameOf(entry), marked: isMarkedLeft(entry) ? t('oparl.cli.alreadyMarked') : '' }));
  return lines;
}

export const importOparlCommand: CliCommand = {
  name: 'import-oparl',
  usage: 'import-oparl --system <url> [--body <name or id>] --organization <name> --list <name> [--owner <e-mail>] [--remove-left] [--dry-run]',
  description: "Imports an organisation's current members (e.g. the Kreistag) from a council information system (OParl) into a list, all or nothing; members who left are marked, or removed with --remove-left; --dry-run only prints the preview.",
  async run(args, context: CliContext) {
    const { values } = parseArgs({
      args,
      options: { system: { type: 'string' }, body: { type: 'string' }, organization: { type: 'string' }, list: { type: 'string' }, owner: { type: 'string' }, 'remove-left': { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
      strict: true,
    });
    if (!values.system || !values.organization || !values.list) throw new CliError('--system <url>, --organization <name> and --list <name> are required.');
    const { db } = context.database();
    const list = resolveList({ db, name: values.list, ownerEmail: values.owner });
    const fetcher = createOparlFetcher(context.config);
    let result: OparlPreview;
    try {
      const council = await readCouncil({ fetchJson: fetcher.fetchJson, clock: context.clock, selection: { system: values.system, body: values.body, organization: values.organization } });
      result = await buildOparlPreview({ db, clock: context.clock, list, council });
    } catch (error) {
      if (error instanceof OparlError) throw new CliError(t(error.messageKey, error.params));
      throw error;
    } finally {
      fetcher.close();
    }
    context.print(t('oparl.cli.source', { body: result.bodyName, organization: result.organizationName, url: result.sourceUrl }));
    context.print(t('oparl.cli.list', { name: list.name }));
    for (const line of oparlPreviewLines(result)) context.print(line);
    if (result.preview.blocking) throw new CliError(t('oparl.cli.blocking', { count: result.preview.counts.invalid }));
    if (values['dry-run']) {
      context.print(t('oparl.cli.dryRun'));
      return 0;
    }
    try {
      const done = applyOparlImport({
        db,
        clock: context.clock,
        list,
        operations: operationsOf(result.preview),
        fingerprint: result.fingerprint,
        unchanged: result.preview.counts.unchanged,
        left: result.left.map((entry) => entry.id),
        removeLeft: values['remove-left'] === true,
      });
      context.print(t('oparl.cli.done', done));
    } catch (error) {
      if (error instanceof AppError) throw new CliError(t(error.messageKey, error.params));
      throw error;
    }
    return 0;
  },
};
