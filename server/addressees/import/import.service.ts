import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../shared/clock.ts';
import { conflict } from '../../shared/app-error.ts';
import { addresseesRepository } from '../addressees.repository.ts';
import type { Addressee, AddresseeList } from '../addressees.table.ts';
import type { ImportPreview, ImportValues } from './preview.ts';
import type { PendingImportStore } from './pending-imports.ts';
import { readTablePreview } from './read-table.ts';

export type ImportOperation = { line: number; action: 'add'; values: ImportValues } | { line: number; action: 'update'; id: number; values: Partial<ImportValues> };

export type PendingImport = {
  listId: number;
  organiserId: number | null;
  filename: string;
  /** Hash over the list's entries when the preview was made. */
  fingerprint: string;
  operations: ImportOperation[];
};

export type ImportResult = { added: number; updated: number; unchanged: number };

/** Changes whenever an entry of the list is added, changed or removed. */
export function listFingerprint(entries: Addressee[]): string {
  const hash = createHash('sha256');
  for (const entry of [...entries].sort((a, b) => a.id - b.id)) hash.update(`${entry.id}:${entry.updatedAt.getTime()}\n`);
  return hash.digest('hex');
}

/**
 * Reads the file and tells, row by row, what importing it into `list` would do. Writes nothing.
 * Reading and comparing run in a worker thread with a time and a memory limit.
 */
export async function previewImport({ db, list, bytes }: { db: Db; list: AddresseeList; bytes: Uint8Array }) {
  const entries = addresseesRepository(db).entries(list.id);
  const preview = await readTablePreview(bytes, entries);
  return { preview, fingerprint: listFingerprint(entries) };
}

/** The writes a preview stands for (only for a preview without blocking problems). */
export function operationsOf(preview: ImportPreview): ImportOperation[] {
  const operations: ImportOperation[] = [];
  for (const row of preview.rows) {
    if (row.action === 'add') operations.push({ line: row.line, action: 'add', values: row.values });
    else if (row.action === 'update' && row.matchId !== undefined) {
      const values: Partial<ImportValues> = {};
      for (const field of preview.fields) (values as Record<string, string>)[field] = row.values[field];
      operations.push({ line: row.line, action: 'update', id: row.matchId, values });
    }
  }
  return operations;
}

/**
 * Writes the operations in one transaction: either every row is imported or none (a failing
 * row rolls back the whole import). `fingerprint` guards against changes since the preview.
 */
export function applyImport({ db, clock, list, operations, fingerprint, unchanged = 0 }: { db: Db; clock: Clock; list: AddresseeList; operations: ImportOperation[]; fingerprint: string; unchanged?: number }): ImportResult {
  const now = clock();
  return db.transaction((tx) => {
    const repository = addresseesRepository(tx);
    if (listFingerprint(repository.entries(list.id)) !== fingerprint) throw conflict('import.stale');
    const adds = operations.flatMap((operation) => (operation.action === 'add' ? [{ ...operation.values }] : []));
    repository.insertEntries(list.id, adds, now);
    let updated = 0;
    for (const operation of operations) {
      if (operation.action !== 'update') continue;
      if (repository.updateEntryFields(list.id, operation.id, operation.values, now) !== 1) throw conflict('import.stale');
      updated += 1;
    }
    return { added: adds.length, updated, unchanged };
  });
}

/** Keeps a preview without blocking problems for confirmation; returns its id. */
export function keepPendingImport({ store, clock, list, organiserId, filename, preview, fingerprint }: { store: PendingImportStore; clock: Clock; list: AddresseeList; organiserId: number | null; filename: string; preview: ImportPreview; fingerprint: string }): string | undefined {
  if (preview.blocking) return undefined;
  const pending: PendingImport & { unchanged: number } = { listId: list.id, organiserId, filename, fingerprint, operations: operationsOf(preview), unchanged: preview.counts.unchanged };
  return store.save(pending, clock());
}

/** Imports exactly what the organiser saw in the preview with this id. */
export function confirmImport({ db, clock, store, list, organiserId, importId }: { db: Db; clock: Clock; store: PendingImportStore; list: AddresseeList; organiserId: number; importId: string }): ImportResult {
  const pending = store.load<PendingImport & { unchanged: number }>(importId, clock());
  if (!pending || pending.listId !== list.id || pending.organiserId !== organiserId) throw conflict('import.expired');
  const result = applyImport({ db, clock, list, operations: pending.operations, fingerprint: pending.fingerprint, unchanged: pending.unchanged });
  store.remove(importId);
  return result;
}
