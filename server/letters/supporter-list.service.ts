// The "Unterstützerliste" that goes with every letter mail when the appeal says so: rendered in
// the worker pool, recorded like a letter (verification code in its footer, SHA-256 of its
// bytes), and rendered once per appeal and day in this process — every letter mail of a
// dispatch carries the same bytes. The same input gives the same bytes and keeps its code.
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { isDraftLetter } from '../appeals/appeal-lifecycle.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDate } from '../shared/dates.ts';
import { RENDERER_VERSION } from '../letter-pdf/letter-identity.ts';
import type { SupporterListModel } from '../letter-pdf/supporter-list.ts';
import type { SealSettings } from '../letter-pdf/seal.ts';
import { supporterListData, supportersFrozenAt } from '../supporters/supporter-snapshot.service.ts';
import { currentTextHash } from '../signing/versions.ts';
import { letterDocumentsRepository } from './letter-documents.repository.ts';
import { freshDocumentCode, sha256Of } from './letter-documents.service.ts';
import { letterRenderer } from './letter-renderer.ts';
import type { LetterRenderer } from './letter-renderer.ts';

export type IssuedSupporterList = { bytes: Uint8Array; code: string; sha256: string; fileName: string; pageCount: number };

/** Recent lists per database by their input key (a dispatch asks once per letter; the bytes are made once). */
const recentByDb = new WeakMap<object, Map<string, Promise<IssuedSupporterList>>>();
const KEEP = 16;

export function issueSupporterList({ db, clock, appeal, baseUrl, day, renderer = letterRenderer(), seal: configuredSeal }: { db: Db; clock: Clock; appeal: Appeal; baseUrl: string; day: string; renderer?: LetterRenderer; seal?: SealSettings | undefined }): Promise<IssuedSupporterList> {
  // Sealed like the letters it goes with; a draft's list (a preview) is not.
  const seal = isDraftLetter(appeal) ? undefined : configuredSeal;
  let recent = recentByDb.get(db);
  if (!recent) recentByDb.set(db, (recent = new Map()));
  // A final appeal's list is read and made once per day and process (each letter mail asks);
  // a draft's (a preview) is read every time.
  const frozenAt = supportersFrozenAt({ db, appeal });
  const dispatchKey = frozenAt ? `final:${appeal.id}:${frozenAt.getTime()}:${day}:${baseUrl}:${seal?.holder ?? ''}` : undefined;
  const cached = dispatchKey ? recent.get(dispatchKey) : undefined;
  if (cached) return cached;
  const data = supporterListData({ db, clock, appeal });
  const createdAt = new Date(`${day}T00:00:00Z`);
  const content = { slug: appeal.slug, coalitionName: appeal.coalitionName, title: appeal.title, asOf: isoDate(data.asOf), organisations: data.organisations, citizens: data.citizens, namedCitizens: data.namedCitizens, citizenCount: data.citizenCount, baseUrl };
  const sealKey = seal ? { sealedBy: seal.holder, ...(seal.tsa ? { tsa: seal.tsa.url } : {}) } : {};
  const inputKey = sha256Of(JSON.stringify({ RENDERER_VERSION, kind: 'supporter_list', appealId: appeal.id, content, createdAt: createdAt.toISOString(), ...sealKey }));
  let issued = recent.get(inputKey);
  if (!issued) {
    issued = render({ db, clock, appeal, day, renderer, content: seal ? { ...content, seal } : content, inputKey, createdAt });
    const entries = recent;
    for (const key of [inputKey, dispatchKey]) if (key) entries.set(key, issued);
    issued.catch(() => {
      entries.delete(inputKey);
      if (dispatchKey) entries.delete(dispatchKey);
    });
    while (entries.size > KEEP) entries.delete(entries.keys().next().value!);
  }
  return issued;
}

async function render({ db, clock, appeal, day, renderer, content, inputKey, createdAt }: { db: Db; clock: Clock; appeal: Appeal; day: string; renderer: LetterRenderer; content: Omit<SupporterListModel, 'code'>; inputKey: string; createdAt: Date }): Promise<IssuedSupporterList> {
  const existing = letterDocumentsRepository(db).findByInputKeys([inputKey])[0];
  let code = existing?.code ?? freshDocumentCode({ db });
  let { bytes, pageCount } = await renderer.supporterList({ ...content, code }, createdAt);
  const issued = () => ({ bytes, code, sha256: sha256Of(bytes), fileName: `${day}_${appeal.slug}_unterstuetzerliste.pdf`, pageCount });
  if (existing && existing.sha256 === sha256Of(bytes)) return issued();
  if (existing) {
    // The renderer changed since: the old record keeps its hash, these bytes get a code of their own.
    code = freshDocumentCode({ db });
    ({ bytes, pageCount } = await renderer.supporterList({ ...content, code }, createdAt));
  }
  const row = { code, sha256: sha256Of(bytes), appealId: appeal.id, textVersionHash: currentTextHash({ db, appeal }), kind: 'supporter_list' as const, addresseeId: null, addresseeListId: null, addressLines: '', signatories: '[]', draft: isDraftLetter(appeal), pageCount, byteSize: bytes.length, inputKey, renderedAt: clock(), sentAt: null, sealedBy: content.seal?.holder ?? null };
  db.transaction((tx) => {
    const records = letterDocumentsRepository(tx);
    if (existing) records.retireInputKey(existing.id);
    records.insertMany([row]);
  });
  return issued();
}
