// Line breaking: inline text → words → lines, ragged right, with German hyphenation in body
// text only; and plain text (names, organisations, addresses) wrapped between words, never
// hyphenated. Pure measuring on the letter fonts, no positions on a page.
//
// A line ending in "-" copies as one word with the next line (pdftotext and PDF readers drop
// the hyphen and join), so the body breaks only at added hyphenation points, never after a
// hyphen the text has ("SPD-Kreistagsfraktion" would copy as "SPDKreistagsfraktion").
import type { Inline } from './letter-text.ts';
import { bodyHyphenationPoints, fitEnd, prefixWidths, textWidth } from './text-measure.ts';
import type { Style } from './text-measure.ts';

type Frag = { text: string; style: Style; sup?: boolean; footnote?: number; size: number; href?: string };
type Word = { frags: Frag[]; spaceAfter: boolean; forceBreak?: boolean; hardBroken?: boolean };
export type PlacedFrag = { text: string; style: Style; size: number; dx: number; rise: number; href?: string };
export type Line = { frags: PlacedFrag[]; width: number; footnotes: number[] };

const styleOf = (bold: boolean, italic: boolean): Style => (bold ? (italic ? 'boldItalic' : 'bold') : italic ? 'italic' : 'regular');
const SUP_SCALE = 0.62;
const fragWidth = (frag: Frag) => textWidth(frag.text, frag.style, frag.sup ? frag.size * SUP_SCALE : frag.size);
const wordWidth = (word: Word) => word.frags.reduce((sum, frag) => sum + fragWidth(frag), 0);
const wordLength = (word: Word) => word.frags.reduce((sum, frag) => sum + frag.text.length, 0);

/**
 * Words longer than this (in UTF-16 code units) are not hyphenated but broken hard by
 * characters, in one linear pass. Normal words, compounds and URLs are far shorter; the text
 * field refuses longer words outside links before they get here (appeals/letter-text-limits).
 */
export const HARD_BREAK_LENGTH = 200;

/** The code-unit offset of every character boundary of `text` (index = number of characters). */
function charOffsets(text: string): number[] {
  const offsets = [0];
  let offset = 0;
  for (const char of text) offsets.push((offset += char.length));
  return offsets;
}

function inlinesToWords(inlines: Inline[], size: number, baseStyle: Style = 'regular'): Word[] {
  const words: Word[] = [];
  let current: Word = { frags: [], spaceAfter: false };
  const flush = (spaceAfter: boolean) => {
    if (current.frags.length > 0) {
      current.spaceAfter = spaceAfter;
      words.push(current);
    } else if (spaceAfter && words.length > 0) words[words.length - 1]!.spaceAfter = true;
    current = { frags: [], spaceAfter: false };
  };
  for (const inline of inlines) {
    if (inline.kind === 'break') {
      flush(false);
      words.push({ frags: [], spaceAfter: false, forceBreak: true });
      continue;
    }
    if (inline.kind === 'footnoteRef') {
      const frag: Frag = { text: String(inline.number), style: 'regular', sup: true, footnote: inline.number, size };
      if (current.frags.length > 0) current.frags.push(frag);
      else if (words.length > 0 && !words[words.length - 1]!.forceBreak) words[words.length - 1]!.frags.push(frag);
      else current.frags.push(frag);
      continue;
    }
    const style = baseStyle === 'bold' ? styleOf(true, inline.italic) : styleOf(inline.bold, inline.italic);
    const parts = inline.text.split(/(\s+)/);
    for (const part of parts) {
      if (part === '') continue;
      if (/^\s+$/.test(part)) flush(true);
      else current.frags.push({ text: part, style, size, ...(inline.href ? { href: inline.href } : {}) });
    }
  }
  flush(false);
  return words;
}

/** Inline text (bold and italic kept, footnote marks raised) broken into lines of at most `maxWidth`. */
export const breakInlines = (inlines: Inline[], maxWidth: number, size: number, baseStyle: Style = 'regular', hyphenation: Hyphenation = {}): Line[] =>
  breakLines(inlinesToWords(inlines, size, baseStyle), maxWidth, size, hyphenation);

/**
 * How a run of text may be hyphenated: body text at German hyphenation points of words of six
 * letters or more, except the `protect`ed words (names of the coalition, organisations and
 * people); 'none' for names, lists and headings of names.
 */
export type Hyphenation = { protect?: ReadonlySet<string> } | 'none';

/** One run of plain text as inline text. */
export const plainInline = (text: string, bold = false): Inline => ({ kind: 'text', text, bold, italic: false });

/**
 * Greedy line breaking, ragged right, with hyphenation of words that do not fit. Every word is
 * measured a bounded number of times (prefix widths are computed once per attempt), and a word
 * longer than HARD_BREAK_LENGTH is broken by characters: linear in the text length.
 */
function breakLines(words: Word[], maxWidth: number, size: number, hyphenation: Hyphenation): Line[] {
  const lines: Line[] = [];
  const spaceWidth = textWidth(' ', 'regular', size);
  let frags: PlacedFrag[] = [];
  let footnotes: number[] = [];
  let x = 0;
  let pendingSpace = false;
  const finish = () => {
    lines.push({ frags, width: x, footnotes });
    frags = [];
    footnotes = [];
    x = 0;
    pendingSpace = false;
  };
  const place = (word: Word) => {
    if (pendingSpace && frags.length > 0) x += spaceWidth;
    for (const frag of word.frags) {
      const fragSize = frag.sup ? frag.size * SUP_SCALE : frag.size;
      frags.push({ text: frag.text, style: frag.style, size: fragSize, dx: x, rise: frag.sup ? frag.size * 0.36 : 0, ...(frag.href ? { href: frag.href } : {}) });
      if (frag.footnote !== undefined) footnotes.push(frag.footnote);
      x += fragWidth(frag);
    }
    pendingSpace = word.spaceAfter;
  };
  /** Fills whole lines with the characters of an overlong word; returns what is left for the last line. */
  const hardBreak = (word: Word): Word | undefined => {
    if (frags.length > 0) finish();
    let line: Frag[] = [];
    let lineWidth = 0;
    const flushLine = () => {
      place({ frags: line, spaceAfter: false });
      finish();
      line = [];
      lineWidth = 0;
    };
    for (const frag of word.frags) {
      const fragSize = frag.sup ? frag.size * SUP_SCALE : frag.size;
      let start = 0;
      while (start < frag.text.length) {
        let end = fitEnd(frag.text, start, frag.style, fragSize, maxWidth - lineWidth);
        if (end === start) {
          if (line.length > 0) {
            flushLine();
            continue;
          }
          end = start + String.fromCodePoint(frag.text.codePointAt(start)!).length;
        }
        const piece: Frag = { ...frag, text: frag.text.slice(start, end) };
        line.push(piece);
        lineWidth += fragWidth(piece);
        start = end;
        if (start < frag.text.length) flushLine();
      }
    }
    return line.length > 0 ? { frags: line, spaceAfter: word.spaceAfter, hardBroken: true } : undefined;
  };
  // The next word is either a tail left over from the last one, or the next in the list.
  let pending: Word | undefined;
  let index = 0;
  const next = (): Word | undefined => {
    if (pending) {
      const word = pending;
      pending = undefined;
      return word;
    }
    return words[index++];
  };
  for (let word = next(); word; word = next()) {
    if (word.forceBreak) {
      finish();
      continue;
    }
    const width = wordWidth(word);
    const gap = pendingSpace && frags.length > 0 ? spaceWidth : 0;
    if (x + gap + width <= maxWidth) {
      place(word);
      continue;
    }
    if (!word.hardBroken && wordLength(word) > HARD_BREAK_LENGTH) {
      pending = hardBreak(word);
      continue;
    }
    // Try to hyphenate the word into the rest of this line (single plain fragment only).
    const split = hyphenation === 'none' ? undefined : splitWord(word, maxWidth - x - gap, frags.length === 0, hyphenation.protect);
    if (split) {
      place(split.head);
      finish();
      pending = split.tail;
      continue;
    }
    if (frags.length > 0) {
      finish();
      pending = word;
      continue;
    }
    // A single word longer than the line: break it by characters.
    const forced = forceSplit(word, maxWidth);
    place(forced.head);
    finish();
    if (forced.tail) pending = forced.tail;
  }
  if (frags.length > 0 || lines.length === 0) finish();
  return lines;
}

function splitWord(word: Word, room: number, lineEmpty: boolean, protect: ReadonlySet<string> | undefined): { head: Word; tail: Word } | undefined {
  if (room <= 0 && !lineEmpty) return undefined;
  const first = word.frags[0];
  if (!first || first.sup) return undefined;
  const rest = word.frags.slice(1);
  const points = bodyHyphenationPoints(first.text, protect);
  if (points.length === 0) return undefined;
  const measure = prefixWidths(first.text, first.style, first.size);
  for (let i = points.length - 1; i >= 0; i -= 1) {
    const point = points[i]!;
    if (measure.width(point.index, point.addHyphen ? '-' : '') <= room) {
      const headText = first.text.slice(0, point.index) + (point.addHyphen ? '-' : '');
      return {
        head: { frags: [{ ...first, text: headText }], spaceAfter: false },
        tail: { frags: [{ ...first, text: first.text.slice(point.index) }, ...rest], spaceAfter: word.spaceAfter, ...(word.hardBroken ? { hardBroken: true } : {}) },
      };
    }
  }
  return undefined;
}

function forceSplit(word: Word, maxWidth: number): { head: Word; tail?: Word } {
  const first = word.frags[0]!;
  const offsets = charOffsets(first.text);
  const measure = prefixWidths(first.text, first.style, first.sup ? first.size * SUP_SCALE : first.size);
  let count = offsets.length - 1;
  while (count > 1 && measure.width(offsets[count]!) > maxWidth) count -= 1;
  const marks = word.hardBroken ? { hardBroken: true } : {};
  if (count >= offsets.length - 1) return { head: { frags: [first], spaceAfter: false }, ...(word.frags.length > 1 ? { tail: { frags: word.frags.slice(1), spaceAfter: word.spaceAfter, ...marks } } : {}) };
  const cut = offsets[count]!;
  return {
    head: { frags: [{ ...first, text: first.text.slice(0, cut) }], spaceAfter: false },
    tail: { frags: [{ ...first, text: first.text.slice(cut) }, ...word.frags.slice(1)], spaceAfter: word.spaceAfter, ...marks },
  };
}

/** Plain text wrapped between words to a width (address lines, signature cells, letterhead), never hyphenated; linear in the text length. */
export function wrapPlain(text: string, style: Style, size: number, maxWidth: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    if (textWidth(candidate, style, size) <= maxWidth) {
      current = candidate;
      continue;
    }
    if (word.length > HARD_BREAK_LENGTH) {
      // An overlong word: broken hard by characters, each piece as wide as fits.
      if (current) lines.push(current);
      let start = 0;
      for (;;) {
        let end = fitEnd(word, start, style, size, maxWidth);
        if (end === start) end = start + String.fromCodePoint(word.codePointAt(start)!).length;
        if (end >= word.length) {
          current = word.slice(start);
          break;
        }
        lines.push(word.slice(start, end));
        start = end;
      }
      continue;
    }
    // Names and addresses are never hyphenated: the word starts a new line, and only a word
    // wider than the whole line is broken (by characters, without a hyphen).
    if (current) lines.push(current);
    let rest = word;
    for (;;) {
      const measure = prefixWidths(rest, style, size);
      if (measure.width(rest.length) <= maxWidth) break;
      const offsets = charOffsets(rest);
      let count = offsets.length - 2;
      while (count > 1 && measure.width(offsets[count]!) > maxWidth) count -= 1;
      // At least one character per line (a single glyph wider than the line stands alone).
      const cut = offsets[Math.max(count, 1)]!;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = rest;
  }
  if (current || lines.length === 0) lines.push(current);
  return lines;
}
