import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { mayEditSignatoryList } from '../appeals/appeal-lifecycle.ts';
import type { Clock } from '../shared/clock.ts';
import { conflict, notFound } from '../shared/app-error.ts';
import type { FileStore } from '../shared/file-store.ts';
import { readForm } from '../shared/form.ts';
import type { FieldErrors, FormResult } from '../shared/form.ts';
import type { UploadedFile } from '../shared/uploaded-file.ts';
import { reencodeLogo } from './logos.ts';
import { signatoriesRepository } from './signatories.repository.ts';
import type { SignatoryWithOrganisation } from './signatories.repository.ts';

export type SignatoryInput = {
  organisation: { name: string; shortName: string; website: string; address: string };
  representative: { representativeName: string; representativeFunction: string; representativeEmail: string };
};

export function readSignatoryForm(body: unknown): FormResult<SignatoryInput> {
  const form = readForm(body);
  return form.result({
    organisation: {
      name: form.line('organisationName', { required: true, max: 200 }),
      shortName: form.line('shortName', { max: 30 }),
      website: form.url('website'),
      address: form.lines('address', { max: 120 }).join('\n'),
    },
    representative: {
      representativeName: form.line('representativeName', { required: true, max: 120 }),
      representativeFunction: form.line('representativeFunction', { max: 120 }),
      representativeEmail: form.email('representativeEmail', { required: true }),
    },
  });
}

export function listSignatories({ db, appeal }: { db: Db; appeal: Appeal }): SignatoryWithOrganisation[] {
  return signatoriesRepository(db).list(appeal.id);
}

/**
 * Who may be named in public (the verification page /v/): representatives who signed and
 * agreed to be named (consentPublic, asked when signing). Never someone who has not signed,
 * withdrew or declined, and no one whose data was deleted.
 */
export function publiclyNamedSignatories({ db, appealId }: { db: Db; appealId: number }): { name: string; organisation: string }[] {
  return signatoriesRepository(db)
    .list(appealId)
    .filter(({ signatory }) => signatory.consentPublic && signatory.signedAt !== null && signatory.status !== 'withdrawn' && signatory.status !== 'declined')
    .map(({ signatory, organisation }) => ({ name: signatory.representativeName, organisation: organisation.name }));
}

export function findSignatory({ db, appeal, signatoryId }: { db: Db; appeal: Appeal; signatoryId: number }) {
  const found = signatoriesRepository(db).find(appeal.id, signatoryId);
  if (!found) throw notFound();
  return found;
}

function assertListEditable(appeal: Appeal) {
  if (!mayEditSignatoryList(appeal)) throw conflict('signatories.locked');
}

type SaveResult = { ok: true; signatory: SignatoryWithOrganisation } | { ok: false; errors: FieldErrors };

/** Re-encodes and stores an uploaded logo; returns the stored name or the problem at the field. */
async function storeUploadedLogo(fileStore: FileStore, logo: UploadedFile | undefined) {
  if (!logo) return { ok: true as const, logoFile: undefined };
  const result = await reencodeLogo(logo);
  if (!result.ok) return { ok: false as const, errors: { logo: result.error } satisfies FieldErrors };
  return { ok: true as const, logoFile: fileStore.write('logos', result.png, 'png') };
}

export async function addFirstSignatory({
  db,
  clock,
  fileStore,
  appeal,
  input,
  logo,
}: {
  db: Db;
  clock: Clock;
  fileStore: FileStore;
  appeal: Appeal;
  input: SignatoryInput;
  logo?: UploadedFile;
}): Promise<SaveResult> {
  assertListEditable(appeal);
  const stored = await storeUploadedLogo(fileStore, logo);
  if (!stored.ok) return stored;
  const signatory = db.transaction((tx) => {
    const repository = signatoriesRepository(tx);
    return repository.insert({
      appealId: appeal.id,
      organisation: { ...input.organisation, logoFile: stored.logoFile ?? null },
      representative: input.representative,
      tier: 'first',
      position: repository.nextPosition(appeal.id),
      now: clock(),
    });
  });
  return { ok: true, signatory };
}

export async function updateFirstSignatory({
  db,
  fileStore,
  appeal,
  signatoryId,
  input,
  logo,
  removeLogo,
}: {
  db: Db;
  fileStore: FileStore;
  appeal: Appeal;
  signatoryId: number;
  input: SignatoryInput;
  logo?: UploadedFile;
  removeLogo: boolean;
}): Promise<SaveResult> {
  assertListEditable(appeal);
  const existing = findSignatory({ db, appeal, signatoryId });
  const stored = await storeUploadedLogo(fileStore, logo);
  if (!stored.ok) return stored;
  const oldLogo = existing.organisation.logoFile;
  const logoFile = stored.logoFile ?? (removeLogo ? null : oldLogo);
  const repository = signatoriesRepository(db);
  db.transaction((tx) => {
    const inTx = signatoriesRepository(tx);
    inTx.updateOrganisation(existing.organisation.id, { ...input.organisation, logoFile });
    inTx.updateRepresentative(existing.signatory.id, input.representative);
  });
  if (oldLogo && oldLogo !== logoFile) fileStore.remove('logos', oldLogo);
  return { ok: true, signatory: repository.find(appeal.id, signatoryId)! };
}

export function removeSignatory({ db, fileStore, appeal, signatoryId }: { db: Db; fileStore: FileStore; appeal: Appeal; signatoryId: number }) {
  assertListEditable(appeal);
  const existing = findSignatory({ db, appeal, signatoryId });
  signatoriesRepository(db).delete(existing.organisation.id);
  if (existing.organisation.logoFile) fileStore.remove('logos', existing.organisation.logoFile);
  return existing;
}

/** Moves a signatory one place up or down in the signature block. */
export function moveSignatory({ db, appeal, signatoryId, direction }: { db: Db; appeal: Appeal; signatoryId: number; direction: 'up' | 'down' }) {
  assertListEditable(appeal);
  db.transaction((tx) => {
    const repository = signatoriesRepository(tx);
    const list = repository.list(appeal.id, 'first');
    const index = list.findIndex((entry) => entry.signatory.id === signatoryId);
    const otherIndex = direction === 'up' ? index - 1 : index + 1;
    if (index < 0 || otherIndex < 0 || otherIndex >= list.length) return;
    // Renumber the whole list so that equal or missing positions cannot block a move.
    const order = list.map((entry) => entry.signatory.id);
    [order[index], order[otherIndex]] = [order[otherIndex]!, order[index]!];
    order.forEach((id, position) => repository.setPosition(id, position + 1));
  });
}
