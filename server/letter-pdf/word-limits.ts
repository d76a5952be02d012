// How long a word of the letter text may be. The line breaker hyphenates normal words and
// breaks anything longer than HARD_BREAK_LENGTH by characters (bounded, but ugly); the text
// field refuses such words before they are saved, with the word's length and beginning.
import { HARD_BREAK_LENGTH } from './line-breaking.ts';

/**
 * At most this many characters per word outside links. The longest German words in use have
 * about 60–80 letters ("Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz": 63);
 * 200 is more than two of them and about two printed lines, yet far below what could slow
 * the layout down.
 */
export const MAX_WORD_LENGTH = HARD_BREAK_LENGTH;
/** Web addresses may be longer (the traditional safe length of a URL); they are broken by characters when printed. */
export const MAX_URL_LENGTH = 2000;

const URL_LIKE = /:\/\/|^\[?www\.|mailto:/i;

export type OverlongWord = { length: number; start: string; max: number };

/** The first word longer than allowed (whitespace-separated, Markdown marks included), or undefined. Linear in the text. */
export function findOverlongWord(text: string): OverlongWord | undefined {
  for (const match of text.matchAll(/\S+/g)) {
    const word = match[0];
    if (word.length <= MAX_WORD_LENGTH) continue;
    const max = URL_LIKE.test(word) ? MAX_URL_LENGTH : MAX_WORD_LENGTH;
    if (word.length > max) return { length: word.length, start: Array.from(word.slice(0, 40)).slice(0, 30).join(''), max };
  }
  return undefined;
}
