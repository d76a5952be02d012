// The "Zeichnungsnachweis" of a final appeal: who signed which text version, how and when, with
// the audit chain's head at finalisation. Rendered in the worker pool and finished there
// (letter-pdf/finish-document.ts, where the seal goes), recorded like a letter (verification
// code in its footer, SHA-256 of its bytes). The same signatures give the same bytes: a second
// issue reuses the first one's code and time of issue, so every letter mail carries one file.
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { isLetterFinal } from '../appeals/appeal-lifecycle.ts';
import { appealsRepository } from '../appeals/appeals.repository.ts';
import { auditRepository } from '../audit/audit.repository.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/app-error.ts';
import type { FileStore } from '../shared/file-store.ts';
import { isoDate } from '../shared/dates.ts';
import { RENDERER_VERSION } from '../letter-pdf/letter-identity.ts';
import type { SigningRecordModel } from '../letter-pdf/signing-record.ts';
import { currentSignedText } from '../signing/versions.ts';
import { letterDocumentsRepository } from './letter-documents.repository.ts';
import { findDocument, freshDocumentCode, sha256Of } from './letter-documents.service.ts';
import { letterRenderer } from './letter-renderer.ts';
import type { SealSettings } from '../letter-pdf/seal.ts';
import type { LetterRenderer } from './letter-renderer.ts';

export type IssuedSigningRecord = { bytes: Uint8Array; code: string; sha256: string; fileName: string; pageCount: number };

type Content = Omit<SigningRecordModel, 'code' | 'issuedAt'>;

/** The record's content from the database; undefined while the appeal is not final. */
export function signingRecordContent({ db, fileStore, appeal, baseUrl }: { db: Db; fileStore: FileStore; appeal: Appeal; baseUrl: string }): Content | undefined {
  if (!isLetterFinal(appeal)) return undefined;
  const { version, firstSignatories } = currentSignedText({ db, appeal });
  if (!version) return undefined;
  // The chain up to the (last) finalisation: every invitation, signature and decline is in it,
  // and later events (mails, dispatch) do not change the record.
  const events = auditRepository(db).list(appeal.id);
  const finalisedIndex = events.findLastIndex((event) => event.action === 'finalised');
  const head = events[finalisedIndex] ?? events.at(-1);
  const images: Record<string, Uint8Array> = {};
  const signatures = firstSignatories.map(({ signatory, organisation }) => {
    const method = signatory.signatureKind ?? 'typed';
    const image = method !== 'typed' && signatory.signatureFile ? fileStore.read('signatures', signatory.signatureFile) : undefined;
    const key = image ? `sig:${sha256Of(image)}` : undefined;
    if (key && image) images[key] = new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
    return {
      organisation: organisation.name,
      representative: signatory.representativeName,
      function: signatory.representativeFunction,
      method,
      ...(key ? { image: key } : {}),
      signedAt: (signatory.signedAt ?? version.createdAt).toISOString(),
      versionNumber: version.number,
      versionHash: version.hash,
    };
  });
  return {
    slug: appeal.slug,
    coalitionName: appeal.coalitionName,
    title: appeal.title,
    version: { number: version.number, hash: version.hash, frozenAt: version.createdAt.toISOString() },
    finalisedAt: finalisedIndex >= 0 ? events[finalisedIndex]!.at.toISOString() : '',
    auditHead: { hash: head?.hash ?? '', at: (head?.at ?? version.createdAt).toISOString(), events: head ? events.indexOf(head) + 1 : 0 },
    signatures,
    images,
    baseUrl,
  };
}

/** Recent records per database by their input key (each letter mail asks; the bytes are made once). */
const recentByDb = new WeakMap<object, Map<string, Promise<IssuedSigningRecord>>>();
const KEEP = 16;

/** The record of a final appeal (a 404 with a German message before). */
export function issueSigningRecord({ db, clock, fileStore, appeal, baseUrl, seal, renderer = letterRenderer() }: { db: Db; clock: Clock; fileStore: FileStore; appeal: Appeal; baseUrl: string; seal?: SealSettings | undefined; renderer?: LetterRenderer }): Promise<IssuedSigningRecord> {
  const found = signingRecordContent({ db, fileStore, appeal, baseUrl });
  if (!found) return Promise.reject(new AppError(404, 'signingRecord.notFinal'));
  const { images, ...rest } = found;
  const inputKey = sha256Of(JSON.stringify({ RENDERER_VERSION, kind: 'signing_record', appealId: appeal.id, content: rest, images: Object.keys(images), sealedBy: seal?.holder ?? null, ...(seal?.tsa ? { tsa: seal.tsa.url } : {}) }));
  const content = seal ? { ...found, seal } : found;
  let recent = recentByDb.get(db);
  if (!recent) recentByDb.set(db, (recent = new Map()));
  let issued = recent.get(inputKey);
  if (!issued) {
    issued = render({ db, clock, appeal, renderer, content, inputKey });
    const entries = recent;
    entries.set(inputKey, issued);
    issued.catch(() => entries.delete(inputKey));
    while (entries.size > KEEP) entries.delete(entries.keys().next().value!);
  }
  return issued;
}

async function render({ db, clock, appeal, renderer, content, inputKey }: { db: Db; clock: Clock; appeal: Appeal; renderer: LetterRenderer; content: Content; inputKey: string }): Promise<IssuedSigningRecord> {
  const existing = letterDocumentsRepository(db).findByInputKeys([inputKey])[0];
  let code = existing?.code ?? freshDocumentCode({ db });
  let issuedAt = existing?.renderedAt ?? clock();
  let { bytes, pageCount } = await renderer.signingRecord({ ...content, code, issuedAt: issuedAt.toISOString() });
  const issued = () => ({ bytes, code, sha256: sha256Of(bytes), fileName: `${isoDate(issuedAt)}_${appeal.slug}_zeichnungsnachweis.pdf`, pageCount });
  if (existing && existing.sha256 === sha256Of(bytes)) return issued();
  if (existing) {
    // The renderer changed since: the old record keeps its hash, these bytes get a code and time of their own.
    code = freshDocumentCode({ db });
    issuedAt = clock();
    ({ bytes, pageCount } = await renderer.signingRecord({ ...content, code, issuedAt: issuedAt.toISOString() }));
  }
  const signatories = JSON.stringify(content.signatures.map((s) => ({ name: s.representative, function: s.function, organisation: s.organisation, signedAt: s.signedAt })));
  const row = { code, sha256: sha256Of(bytes), appealId: appeal.id, textVersionHash: content.version.hash, kind: 'signing_record' as const, addresseeId: null, addresseeListId: null, addressLines: '', signatories, draft: false, pageCount, byteSize: bytes.length, inputKey, renderedAt: issuedAt, sentAt: null };
  db.transaction((tx) => {
    const records = letterDocumentsRepository(tx);
    if (existing) records.retireInputKey(existing.id);
    records.insertMany([row]);
  });
  return issued();
}

/** The record of the appeal a verified document belongs to; undefined when there is none (yet). */
export async function signingRecordForDocument({ db, clock, fileStore, baseUrl, seal, code }: { db: Db; clock: Clock; fileStore: FileStore; baseUrl: string; seal?: SealSettings | undefined; code: string }): Promise<IssuedSigningRecord | undefined> {
  const appeal = appealOfDocument({ db, code });
  if (!appeal || !isLetterFinal(appeal)) return undefined;
  return issueSigningRecord({ db, clock, fileStore, appeal, baseUrl, seal });
}

function appealOfDocument({ db, code }: { db: Db; code: string }): Appeal | undefined {
  const found = findDocument({ db, code });
  return found ? appealsRepository(db).findById(found.document.appealId) : undefined;
}
