// Council members into an address list: the members read from OParl become the same rows a
// CSV file gives, so the CSV import's preview (new, updated, unchanged, problems) and its
// all-or-nothing apply run unchanged. A refresh also names who left: entries of the list that
// no current member matches are marked „ausgeschieden“ (or removed, if the organiser says so).
import type { Db } from '../db/client.ts';
import type { Clock } from '../shared/clock.ts';
import { conflict } from '../shared/app-error.ts';
import { isoDate, formatIsoDate } from '../shared/dates.ts';
import { t } from '../i18n/index.ts';
import { addresseesRepository } from '../addressees/addressees.repository.ts';
import type { Addressee, AddresseeList } from '../addressees/addressees.table.ts';
import { columnLabels } from '../addressees/import/columns.ts';
import type { ImportField } from '../addressees/import/columns.ts';
import { JobFailedError, JobTimeoutError, runInWorker } from '../jobs/worker-job.ts';
import { IMPORT_READ_MEMORY_MB, IMPORT_READ_TIMEOUT_MS } from '../addressees/import/import-errors.ts';
import type { ImportPreview } from '../addressees/import/preview.ts';
import type { RawTable } from '../addressees/import/read-table.ts';
import { applyImport, listFingerprint, operationsOf } from '../addressees/import/import.service.ts';
import type { ImportOperation, ImportResult } from '../addressees/import/import.service.ts';
import type { PendingImportStore } from '../addressees/import/pending-imports.ts';
import { OparlError } from './oparl-fetch.ts';
import type { FetchJson } from './oparl-fetch.ts';
import { oparlReader, text } from './oparl-client.ts';
import { pickByName, readBodies, readCurrentMembers, readOrganizations } from './oparl-council.ts';
import type { CouncilMember } from './oparl-council.ts';
import type { OparlPreviewJob } from './oparl-preview.worker.ts';

const previewWorker = new URL('./oparl-preview.worker.ts', import.meta.url);

/** Members of one organisation at most (a Kreistag has 50 to 90). */
export const MAX_COUNCIL_MEMBERS = 2_000;

export type OparlSelection = { system: string; body?: string; organization: string };

export type CouncilRead = { bodyName: string; organizationName: string; sourceUrl: string; members: CouncilMember[] };

export type OparlPreview = {
  bodyName: string;
  organizationName: string;
  sourceUrl: string;
  preview: ImportPreview;
  /** Entries of the list that no current member matches. */
  left: Addressee[];
  fingerprint: string;
};

type PendingOparlImport = { source: 'oparl'; listId: number; organiserId: number | null; fingerprint: string; operations: ImportOperation[]; unchanged: number; left: number[] };

export type OparlImportResult = ImportResult & { left: number; removed: number };

export async function readCouncil({ fetchJson, clock, selection, progress }: { fetchJson: FetchJson; clock: Clock; selection: OparlSelection; progress?: (done: number, total: number) => void }): Promise<CouncilRead> {
  const reader = oparlReader(fetchJson);
  const today = isoDate(clock());
  const { bodies } = await readBodies(reader, selection.system);
  const body = pickByName(bodies, selection.body, 'oparl.error.bodyNotFound');
  const organization = pickByName(await readOrganizations(reader, body, today), selection.organization, 'oparl.error.organizationNotFound');
  const members = await readCurrentMembers({ reader, body, organization, today, progress });
  if (members.length > MAX_COUNCIL_MEMBERS) throw new OparlError('oparl.error.tooManyObjects', { max: MAX_COUNCIL_MEMBERS });
  return { bodyName: text(body.name), organizationName: text(organization.name), sourceUrl: organization.id, members };
}

/** The columns of the table the members become, and what fills them. */
const columnValues: [ImportField, (member: CouncilMember) => string][] = [
  ['salutation', (m) => m.formOfAddress],
  ['title', (m) => m.title],
  ['firstName', (m) => m.givenName],
  ['lastName', (m) => m.familyName],
  ['function', (m) => m.role],
  ['street', (m) => m.street],
  ['postcode', (m) => m.postcode],
  ['city', (m) => m.city],
  ['email', (m) => m.email],
];

/** The members as the table a CSV file with these columns would give. */
export function councilTable(members: CouncilMember[]): RawTable {
  return {
    format: 'oparl',
    headers: columnValues.map(([field]) => columnLabels[field]),
    rows: members.map((member, index) => ({ line: index + 1, cells: columnValues.map(([, value]) => value(member)) })),
  };
}

export const isMarkedLeft = (entry: Pick<Addressee, 'note'>) => entry.note.startsWith(t('oparl.left.notePrefix'));

/** The CSV import's preview of the members against the list (built in a worker thread), plus who left. Writes nothing. */
export async function buildOparlPreview({ db, clock, list, council }: { db: Db; clock: Clock; list: AddresseeList; council: CouncilRead }): Promise<OparlPreview> {
  const existing = addresseesRepository(db).entries(list.id);
  // A shared address (a faction's office) would make the CSV preview refuse the rows as
  // duplicates; it stays with the first member who gives it and the others are told.
  const seen = new Set<string>();
  const shared = new Map<number, string>();
  const members = council.members.map((member, index) => {
    const key = member.email.toLowerCase();
    if (key === '' || !seen.has(key)) {
      seen.add(key);
      return member;
    }
    shared.set(index + 1, member.email);
    return { ...member, email: '' };
  });
  let preview: ImportPreview;
  try {
    preview = await runInWorker<OparlPreviewJob, ImportPreview>(previewWorker, { table: councilTable(members), existing }, { timeoutMs: IMPORT_READ_TIMEOUT_MS, maxMemoryMb: IMPORT_READ_MEMORY_MB });
  } catch (error) {
    if (error instanceof JobTimeoutError || error instanceof JobFailedError) throw new OparlError('oparl.error.previewFailed');
    throw error;
  }
  const today = isoDate(clock());
  for (const row of preview.rows) {
    const email = shared.get(row.line);
    if (email !== undefined) {
      row.problems.push({ severity: 'warning', key: 'oparl.problem.emailShared', params: { email } });
      preview.counts.warnings += 1;
    }
    if (row.values.street === '' || row.values.postcode === '' || row.values.city === '') {
      row.problems.push({ severity: 'warning', key: 'oparl.problem.addressMissing', params: {} });
      preview.counts.warnings += 1;
    }
    // Only a new entry gets the date and source; a refresh leaves an entry's own note and check date alone.
    row.values.verifiedAt = today;
    row.values.note = t('oparl.sourceNote', { date: formatIsoDate(today), name: council.organizationName }).slice(0, 300);
  }
  const matched = new Set(preview.rows.map((row) => row.matchId).filter((id) => id !== undefined));
  const left = existing.filter((entry) => !matched.has(entry.id));
  return { bodyName: council.bodyName, organizationName: council.organizationName, sourceUrl: council.sourceUrl, preview, left, fingerprint: listFingerprint(existing) };
}

/** Keeps a preview without blocking problems for confirmation; returns its id. */
export function keepPendingOparlImport({ store, clock, list, organiserId, result }: { store: PendingImportStore; clock: Clock; list: AddresseeList; organiserId: number | null; result: OparlPreview }): string | undefined {
  if (result.preview.blocking) return undefined;
  const pending: PendingOparlImport = { source: 'oparl', listId: list.id, organiserId, fingerprint: result.fingerprint, operations: operationsOf(result.preview), unchanged: result.preview.counts.unchanged, left: result.left.map((entry) => entry.id) };
  return store.save(pending, clock());
}

/** Writes the import, then marks (or removes) those who left, in one transaction: all or nothing. */
export function applyOparlImport({ db, clock, list, operations, fingerprint, unchanged, left, removeLeft }: { db: Db; clock: Clock; list: AddresseeList; operations: ImportOperation[]; fingerprint: string; unchanged: number; left: number[]; removeLeft: boolean }): OparlImportResult {
  const now = clock();
  const note = t('oparl.left.note', { date: formatIsoDate(isoDate(now)) });
  return db.transaction((tx) => {
    const done = applyImport({ db: tx, clock, list, operations, fingerprint, unchanged });
    const repository = addresseesRepository(tx);
    let removed = 0;
    for (const id of left) {
      const entry = repository.findEntry(list.id, id);
      if (!entry) throw conflict('import.stale');
      if (removeLeft) {
        repository.deleteEntry(id);
        removed += 1;
      } else if (!isMarkedLeft(entry)) {
        repository.updateEntryFields(list.id, id, { note: `${note} ${entry.note}`.trim().slice(0, 300) }, now);
      }
    }
    return { ...done, left: left.length, removed };
  });
}

/** Imports exactly what the organiser saw in the preview with this id. */
export function confirmOparlImport({ db, clock, store, list, organiserId, importId, removeLeft }: { db: Db; clock: Clock; store: PendingImportStore; list: AddresseeList; organiserId: number; importId: string; removeLeft: boolean }): OparlImportResult {
  const pending = store.load<PendingOparlImport>(importId, clock());
  if (!pending || pending.source !== 'oparl' || pending.listId !== list.id || pending.organiserId !== organiserId) throw conflict('import.expired');
  const result = applyOparlImport({ db, clock, list, ...pending, removeLeft });
  store.remove(importId);
  return result;
}
