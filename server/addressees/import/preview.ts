import { isValidEmail } from '../../shared/form.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { emptyAddresseeValues } from '../addressees.repository.ts';
import type { AddresseeValues } from '../addressees.repository.ts';
import type { Addressee, Salutation } from '../addressees.table.ts';
import { addressBlock, letterSalutation, overlongAddressLines } from '../forms-of-address.ts';
import { columnLabels, importFields, mapColumns } from './columns.ts';
import type { ImportField } from './columns.ts';
import { ImportFileError } from './import-errors.ts';
import type { RawTable } from './read-table.ts';

export type ProblemSeverity = 'error' | 'warning' | 'notice';
export type RowProblem = { severity: ProblemSeverity; key: MessageKey; params: Record<string, string | number> };

/** The fields of an addressee that an import may set. */
export type ImportValues = Required<Omit<AddresseeValues, 'salutation'>> & { salutation: Salutation };
type ValueField = keyof ImportValues;

export type PreviewRow = {
  line: number;
  values: ImportValues;
  problems: RowProblem[];
  action: 'add' | 'update' | 'unchanged' | 'invalid';
  /** The entry that an update changes. */
  matchId?: number;
  /** Fields that an update changes. */
  changed: ValueField[];
  addressLines: string[];
  salutation: string;
};

export type ImportPreview = {
  format: RawTable['format'];
  encoding?: RawTable['encoding'];
  separator?: RawTable['separator'];
  columns: { header: string; field: ImportField | null; label: string | null }[];
  /** Fields that the file sets; an update changes only these. */
  fields: ValueField[];
  rows: PreviewRow[];
  counts: { rows: number; add: number; update: number; unchanged: number; invalid: number; errors: number; warnings: number; notices: number };
  blocking: boolean;
};

const maxLength: Record<ValueField, number> = {
  salutation: 10,
  title: 60,
  firstName: 80,
  lastName: 80,
  function: 160,
  institution: 160,
  department: 160,
  street: 120,
  postcode: 10,
  city: 80,
  email: 254,
  letterSalutation: 200,
  verifiedAt: 10,
  note: 300,
};

const fieldNames: Partial<Record<ValueField, string>> = {
  title: 'Titel',
  firstName: 'Vorname',
  lastName: 'Nachname',
  function: 'Funktion',
  institution: 'Institution',
  department: 'Abteilung',
  street: 'Straße',
  city: 'Ort',
};

const emptyValues = (): ImportValues => emptyAddresseeValues();

const tidy = (value: string) =>
  value
    .replace(/[\u0000-\u001F\u007F]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    // Undo the export's neutralisation of formula-like cells ("'=…").
    .replace(/^'(?=[=+\-@])/, '');

const keyOf = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();
export const nameKey = (v: { firstName: string; lastName: string; institution: string }) =>
  v.lastName === '' && v.institution === '' ? '' : keyOf(`${v.firstName}|${v.lastName}|${v.institution}`);

function readSalutation(raw: string, values: ImportValues, problems: RowProblem[]) {
  const words = raw.split(' ').filter(Boolean);
  const first = (words[0] ?? '').toLowerCase().replace(/\.$/, '');
  const rest = words.slice(1).join(' ');
  if (['herr', 'herrn', 'hr'].includes(first)) values.salutation = 'Herr';
  else if (['frau', 'fr'].includes(first)) values.salutation = 'Frau';
  else if (raw === '' || ['-', 'keine', 'ohne', 'divers', 'neutral'].includes(raw.toLowerCase())) values.salutation = '';
  else {
    values.salutation = '';
    problems.push({ severity: 'warning', key: 'import.problem.salutationUnknown', params: { value: raw } });
    return;
  }
  // "Herr Dr." in the Anrede column: the title moves to the title field.
  if (rest !== '' && values.title === '') values.title = rest;
}

function readDate(raw: string, problems: RowProblem[]): string {
  if (raw === '') return '';
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(raw);
  const iso = german ? `${german[3]}-${german[2]!.padStart(2, '0')}-${german[1]!.padStart(2, '0')}` : raw;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== iso) {
    problems.push({ severity: 'warning', key: 'import.problem.dateInvalid', params: { value: raw } });
    return '';
  }
  return iso;
}

function readRow(cells: string[], fields: (ImportField | null)[]): { values: ImportValues; problems: RowProblem[] } {
  const values = emptyValues();
  const problems: RowProblem[] = [];
  const raw: Partial<Record<ImportField, string>> = {};
  fields.forEach((field, index) => {
    if (field) raw[field] = tidy(cells[index] ?? '');
  });
  const extra = cells.slice(fields.length).filter((cell) => cell.trim() !== '').length;
  if (extra > 0) problems.push({ severity: 'error', key: 'import.problem.tooManyFields', params: { extra: cells.length - fields.length, count: cells.length, expected: fields.length } });

  values.title = raw.title ?? '';
  readSalutation(raw.salutation ?? '', values, problems);
  values.firstName = raw.firstName ?? '';
  values.lastName = raw.lastName ?? '';
  values.function = raw.function ?? '';
  values.institution = raw.institution ?? '';
  values.department = raw.department ?? '';
  values.street = [raw.street ?? '', raw.houseNumber ?? ''].filter(Boolean).join(' ');
  values.city = raw.city ?? '';
  values.letterSalutation = raw.letterSalutation ?? '';
  values.note = raw.note ?? '';
  values.verifiedAt = readDate(raw.verifiedAt ?? '', problems);

  const postcode = (raw.postcode ?? '').replace(/\s+/g, '');
  if (/^\d{4}$/.test(postcode)) {
    values.postcode = `0${postcode}`;
    problems.push({ severity: 'notice', key: 'import.problem.postcodeRestored', params: { from: postcode, to: values.postcode } });
  } else {
    values.postcode = postcode;
    if (postcode !== '' && !/^\d{5}$/.test(postcode)) problems.push({ severity: 'warning', key: 'import.problem.postcodeUnusual', params: { value: postcode } });
  }

  const email = (raw.email ?? '').replace(/^mailto:/i, '').toLowerCase();
  values.email = email;
  if (email === '') problems.push({ severity: 'warning', key: 'import.problem.emailMissing', params: {} });
  else if (!isValidEmail(email)) problems.push({ severity: 'error', key: 'import.problem.emailInvalid', params: { value: email } });

  if (values.lastName === '' && values.institution === '') {
    problems.push({ severity: 'error', key: 'import.problem.nameMissing', params: {} });
  }
  for (const [field, name] of Object.entries(fieldNames) as [ValueField, string][]) {
    const value = values[field];
    if (/\?/.test(value)) problems.push({ severity: 'warning', key: 'import.problem.questionMark', params: { field: name, value } });
  }
  for (const field of Object.keys(maxLength) as ValueField[]) {
    if (values[field].length > maxLength[field]) {
      problems.push({ severity: 'error', key: 'import.problem.tooLong', params: { field: fieldNames[field] ?? columnLabels[field as ImportField] ?? field, max: maxLength[field] } });
    }
  }
  return { values, problems };
}

/**
 * What an import of `table` into a list with `existing` entries would do, row by row. Nothing
 * is written. An existing entry is matched by e-mail, else by first name + last name +
 * institution; an update changes only the fields that the file has columns for.
 */
export function buildPreview(table: RawTable, existing: Addressee[]): ImportPreview {
  const mapping = mapColumns(table.headers);
  const mapped = new Set(mapping.fields.filter((field): field is ImportField => field !== null));
  if (!mapped.has('lastName') && !mapped.has('institution')) {
    throw new ImportFileError('import.file.missingColumns', {
      expected: importFields.filter((field) => field !== 'houseNumber').map((field) => columnLabels[field]).join(', '),
      found: table.headers.filter(Boolean).map((header) => `„${header}“`).join(', ') || '–',
    });
  }
  const fields = [...mapped].map((field) => (field === 'houseNumber' ? 'street' : field)).filter((field, index, all) => all.indexOf(field) === index) as ValueField[];

  const byEmail = new Map<string, Addressee>();
  const byName = new Map<string, Addressee>();
  for (const entry of existing) {
    if (entry.email && !byEmail.has(entry.email.toLowerCase())) byEmail.set(entry.email.toLowerCase(), entry);
    const key = nameKey(entry);
    if (key && !byName.has(key)) byName.set(key, entry);
  }
  const seenEmail = new Map<string, number>();
  const seenName = new Map<string, number>();
  const seenMatch = new Map<number, number>();

  const rows: PreviewRow[] = table.rows.map(({ line, cells }) => {
    const { values, problems } = readRow(cells, mapping.fields);
    const key = nameKey(values);
    const earlier = (values.email && seenEmail.get(values.email)) || (key && seenName.get(key));
    if (earlier) problems.push({ severity: 'error', key: 'import.problem.duplicateInFile', params: { line: earlier } });
    if (values.email && !seenEmail.has(values.email)) seenEmail.set(values.email, line);
    if (key && !seenName.has(key)) seenName.set(key, line);

    const match = (values.email ? byEmail.get(values.email) : undefined) ?? (key ? byName.get(key) : undefined);
    if (match) {
      const before = seenMatch.get(match.id);
      if (before && !earlier) problems.push({ severity: 'error', key: 'import.problem.duplicateInFile', params: { line: before } });
      if (!before) seenMatch.set(match.id, line);
    }
    const changed = match ? fields.filter((field) => match[field] !== values[field]) : [];
    const hasError = problems.some((problem) => problem.severity === 'error');
    const action: PreviewRow['action'] = hasError ? 'invalid' : !match ? 'add' : changed.length > 0 ? 'update' : 'unchanged';
    const addressLines = addressBlock(values);
    for (const overlong of overlongAddressLines(addressLines)) {
      problems.push({ severity: 'warning', key: 'import.problem.lineTooWide', params: { line: overlong } });
    }
    return { line, values, problems, action, matchId: match?.id, changed, addressLines, salutation: letterSalutation(values) };
  });

  const count = (predicate: (row: PreviewRow) => boolean) => rows.filter(predicate).length;
  const problemCount = (severity: ProblemSeverity) => rows.reduce((sum, row) => sum + row.problems.filter((p) => p.severity === severity).length, 0);
  const counts = {
    rows: rows.length,
    add: count((row) => row.action === 'add'),
    update: count((row) => row.action === 'update'),
    unchanged: count((row) => row.action === 'unchanged'),
    invalid: count((row) => row.action === 'invalid'),
    errors: problemCount('error'),
    warnings: problemCount('warning'),
    notices: problemCount('notice'),
  };
  return {
    format: table.format,
    encoding: table.encoding,
    separator: table.separator,
    columns: mapping.headers.map((header, index) => {
      const field = mapping.fields[index] ?? null;
      return { header, field, label: field ? columnLabels[field] : null };
    }),
    fields,
    rows,
    counts,
    blocking: counts.invalid > 0,
  };
}
