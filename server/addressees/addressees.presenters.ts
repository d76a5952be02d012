import { formView } from '../shared/form-view.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import { formatIsoDate } from '../shared/dates.ts';
import { selectOptions } from '../shared/form-view.ts';
import type { Addressee, AddresseeList } from './addressees.table.ts';
import { directoryFilters, hasLostCharacter } from './addressees.service.ts';
import type { DirectoryFilter, ListAccess } from './addressees.service.ts';
import { addressBlock, collectiveAddressBlock, collectiveSalutation, letterSalutation, overlongAddressLines } from './forms-of-address.ts';
import type { AddressSource } from './forms-of-address.ts';
import { columnLabels } from './import/columns.ts';
import type { ImportField } from './import/columns.ts';
import type { ImportPreview } from './import/preview.ts';

export const accessLabel = (access: ListAccess) => t(`lists.access.${access}` as MessageKey);

export const salutationOptions = (current: string) =>
  selectOptions(
    [
      { value: '', label: t('addressee.salutation.none') },
      { value: 'Frau', label: 'Frau' },
      { value: 'Herr', label: 'Herr' },
    ],
    current,
  );

export function presentList(list: AddresseeList, access: ListAccess, entryCount: number) {
  return {
    id: list.id,
    name: list.name,
    description: list.description,
    entryCount,
    access,
    accessLabel: accessLabel(access),
    canEditEntries: access !== 'viewer',
    canEditList: access === 'owner',
    groupAddressLine: list.groupAddressLine,
    groupSalutation: list.groupSalutation,
    groupAddress: [list.groupInstitution, list.groupRecipient, list.groupStreet, [list.groupPostcode, list.groupCity].filter(Boolean).join(' ')]
      .filter(Boolean)
      .join(', '),
    groupEmail: list.groupEmail,
  };
}

export function presentEntry(entry: Addressee) {
  return {
    id: entry.id,
    name: [entry.salutation, entry.title, entry.firstName, entry.lastName].filter(Boolean).join(' '),
    function: entry.function,
    institution: [entry.institution, entry.department].filter(Boolean).join(', '),
    address: [entry.street, [entry.postcode, entry.city].filter(Boolean).join(' ')].filter(Boolean).join(', '),
    email: entry.email,
    verifiedAt: entry.verifiedAt ? formatIsoDate(entry.verifiedAt) : '',
    note: entry.note,
  };
}

export function entryFormValues(entry: Addressee): Record<string, string> {
  const { id: _id, listId: _listId, createdAt: _createdAt, updatedAt: _updatedAt, ...values } = entry;
  return values;
}

export function listFormValues(list: AddresseeList): Record<string, string> {
  const { id: _id, ownerId: _ownerId, createdAt: _createdAt, rank, ...values } = list;
  return { ...values, rank: String(rank) };
}

/** How an entry will appear in the letter: the address field, the salutation and width warnings. */
export function presentLetterPreview(source: AddressSource) {
  const lines = addressBlock(source);
  const overlong = new Set(overlongAddressLines(lines));
  return {
    lines: lines.map((text) => ({ text, tooWide: overlong.has(text) })),
    salutation: letterSalutation(source),
    warnings: [...overlong].map((line) => t('directory.lineTooWide', { line })),
  };
}

export function presentDirectoryEntry(entry: Addressee) {
  const preview = presentLetterPreview(entry);
  if (hasLostCharacter(entry)) preview.warnings.push(t('directory.lostCharacter'));
  return {
    ...presentEntry(entry),
    preview,
    verifiedLabel: entry.verifiedAt ? t('directory.verifiedAt', { date: formatIsoDate(entry.verifiedAt) }) : t('directory.notVerified'),
    verified: entry.verifiedAt !== '',
    /** The fields most often corrected, editable right in the directory row. */
    quickForm: formView(pickQuickFields(entryFormValues(entry))),
    salutations: salutationOptions(entry.salutation),
  };
}

export const quickEditFields = ['salutation', 'title', 'firstName', 'lastName', 'function', 'email'] as const;

const pickQuickFields = (values: Record<string, string>) => Object.fromEntries(quickEditFields.map((field) => [field, values[field] ?? '']));

/** The address field and salutation of one collective letter to the whole list. */
export function presentCollectivePreview(list: AddresseeList) {
  if (!list.groupAddressLine && !list.groupInstitution && !list.groupRecipient && !list.groupSalutation) return null;
  const lines = collectiveAddressBlock(list);
  const overlong = new Set(overlongAddressLines(lines));
  return {
    lines: lines.map((text) => ({ text, tooWide: overlong.has(text) })),
    salutation: collectiveSalutation([list]),
    warnings: [...overlong].map((line) => t('directory.lineTooWide', { line })),
  };
}

export const directoryFilterOptions = (current: DirectoryFilter) =>
  selectOptions(
    directoryFilters.map((value) => ({ value, label: t(`directory.filter.${value}` as MessageKey) })),
    current,
  );

/** Form values (strings) as an address source, for the live preview on the entry form. */
export function addressSourceFromForm(values: Record<string, string>): AddressSource {
  const value = (name: string) => values[name] ?? '';
  const salutation = value('salutation');
  return {
    salutation: salutation === 'Herr' || salutation === 'Frau' ? salutation : '',
    title: value('title'),
    firstName: value('firstName'),
    lastName: value('lastName'),
    function: value('function'),
    institution: value('institution'),
    department: value('department'),
    street: value('street'),
    postcode: value('postcode'),
    city: value('city'),
    letterSalutation: value('letterSalutation'),
  };
}

const severityOrder = { error: 0, warning: 1, notice: 2 } as const;
/** Rows without problems shown in a preview; rows with problems are always shown. */
export const PREVIEW_CLEAN_ROWS = 200;

export function describeFormat(preview: ImportPreview): string {
  if (preview.format === 'xlsx') return t('import.format.xlsx');
  if (preview.format === 'oparl') return t('import.format.oparl');
  const separator = preview.separator === '\t' ? 'Tab' : (preview.separator ?? ';');
  return `${t(`import.encoding.${preview.encoding ?? 'utf-8'}` as MessageKey)}, ${t('import.separator', { separator })}`;
}

export function presentImportPreview(preview: ImportPreview, filename: string) {
  let clean = 0;
  const shown = preview.rows.filter((row) => row.problems.length > 0 || (clean += 1) <= PREVIEW_CLEAN_ROWS);
  return {
    filename,
    format: describeFormat(preview),
    columns: preview.columns.map((column) => ({ header: column.header, label: column.label ?? t('import.preview.ignored'), used: column.label !== null })),
    counts: preview.counts,
    blocking: preview.blocking,
    nothingToDo: !preview.blocking && preview.counts.add + preview.counts.update === 0,
    hiddenRows: preview.rows.length - shown.length,
    rows: shown.map((row) => ({
      line: row.line,
      action: row.action,
      actionLabel: t(`import.action.${row.action}` as MessageKey),
      addressLines: row.addressLines,
      salutation: row.salutation,
      email: row.values.email,
      changed: row.action === 'update' ? t('import.preview.changed', { fields: row.changed.map((field) => columnLabels[field as ImportField] ?? field).join(', ') }) : '',
      problems: [...row.problems]
        .sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity])
        .map((problem) => ({ severity: problem.severity, label: t(`import.severity.${problem.severity}` as MessageKey), message: t(problem.key, problem.params) })),
    })),
  };
}

/** The column names the import understands, for the upload page. */
export const importColumnHelp = () => Object.values(columnLabels).join(', ');
