// What the main thread needs of the letter renderer: the values that make a document's identity
// and the batch parameters of a set of recipients. Kept apart from letter-render.ts so that
// the server's main thread does not load pdf-lib (about 15 MB); rendering runs in the workers.
import type { RenderRecipient } from './letter-model.ts';
import { salutationLines } from './address-field.ts';

/** Bumped whenever the output for the same input changes (part of the document identity). */
export const RENDERER_VERSION = 3;

export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** What the batch needs of a recipient before its code is known. */
export type Addressing = Pick<RenderRecipient, 'addressLines' | 'salutation' | 'note'>;

export const verificationUrl = (baseUrl: string, code: string) => `${baseUrl}/v/${code}`;

/**
 * Recipients grouped by the lines their salutation needs, in first-seen order: each group gets
 * its own shared layout, so a two-line salutation does not add a blank line to other letters.
 */
export function bySalutationLines<R extends Addressing>(recipients: R[]): { salutationLines: number; recipients: R[] }[] {
  const groups = new Map<number, R[]>();
  for (const recipient of recipients) {
    const lines = salutationLinesFor([recipient]);
    let group = groups.get(lines);
    if (!group) groups.set(lines, (group = []));
    group.push(recipient);
  }
  return [...groups].map(([salutationLines, members]) => ({ salutationLines, recipients: members }));
}

/** Salutation lines needed by the longest salutation of these recipients. */
export function salutationLinesFor(recipients: Addressing[]): number {
  return Math.max(1, ...recipients.map((recipient) => salutationLines(recipient.salutation).length));
}

/** All texts a batch must be able to print for these recipients. */
export function recipientTexts(recipients: Addressing[]): string[] {
  return recipients.flatMap((recipient) => [...recipient.addressLines, recipient.salutation, recipient.note ?? '']);
}
