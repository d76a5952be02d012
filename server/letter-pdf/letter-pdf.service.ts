// Issuing letters: builds the model, reuses or assigns verification codes, renders through
// the shared-layout fast path, and records every issued document with its SHA-256.
import { createHash, randomInt } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import type { Clock } from '../shared/clock.ts';
import type { FileStore } from '../shared/file-store.ts';
import { AppError } from '../shared/app-error.ts';
import { isoDate } from '../shared/dates.ts';
import { slugify } from '../shared/slug.ts';
import { buildLetterModel, buildRecipients } from './letter-model.ts';
import type { LetterModel, LetterRecipient } from './letter-model.ts';
import { CODE_ALPHABET, RENDERER_VERSION, prepareBatch, recipientTexts, salutationLinesFor } from './letter-render.ts';
import type { RenderRecipient } from './letter-render.ts';
import { letterDocumentsRepository } from './letter-documents.repository.ts';
import type { LetterDocument, NewLetterDocument } from './letter-documents.table.ts';

export type IssuedLetter = {
  recipient: LetterRecipient;
  code: string;
  sha256: string;
  bytes: Uint8Array;
  fileName: string;
  warnings: string[];
};

export type LetterSelection = {
  master?: boolean;
  /** Which personalised letters: all, only those without e-mail (for post), one addressee, or one collective list. */
  personal?: 'all' | 'withoutEmail' | { addresseeId: number } | { listId: number };
};

export type IssueResult = { master?: IssuedLetter; personal: IssuedLetter[]; warnings: string[]; pageCount: number };

export function newDocumentCode(): string {
  let code = '';
  for (let i = 0; i < 8; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{4}-[${CODE_ALPHABET}]{4}$`);

/** Normalises a typed code ("abcd efgh", "ABCDEFGH") or returns undefined when it cannot be one. */
export function normaliseCode(raw: string): string | undefined {
  const compact = raw.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== 8) return undefined;
  const code = `${compact.slice(0, 4)}-${compact.slice(4)}`;
  return CODE_PATTERN.test(code) ? code : undefined;
}

export function letterFileName(model: Pick<LetterModel, 'letterDate' | 'slug'>, recipient: Pick<LetterRecipient, 'kind' | 'label'>): string {
  const who = recipient.kind === 'master' ? 'gesamtfassung' : slugify(recipient.label, 50);
  return `${model.letterDate}_${model.slug}_${who}.pdf`;
}

const sha = (value: string | Uint8Array) => createHash('sha256').update(value).digest('hex');

/** Everything the shared part is rendered from, with images replaced by their hashes. */
function modelFingerprint(model: LetterModel): string {
  return sha(
    JSON.stringify(model, (_key, value: unknown) => (value instanceof Uint8Array ? `sha256:${sha(value)}` : value instanceof Date ? value.toISOString() : value)),
  );
}

function selectRecipients(personal: LetterRecipient[], selection: LetterSelection['personal']): LetterRecipient[] {
  if (!selection) return [];
  if (selection === 'all') return personal;
  if (selection === 'withoutEmail') return personal.filter((recipient) => !recipient.email.trim());
  if ('addresseeId' in selection) return personal.filter((recipient) => recipient.addresseeId === selection.addresseeId);
  return personal.filter((recipient) => recipient.addresseeId === null && recipient.listId === selection.listId);
}

export type IssueDeps = {
  db: Db;
  fileStore: FileStore;
  clock: Clock;
  baseUrl: string;
  appeal: Appeal;
  /**
   * The ISO calendar day the letters are rendered for (PDF creation date, and the printed date
   * when the appeal has none). Default: today. A dispatch fixes it, so that a retry on the next
   * day gives the same bytes and code.
   */
  day?: string;
};

/**
 * An appeal's letters, ready to be issued: the model, the recipients and the shared layouts
 * (prepared once, on first use). `issue()` may be called many times — each call only stamps
 * the personal parts and records new documents. Bytes are exactly those of `issueLetters`.
 */
export type LetterIssuer = {
  appealId: number;
  day: string;
  personal: LetterRecipient[];
  issue(selection: LetterSelection): Promise<IssueResult>;
};

export function prepareLetterIssuer({ db, fileStore, clock, baseUrl, appeal, day }: IssueDeps): LetterIssuer {
  if (!appeal.body.trim()) throw new AppError(422, 'letterWarn.emptyBody');
  const renderDay = day ?? isoDate(clock());
  // The PDF creation date is the rendering day, so that previews on one day are byte-identical.
  const createdAt = new Date(`${renderDay}T00:00:00Z`);
  const dayClock: Clock = () => new Date(`${renderDay}T12:00:00Z`);
  const model = buildLetterModel({ db, fileStore, clock: dayClock, appeal, baseUrl });
  const { master, personal } = buildRecipients({ db, appeal });
  // Batch parameters come from ALL recipients of the appeal, so one letter's bytes do not
  // depend on which other letters are rendered with it.
  const extraTexts = recipientTexts([master, ...personal]);
  const fingerprint = modelFingerprint(model);
  const extrasKey = sha(JSON.stringify([...new Set(extraTexts.join(''))].sort()));
  const batches = new Map<number, ReturnType<typeof prepareBatch>>();
  const batchFor = (salutationLines: number) => {
    let batch = batches.get(salutationLines);
    if (!batch) {
      batch = prepareBatch(model, { extraTexts, salutationLines, createdAt });
      batches.set(salutationLines, batch);
      // A failed layout is not cached.
      batch.catch(() => batches.delete(salutationLines));
    }
    return batch;
  };

  const renderGroup = async (recipients: LetterRecipient[], salutationLines: number, warnings: Set<string>): Promise<{ letters: IssuedLetter[]; pageCount: number }> => {
    if (recipients.length === 0) return { letters: [], pageCount: 0 };
    const repository = letterDocumentsRepository(db);
    const now = clock();
    const sharedKey = sha(JSON.stringify({ RENDERER_VERSION, fingerprint, extrasKey, salutationLines, createdAt: createdAt.toISOString() }));
    const keys = recipients.map((recipient) => sha(`${sharedKey}:${JSON.stringify(recipient)}`));
    const existing = new Map(repository.findByInputKeys(keys).map((row) => [row.inputKey, row]));
    const batch = await batchFor(salutationLines);
    for (const warning of batch.warnings) warnings.add(warning);
    const usedCodes = new Set<string>();
    const freshCode = () => {
      let code = newDocumentCode();
      while (usedCodes.has(code) || repository.codeExists(code)) code = newDocumentCode();
      usedCodes.add(code);
      return code;
    };
    const rows: NewLetterDocument[] = [];
    const issued = recipients.map((recipient, index) => {
      const key = keys[index]!;
      const row: LetterDocument | undefined = existing.get(key);
      let letter = batch.emit({ ...recipient, code: row?.code ?? freshCode() } satisfies RenderRecipient);
      if (!row || row.sha256 !== letter.sha256) {
        // A stored row whose bytes differ (renderer changed) keeps its hash; this letter gets a new code.
        if (row) {
          letter = batch.emit({ ...recipient, code: freshCode() });
          repository.retireInputKey(row.id);
        }
        rows.push({
          code: letter.recipient.code,
          sha256: letter.sha256,
          appealId: appeal.id,
          textVersionHash: model.textVersionHash,
          kind: recipient.kind,
          addresseeId: recipient.addresseeId,
          addresseeListId: recipient.listId,
          addressLines: recipient.addressLines.join('\n'),
          signatories: signatorySnapshot(model),
          draft: model.draft,
          pageCount: batch.pageCount,
          byteSize: letter.bytes.length,
          inputKey: key,
          renderedAt: now,
          sentAt: null,
        });
      }
      for (const warning of letter.warnings) warnings.add(warning);
      return { recipient, code: letter.recipient.code, sha256: letter.sha256, bytes: letter.bytes, fileName: letterFileName(model, recipient), warnings: letter.warnings };
    });
    repository.insertMany(rows);
    return { letters: issued, pageCount: batch.pageCount };
  };

  const personalLines = salutationLinesFor(personal);
  return {
    appealId: appeal.id,
    day: renderDay,
    personal,
    async issue(selection) {
      const warnings = new Set<string>();
      const result: IssueResult = { personal: [], warnings: [], pageCount: 0 };
      if (selection.master) {
        const group = await renderGroup([master], salutationLinesFor([master]), warnings);
        result.master = group.letters[0];
        result.pageCount = Math.max(result.pageCount, group.pageCount);
      }
      const chosen = selectRecipients(personal, selection.personal);
      if (selection.personal && typeof selection.personal === 'object' && chosen.length === 0) throw new AppError(404, 'letterPdf.unknownAddressee');
      const group = await renderGroup(chosen, personalLines, warnings);
      result.personal = group.letters;
      result.pageCount = Math.max(result.pageCount, group.pageCount);
      result.warnings = [...warnings];
      return result;
    },
  };
}

/**
 * Renders and records letters of an appeal. The same input on the same day gives the same
 * bytes and reuses the stored code (no new row); anything else gets a new code.
 */
export async function issueLetters(deps: IssueDeps & { selection: LetterSelection }): Promise<IssueResult> {
  return prepareLetterIssuer(deps).issue(deps.selection);
}

/**
 * Keeps one prepared issuer per appeal for a short time, so that sending renders each
 * personalised letter by stamping the cached shared layout (no layout work per letter).
 * An entry is replaced when the appeal changed (updatedAt), on another day, or after `ttlMs`
 * (so edits to an addressee appear in letters issued later).
 */
export function createLetterIssuerCache({ ttlMs = 60_000 }: { ttlMs?: number } = {}) {
  const byDb = new WeakMap<object, Map<string, { issuer: LetterIssuer; expires: number }>>();
  return {
    issuerFor(deps: IssueDeps): LetterIssuer {
      let entries = byDb.get(deps.db);
      if (!entries) byDb.set(deps.db, (entries = new Map()));
      const day = deps.day ?? isoDate(deps.clock());
      const key = `${deps.appeal.id}:${deps.appeal.updatedAt.getTime()}:${day}:${deps.baseUrl}`;
      const now = Date.now();
      const cached = entries.get(key);
      if (cached && cached.expires > now) return cached.issuer;
      for (const [other, entry] of entries) if (entry.expires <= now || other.startsWith(`${deps.appeal.id}:`)) entries.delete(other);
      const issuer = prepareLetterIssuer({ ...deps, day });
      entries.set(key, { issuer, expires: now + ttlMs });
      return issuer;
    },
  };
}

export type LetterIssuerCache = ReturnType<typeof createLetterIssuerCache>;

function signatorySnapshot(model: LetterModel): string {
  return JSON.stringify(
    model.signatories
      .filter((s) => s.tier === 'first' && (model.draft || s.signature))
      .map((s) => ({ name: s.name, function: s.function, organisation: s.organisation, signedAt: s.signature?.signedAt.toISOString() ?? null })),
  );
}

/** One PDF of several letters, for postal mailing; recorded as a document of kind print. */
export async function combinePrintFile({ db, clock, appeal, letters, textVersionHash }: { db: Db; clock: Clock; appeal: Appeal; letters: IssuedLetter[]; textVersionHash: string }): Promise<{ bytes: Uint8Array; code: string }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const createdAt = new Date(`${isoDate(clock())}T00:00:00Z`);
  doc.setTitle(appeal.title);
  doc.setAuthor(appeal.coalitionName);
  doc.setLanguage('de-DE');
  doc.setCreator('Mitzeichnen');
  doc.setProducer('Mitzeichnen (pdf-lib)');
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);
  for (const letter of letters) {
    const source = await PDFDocument.load(letter.bytes, { updateMetadata: false });
    const pages = await doc.copyPages(source, source.getPageIndices());
    for (const page of pages) doc.addPage(page);
    // Duplex printing: every letter starts on a front side.
    if (pages.length % 2 === 1 && letters.length > 1) doc.addPage([595.28, 841.89]);
  }
  const bytes = await doc.save({ useObjectStreams: false });
  const repository = letterDocumentsRepository(db);
  const sha256 = sha(bytes);
  const inputKey = sha(`print:${sha256}`);
  const existing = repository.findByInputKeys([inputKey])[0];
  if (existing) return { bytes, code: existing.code };
  let code = newDocumentCode();
  while (repository.codeExists(code)) code = newDocumentCode();
  repository.insertMany([
    {
      code,
      sha256,
      appealId: appeal.id,
      textVersionHash,
      kind: 'print',
      addresseeId: null,
      addresseeListId: null,
      addressLines: letters.map((letter) => `${letter.code}: ${letter.recipient.label}`).join('\n'),
      signatories: '[]',
      draft: appeal.state === 'draft' || appeal.state === 'signing',
      pageCount: doc.getPageCount(),
      byteSize: bytes.length,
      inputKey,
      renderedAt: clock(),
      sentAt: null,
    },
  ]);
  return { bytes, code };
}

export type VerificationView = NonNullable<ReturnType<typeof findDocument>>;

export function findDocument({ db, code }: { db: Db; code: string }) {
  const normalised = normaliseCode(code);
  if (!normalised) return undefined;
  return letterDocumentsRepository(db).findByCode(normalised);
}

/** Whether uploaded bytes are exactly the document issued under this code. */
export function verifyBytes(document: LetterDocument, bytes: Uint8Array): boolean {
  return sha(bytes) === document.sha256;
}

export function markDocumentSent({ db, code, sentAt }: { db: Db; code: string; sentAt: Date }): void {
  letterDocumentsRepository(db).markSent(code, sentAt);
}

export function recentDocuments({ db, appeal }: { db: Db; appeal: Appeal }) {
  return letterDocumentsRepository(db).listForAppeal(appeal.id);
}
