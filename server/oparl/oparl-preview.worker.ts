// Runs in a worker thread (see oparl-import.service.ts): the CSV import's preview of the council
// members against the list. It measures every address line with the letter's font (loaded on
// first use), which the main event loop must not spend.
import type { Addressee } from '../addressees/addressees.table.ts';
import { buildPreview } from '../addressees/import/preview.ts';
import type { ImportPreview } from '../addressees/import/preview.ts';
import type { RawTable } from '../addressees/import/read-table.ts';

export type OparlPreviewJob = { table: RawTable; existing: Addressee[] };

export default async function oparlPreviewJob({ table, existing }: OparlPreviewJob): Promise<ImportPreview> {
  return buildPreview(table, existing);
}
