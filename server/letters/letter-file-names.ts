// The file names of issued letters: readable, from the letter's date, the appeal and the
// addressee, and unique within a batch (the ZIP, the CLI's folder).
import type { LetterModel } from '../letter-pdf/letter-model.ts';
import { slugify } from '../shared/slug.ts';
import type { LetterRecipient } from './recipients.ts';

export function letterFileName(model: Pick<LetterModel, 'letterDate' | 'slug'>, recipient: Pick<LetterRecipient, 'kind' | 'label'>): string {
  const who = recipient.kind === 'master' ? 'gesamtfassung' : slugify(recipient.label, 50);
  return `${model.letterDate}_${model.slug}_${who}.pdf`;
}

/**
 * Gives each letter of a batch its own file name, in order: file names are cut to a readable
 * length, so two addressees can share one; the second becomes `…-2.pdf`, the third `…-3.pdf`.
 * Stateful, so a batch written chunk by chunk gets the same names as one written at once.
 */
export function createFileNamer(): (fileName: string) => string {
  const names = new Set<string>();
  return (fileName) => {
    let name = fileName;
    for (let n = 2; names.has(name); n += 1) name = fileName.replace(/\.pdf$/, `-${n}.pdf`);
    names.add(name);
    return name;
  };
}
