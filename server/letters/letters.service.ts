// Issuing letters: resolves the letter model, reuses or assigns verification codes, renders
// through the shared-layout fast path, and records every issued document with its SHA-256.
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import type { Clock } from '../shared/clock.ts';
import type { SealConfig } from '../config.ts';
import type { FileStore } from '../shared/file-store.ts';
import { AppError } from '../shared/app-error.ts';
import { isoDate } from '../shared/dates.ts';
import { RENDERER_VERSION, bySalutationLines, recipientTexts, salutationLinesFor } from '../letter-pdf/letter-identity.ts';
import type { PreparedLetter } from '../letter-pdf/letter-render.ts';
import { letterRenderer } from './letter-renderer.ts';
import type { LetterRenderer } from './letter-renderer.ts';
import { letterDocumentsRepository } from './letter-documents.repository.ts';
import type { NewLetterDocument } from './letter-documents.table.ts';
import { freshDocumentCode, sha256Of, signatorySnapshot } from './letter-documents.service.ts';
import { buildRecipients, buildRecipientsInSlices, channelOf } from './recipients.ts';
import { letterFileName } from './letter-file-names.ts';
import type { LetterRecipient } from './recipients.ts';
import { resolveLetter } from './resolve-letter.ts';
import type { ResolvedLetter } from './resolve-letter.ts';

export type IssuedLetter = {
  recipient: LetterRecipient;
  code: string;
  sha256: string;
  bytes: Uint8Array;
  fileName: string;
  warnings: string[];
  /** The bytes as a mail body's base64 lines (IssueHooks.forMail). */
  base64Lines?: Uint8Array | undefined;
};

export type LetterSelection = {
  master?: boolean;
  /** Which personalised letters: all, those that go by post, one addressee, or one collective list. */
  personal?: 'all' | 'byPost' | { addresseeId: number } | { listId: number };
};

export type IssueResult = { master?: IssuedLetter; personal: IssuedLetter[]; warnings: string[]; pageCount: number };

function selectRecipients(personal: LetterRecipient[], selection: LetterSelection['personal']): LetterRecipient[] {
  if (!selection) return [];
  if (selection === 'all') return personal;
  if (selection === 'byPost') return personal.filter((recipient) => channelOf(recipient) === 'post');
  if ('addresseeId' in selection) return personal.filter((recipient) => recipient.addresseeId === selection.addresseeId);
  return personal.filter((recipient) => recipient.addresseeId === null && recipient.listId === selection.listId);
}

export type IssueOptions = {
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
  /** The worker pool that renders (default: the process's letter renderer). */
  renderer?: LetterRenderer;
  /** Seal every letter with this certificate (config.seal); undefined: no seal. */
  seal?: SealConfig | undefined;
  /** The recipients, when already built (openLetterIssuer builds them in slices). */
  recipients?: { master: LetterRecipient; personal: LetterRecipient[] };
};

/**
 * An appeal's letters, ready to be issued: the model, the recipients and the shared layouts
 * (prepared once, on first use). `issue()` may be called many times — each call only stamps
 * the personal parts and records new documents. Bytes are exactly those of `issueLetters`.
 */
export type LetterIssuer = {
  appealId: number;
  day: string;
  /** Hash of the resolved letter's inputs. */
  fingerprint: string;
  personal: LetterRecipient[];
  /** The warnings of the shared part and of every address field (in the worker pool; no letter is stamped or recorded). */
  warnings(): Promise<string[]>;
  issue(selection: LetterSelection, options?: IssueHooks): Promise<IssueResult>;
  /**
   * Issues the selected letters a chunk at a time and hands each chunk to `onLetters` before the
   * next is rendered, so a batch of 10,000 letters never sits in memory (CLI render, ZIP).
   * The master (if selected) comes first, alone. Same bytes and codes as `issue`.
   */
  issueEach(selection: LetterSelection, options: IssueEachOptions): Promise<{ count: number; warnings: string[]; pageCount: number }>;
};

export type IssueEachOptions = {
  onLetters: (letters: IssuedLetter[]) => Promise<void> | void;
  onProgress?: (done: number, total: number) => void;
  /** Letters per chunk (default 50: about 7 MB of PDFs in memory at a time). */
  chunkSize?: number;
};

export type IssueHooks = {
  /** Runs in the transaction that records the letters (e.g. the delivery's document code): one commit. */
  withinRecord?: (tx: Db, letters: IssuedLetter[]) => void;
  /** Letters stamped so far, for a progress display. */
  onProgress?: (done: number, total: number) => void;
  /** The reply link of a delivery, printed on its letter (a selection of one addressee only). */
  replyUrl?: string;
  /** The letters go out by mail: their base64 lines are made in the PDF worker too. */
  forMail?: boolean;
  /**
   * How the record is committed (resolves once it is on disk); by default a transaction of its
   * own. The mail worker passes the connection's group commit: a letter's record then shares one
   * commit with the other letters and claims of the moment.
   */
  commit?: (record: (tx: Db) => void) => Promise<void>;
};

type Group = { db: Db; clock: Clock; appeal: Appeal; letter: ResolvedLetter; batch: PreparedLetter; renderer: LetterRenderer; sharedKey: string; recipients: LetterRecipient[] };

/** The document row of a newly issued letter. */
function documentRow({ appeal, letter, batch }: Group, recipient: LetterRecipient, issued: { code: string; sha256: string; byteSize: number; inputKey: string; renderedAt: Date }): NewLetterDocument {
  return {
    code: issued.code,
    sha256: issued.sha256,
    appealId: appeal.id,
    textVersionHash: letter.textVersionHash,
    kind: recipient.kind,
    addresseeId: recipient.addresseeId,
    addresseeListId: recipient.listId,
    addressLines: recipient.addressLines.join('\n'),
    signatories: signatorySnapshot(letter.model),
    draft: letter.model.draft,
    pageCount: batch.pageCount,
    byteSize: issued.byteSize,
    inputKey: issued.inputKey,
    renderedAt: issued.renderedAt,
    sentAt: null,
    sealedBy: batch.seal?.settings.holder ?? null,
  };
}

/** Input keys being issued in this process: a second issue of the same letter waits, so it reuses the code. */
const issuing = new Map<string, Promise<void>>();

async function withKeysHeld<T>(keys: string[], work: () => Promise<T>): Promise<T> {
  for (;;) {
    const busy = keys.map((key) => issuing.get(key)).filter(Boolean);
    if (busy.length === 0) break;
    await Promise.all(busy);
  }
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  for (const key of keys) issuing.set(key, held);
  try {
    return await work();
  } finally {
    for (const key of keys) if (issuing.get(key) === held) issuing.delete(key);
    release();
  }
}

/**
 * Stamps the personal parts of one batch (in the worker pool). The same input gives the same
 * bytes and reuses the stored code (no new row); a stored row whose bytes differ (renderer
 * changed) keeps its hash, and the letter gets a new code.
 */
async function issueGroup(group: Group, hooks: IssueHooks = {}): Promise<IssuedLetter[]> {
  const { db, clock, letter, batch, renderer, sharedKey, recipients } = group;
  const repository = letterDocumentsRepository(db);
  const keys = recipients.map((recipient) => sha256Of(`${sharedKey}:${JSON.stringify(recipient)}`));
  return withKeysHeld(keys, async () => {
    const now = clock();
    const existing = new Map(repository.findByInputKeys(keys).map((row) => [row.inputKey, row]));
    const taken = new Set<string>();
    const rendered = await renderer.stamp(
      batch,
      recipients.map((recipient, index) => ({ ...recipient, code: existing.get(keys[index]!)?.code ?? freshDocumentCode({ db, taken }) })),
      { onProgress: hooks.onProgress, forMail: hooks.forMail },
    );
    const stale = rendered.flatMap((result, index) => (existing.get(keys[index]!) && existing.get(keys[index]!)!.sha256 !== result.sha256 ? [index] : []));
    if (stale.length > 0) {
      const again = await renderer.stamp(batch, stale.map((index) => ({ ...recipients[index]!, code: freshDocumentCode({ db, taken }) })), { forMail: hooks.forMail });
      stale.forEach((index, n) => (rendered[index] = again[n]!));
    }
    const rows: NewLetterDocument[] = [];
    const retired: number[] = [];
    const issued = recipients.map((recipient, index) => {
      const result = rendered[index]!;
      const row = existing.get(keys[index]!);
      if (!row || row.sha256 !== result.sha256) {
        if (row) retired.push(row.id);
        rows.push(documentRow(group, recipient, { code: result.recipient.code, sha256: result.sha256, byteSize: result.bytes.length, inputKey: keys[index]!, renderedAt: now }));
      }
      return { recipient, code: result.recipient.code, sha256: result.sha256, bytes: result.bytes, base64Lines: result.base64Lines, fileName: letterFileName(letter.model, recipient), warnings: result.warnings };
    });
    if (rows.length > 0 || hooks.withinRecord) {
      const record = (tx: Db) => {
        const records = letterDocumentsRepository(tx);
        for (const id of retired) records.retireInputKey(id);
        records.insertMany(rows);
        hooks.withinRecord?.(tx, issued);
      };
      if (hooks.commit) await hooks.commit(record);
      else db.transaction(record);
    }
    return issued;
  });
}

export function prepareLetterIssuer(options: IssueOptions): LetterIssuer {
  const { db, fileStore, clock, baseUrl, appeal, day, renderer = letterRenderer(), seal: configuredSeal } = options;
  if (!appeal.body.trim()) throw new AppError(422, 'letterWarn.emptyBody');
  const renderDay = day ?? isoDate(clock());
  // The PDF creation date is the rendering day, so that previews on one day are byte-identical.
  const createdAt = new Date(`${renderDay}T00:00:00Z`);
  const dayClock: Clock = () => new Date(`${renderDay}T12:00:00Z`);
  const recipients = options.recipients ?? buildRecipients({ db, appeal });
  const { master, personal } = recipients;
  const letter = resolveLetter({ db, fileStore, clock: dayClock, appeal, baseUrl, recipients });
  // A draft (ENTWURF) is not an issued letter: it is never sealed.
  const seal = letter.model.draft ? undefined : configuredSeal;
  // Batch parameters come from ALL recipients of the appeal, so one letter's bytes do not
  // depend on which other letters are rendered with it.
  const extraTexts = recipientTexts([master, ...personal]);
  const extrasKey = sha256Of(JSON.stringify([...new Set(extraTexts.join(''))].sort()));
  // A letter sealed with another certificate (or none) is another document.
  const sealKey = seal ? { file: seal.p12File, holder: seal.holder, ...(seal.tsa ? { tsa: seal.tsa.url } : {}) } : null;
  const sharedKeyOf = (salutationLines: number) => sha256Of(JSON.stringify({ RENDERER_VERSION, fingerprint: letter.fingerprint, extrasKey, salutationLines, createdAt: createdAt.toISOString(), ...(sealKey ? { seal: sealKey } : {}) }));
  // One shared layout per salutation height: a two-line salutation does not move other letters' text.
  const render = async (recipients: LetterRecipient[], warnings: Set<string>, hooks?: IssueHooks): Promise<{ letters: IssuedLetter[]; pageCount: number }> => {
    const byRecipient = new Map<LetterRecipient, IssuedLetter>();
    let pageCount = 0;
    let done = 0;
    for (const group of bySalutationLines(recipients)) {
      const sharedKey = sharedKeyOf(group.salutationLines);
      // The shared layout is cached by the hash of its inputs (the renderer keeps the recent ones).
      const batch = await renderer.prepare(sharedKey, letter.model, { extraTexts, salutationLines: group.salutationLines, createdAt, ...(seal ? { seal } : {}) });
      for (const warning of batch.warnings) warnings.add(warning);
      const before = done;
      const groupHooks: IssueHooks = { ...hooks, ...(hooks?.onProgress ? { onProgress: (n: number) => hooks.onProgress!(before + n, recipients.length) } : {}) };
      const letters = await issueGroup({ db, clock, appeal, letter, batch, renderer, sharedKey, recipients: group.recipients }, groupHooks);
      letters.forEach((issued, index) => byRecipient.set(group.recipients[index]!, issued));
      for (const issued of letters) for (const warning of issued.warnings) warnings.add(warning);
      done += letters.length;
      pageCount = Math.max(pageCount, batch.pageCount);
    }
    return { letters: recipients.map((recipient) => byRecipient.get(recipient)!), pageCount };
  };

  return {
    appealId: appeal.id,
    day: renderDay,
    fingerprint: letter.fingerprint,
    personal,
    warnings: () => renderer.warnings(letter.model, { extraTexts, salutationLines: salutationLinesFor([master]), createdAt }, [master, ...personal]),
    async issue(selection, hooks) {
      const warnings = new Set<string>();
      const result: IssueResult = { personal: [], warnings: [], pageCount: 0 };
      if (selection.master) {
        const group = await render([master], warnings);
        result.master = group.letters[0];
        result.pageCount = Math.max(result.pageCount, group.pageCount);
      }
      const selected = selectRecipients(personal, selection.personal);
      if (selection.personal && typeof selection.personal === 'object' && selected.length === 0) throw new AppError(404, 'letterPdf.unknownAddressee');
      const replyUrl = hooks?.replyUrl;
      const chosen = replyUrl && selected.length === 1 ? [{ ...selected[0]!, replyUrl }] : selected;
      const group = await render(chosen, warnings, hooks);
      result.personal = group.letters;
      result.pageCount = Math.max(result.pageCount, group.pageCount);
      result.warnings = [...warnings];
      return result;
    },
    async issueEach(selection, { onLetters, onProgress, chunkSize = 50 }) {
      const warnings = new Set<string>();
      let count = 0;
      let pageCount = 0;
      const chosen = selectRecipients(personal, selection.personal);
      if (selection.personal && typeof selection.personal === 'object' && chosen.length === 0) throw new AppError(404, 'letterPdf.unknownAddressee');
      const total = chosen.length + (selection.master ? 1 : 0);
      if (selection.master) {
        const group = await render([master], warnings);
        pageCount = group.pageCount;
        await onLetters(group.letters);
        count += 1;
        onProgress?.(count, total);
      }
      for (let start = 0; start < chosen.length; start += chunkSize) {
        const done = count;
        const group = await render(chosen.slice(start, start + chunkSize), warnings, { onProgress: (n) => onProgress?.(done + n, total) });
        pageCount = Math.max(pageCount, group.pageCount);
        await onLetters(group.letters);
        count += group.letters.length;
        onProgress?.(count, total);
      }
      return { count, warnings: [...warnings], pageCount };
    },
  };
}

/**
 * Renders and records letters of an appeal. The same input on the same day gives the same
 * bytes and reuses the stored code (no new row); anything else gets a new code.
 */
export async function issueLetters(options: IssueOptions & { selection: LetterSelection }): Promise<IssueResult> {
  return (await openLetterIssuer(options)).issue(options.selection);
}

/** prepareLetterIssuer() for a page request: the recipients are read in slices, so that 10,000 addressees do not hold the event loop. */
export async function openLetterIssuer(options: IssueOptions): Promise<LetterIssuer> {
  return prepareLetterIssuer({ ...options, recipients: options.recipients ?? (await buildRecipientsInSlices(options)) });
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
    issuerFor(options: IssueOptions): LetterIssuer {
      let entries = byDb.get(options.db);
      if (!entries) byDb.set(options.db, (entries = new Map()));
      const day = options.day ?? isoDate(options.clock());
      const key = `${options.appeal.id}:${options.appeal.updatedAt.getTime()}:${day}:${options.baseUrl}`;
      const now = Date.now();
      const cached = entries.get(key);
      if (cached && cached.expires > now) return cached.issuer;
      for (const [other, entry] of entries) if (entry.expires <= now || other.startsWith(`${options.appeal.id}:`)) entries.delete(other);
      const issuer = prepareLetterIssuer({ ...options, day });
      entries.set(key, { issuer, expires: now + ttlMs });
      return issuer;
    },
  };
}

export type LetterIssuerCache = ReturnType<typeof createLetterIssuerCache>;
