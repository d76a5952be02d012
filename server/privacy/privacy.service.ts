// The web side of the privacy functions: forms that confirm a deletion, and the organiser's
// own account (asked with their password).
import { signatoriesRepository } from '../signatories/signatories.repository.ts';
import type { Db } from '../db/client.ts';
import type { Organiser } from '../organisers/organisers.table.ts';
import { authenticate } from '../organisers/organisers.service.ts';
import { readForm } from '../shared/form.ts';
import type { FormResult } from '../shared/form.ts';
import { deleteOrganiserAccount, organiserDeletionObstacles } from './person-deletion.ts';
import type { DeletionDeps, DeletionReport } from './person-deletion.ts';
import { privacyRepository } from './privacy.repository.ts';
import { findSupportersByEmail } from '../supporters/supporter-privacy.service.ts';
import { supportersRepository } from '../supporters/supporters.repository.ts';

/** The tick box "Ja, endgültig löschen" that every deletion form needs. */
export function readDeletionConfirmation(body: unknown): FormResult<true> {
  const form = readForm(body);
  if (!form.checkbox('confirm')) form.fail('confirm', 'privacy.delete.confirmMissing');
  return form.result(true);
}

/** The signatories of an appeal and the addressees of its lists that match a search. */
export function findPeopleOfAppeal({ db, appealId, query }: { db: Db; appealId: number; query: string }) {
  const repository = privacyRepository(db);
  const search = query.trim().slice(0, 200);
  return {
    signatories: signatoriesRepository(db).list(appealId),
    addressees: search.length >= 2 ? repository.searchAddresseesOfAppeal(appealId, search, 50) : [],
    supporters: search.length >= 2 ? findSupportersOfAppeal({ db, appealId, query: search }) : [],
    query: search,
  };
}

/**
 * Supporters by their e-mail address (through its hash, so also after retention dropped the
 * address) or by a part of their name or organisation.
 */
function findSupportersOfAppeal({ db, appealId, query }: { db: Db; appealId: number; query: string }) {
  const rows = query.includes('@') ? findSupportersByEmail({ db, email: query, appealId }) : supportersRepository(db).searchByName(appealId, query, 50);
  return rows.map((supporter) => ({
    id: supporter.id,
    name: `${supporter.firstName} ${supporter.lastName}`.trim(),
    organisation: supporter.organisationName,
    place: supporter.place,
    email: supporter.email ?? '',
  }));
}

export { organiserDeletionObstacles };

export type AccountDeletion = { ok: true; report: DeletionReport } | { ok: false; errors: Record<string, 'privacy.delete.confirmMissing' | 'account.wrongPassword'>; values: Record<string, string>; obstacles: string[] };

/** Deletes the organiser's own account after they confirmed with their password. */
export async function deleteOwnAccount({ organiser, body, ...deps }: DeletionDeps & { organiser: Organiser; body: unknown }): Promise<AccountDeletion> {
  const form = readForm(body);
  const password = form.line('password', { max: 1000 });
  const confirmed = form.checkbox('confirm');
  const values = { confirm: confirmed ? 'on' : '' };
  if (!confirmed) return { ok: false, errors: { confirm: 'privacy.delete.confirmMissing' }, values, obstacles: [] };
  if (!(await authenticate({ db: deps.db, email: organiser.email, password }))) return { ok: false, errors: { password: 'account.wrongPassword' }, values, obstacles: [] };
  const report = deleteOrganiserAccount({ ...deps, organiserId: organiser.id });
  if (!report.organiser) return { ok: false, errors: {}, values, obstacles: report.refused };
  return { ok: true, report };
}
