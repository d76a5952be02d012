// What the worker threads of the letter renderer run (loaded by server/jobs/worker-bootstrap.mjs).
// Inputs are plain letter models and recipients; PDF bytes are moved back, not copied.
import { layoutAddress, missingGlyphWarnings } from '../letter-pdf/address-field.ts';
import { combineLetters } from '../letter-pdf/letter-combine.ts';
import type { CombineInput } from '../letter-pdf/letter-combine.ts';
import type { LetterModel, RenderRecipient } from '../letter-pdf/letter-model.ts';
import { prepareLetter, stampLetter } from '../letter-pdf/letter-render.ts';
import type { BatchOptions, PreparedLetter, RenderedLetter } from '../letter-pdf/letter-render.ts';
import { withTransfer } from '../jobs/worker-pool.ts';
import { mimeBase64 } from '../mail/mime-base64.ts';
import { timestampLetters } from '../letter-pdf/seal.ts';
import { renderSupporterList } from '../letter-pdf/supporter-list.ts';
import type { SupporterListModel } from '../letter-pdf/supporter-list.ts';
import { renderSigningRecord } from '../letter-pdf/signing-record.ts';
import type { SigningRecordModel } from '../letter-pdf/signing-record.ts';

/** Loads this module (and the engine) in a worker: the first real job does not pay for it. */
export const ready = () => true;

/** The supporter list that goes with the letter mails (letter-pdf/supporter-list.ts). */
export async function supporterList({ model, createdAt }: { model: SupporterListModel; createdAt: Date }): Promise<{ bytes: Uint8Array; pageCount: number }> {
  const result = await renderSupporterList(model, createdAt);
  return withTransfer(result, [result.bytes]);
}

/** The "Zeichnungsnachweis" (letter-pdf/signing-record.ts), sealed here in the worker when a seal is configured. */
export async function signingRecord({ model }: { model: SigningRecordModel }): Promise<{ bytes: Uint8Array; pageCount: number }> {
  const result = await renderSigningRecord(model);
  return withTransfer(result, [result.bytes]);
}

export async function prepare({ model, options }: { model: LetterModel; options: BatchOptions }): Promise<PreparedLetter> {
  const prepared = await prepareLetter(model, options);
  return withTransfer(prepared, [prepared.base]);
}

/** The shared layouts this worker has been given (the most recent last): a letter's job then carries only its recipients. */
const layouts = new Map<string, PreparedLetter>();
const LAYOUTS_KEPT = 4;

/**
 * Stamps recipients on a shared layout: the one sent along (kept under `key`), else the one kept
 * under `key`; `{ missing: true }` when this worker has none, and the caller sends it.
 * With a timestamp server (SEAL_TSA_URL) each sealed letter also gets its token here; with
 * `forMail` its base64 lines for the mail too, made here rather than on the event loop that sends.
 */
export async function stamp<R extends RenderRecipient>({ key, prepared, recipients, forMail = false }: { key?: string; prepared?: PreparedLetter; recipients: R[]; forMail?: boolean }): Promise<RenderedLetter<R>[] | { missing: true }> {
  let layout = prepared;
  if (key !== undefined) {
    if (layout) layouts.set(key, layout);
    else layout = layouts.get(key);
    if (layout) {
      layouts.delete(key);
      layouts.set(key, layout);
      while (layouts.size > LAYOUTS_KEPT) layouts.delete(layouts.keys().next().value!);
    }
  }
  if (!layout) return { missing: true };
  const shared = layout;
  const stamped = await timestampLetters(recipients.map((recipient) => stampLetter(shared, recipient)), shared.seal?.settings);
  const letters = forMail ? stamped.map((letter) => ({ ...letter, base64Lines: mimeBase64(letter.bytes) })) : stamped;
  return withTransfer(letters, letters.flatMap((letter) => (letter.base64Lines ? [letter.bytes, letter.base64Lines] : [letter.bytes])));
}

export async function combine(input: CombineInput): Promise<{ bytes: Uint8Array; pageCount: number }> {
  const result = await combineLetters(input);
  return withTransfer(result, [result.bytes]);
}

/** The warnings of a whole appeal: the shared part's and every address field's, without stamping a letter. */
export async function warnings({ model, options, recipients }: { model: LetterModel; options: BatchOptions; recipients: Pick<RenderRecipient, 'label' | 'addressLines' | 'salutation' | 'note'>[] }): Promise<string[]> {
  const found = new Set((await prepareLetter(model, options)).warnings);
  for (const recipient of recipients) {
    for (const warning of layoutAddress(recipient.addressLines, recipient.label, recipient.note).warnings) found.add(warning);
    for (const warning of missingGlyphWarnings([recipient.salutation], recipient.label)) found.add(warning);
  }
  return [...found];
}
