// The record of issued documents: verification codes, the rows of new letters, the print
// file of several letters, and what /v/<code> finds and checks.
import { createHash, randomInt } from 'node:crypto';
import type { Db } from '../db/client.ts';
import type { Appeal } from '../appeals/appeals.table.ts';
import { isDraftLetter } from '../appeals/appeal-lifecycle.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDate } from '../shared/dates.ts';
import { CODE_ALPHABET } from '../letter-pdf/letter-identity.ts';
import type { LetterModel } from '../letter-pdf/letter-model.ts';
import { letterDocumentsRepository } from './letter-documents.repository.ts';
import { letterRenderer } from './letter-renderer.ts';
import type { LetterRenderer } from './letter-renderer.ts';
import type { LetterRecipient } from './recipients.ts';

export const sha256Of = (value: string | Uint8Array) => createHash('sha256').update(value).digest('hex');

function newDocumentCode(): string {
  let code = '';
  for (let i = 0; i < 8; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A code not yet issued (nor in `taken`, the codes of the rows about to be written). */
export function freshDocumentCode({ db, taken = new Set<string>() }: { db: Db; taken?: Set<string> }): string {
  const repository = letterDocumentsRepository(db);
  let code = newDocumentCode();
  while (taken.has(code) || repository.codeExists(code)) code = newDocumentCode();
  taken.add(code);
  return code;
}

const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{4}-[${CODE_ALPHABET}]{4}$`);

/** Normalises a typed code ("abcd efgh", "ABCDEFGH") or returns undefined when it cannot be one. */
export function normaliseCode(raw: string): string | undefined {
  const compact = raw.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== 8) return undefined;
  const code = `${compact.slice(0, 4)}-${compact.slice(4)}`;
  return CODE_PATTERN.test(code) ? code : undefined;
}

/** The signatories as printed, kept with the document (the appeal may change later). */
export function signatorySnapshot(model: LetterModel): string {
  return JSON.stringify(
    model.signatories
      .filter((s) => model.draft || s.signature)
      .map((s) => ({ name: s.name, function: s.function, organisation: s.organisation, signedAt: s.signature?.signedAt.toISOString() ?? null })),
  );
}

type PrintedLetter = { recipient: Pick<LetterRecipient, 'label'>; code: string; bytes: Uint8Array };

/** One PDF of several letters, for postal mailing; recorded as a document of kind print. */
export async function combinePrintFile({ db, clock, appeal, letters, textVersionHash, renderer = letterRenderer() }: { db: Db; clock: Clock; appeal: Appeal; letters: PrintedLetter[]; textVersionHash: string; renderer?: LetterRenderer }): Promise<{ bytes: Uint8Array; code: string }> {
  // Combined in the worker pool (pdf-lib parses and copies every letter).
  const { bytes, pageCount } = await renderer.combine({
    title: appeal.title,
    author: appeal.coalitionName,
    createdAt: new Date(`${isoDate(clock())}T00:00:00Z`),
    letters: letters.map((letter) => letter.bytes),
  });
  const repository = letterDocumentsRepository(db);
  const sha256 = sha256Of(bytes);
  const inputKey = sha256Of(`print:${sha256}`);
  const existing = repository.findByInputKeys([inputKey])[0];
  if (existing) return { bytes, code: existing.code };
  const code = freshDocumentCode({ db });
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
      draft: isDraftLetter(appeal),
      pageCount,
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

export function markDocumentSent({ db, code, sentAt }: { db: Db; code: string; sentAt: Date }): void {
  letterDocumentsRepository(db).markSent(code, sentAt);
}
