// Line breaking: inline text → words → lines, ragged right, with German hyphenation; and
// plain text wrapped to a width. Pure measuring on the letter fonts, no positions on a page.
import type { Inline } from './letter-text.ts';
import { hyphenationPoints, textWidth } from './text-measure.ts';
import type { Style } from './text-measure.ts';

type Frag = { text: string; style: Style; sup?: boolean; footnote?: number; size: number };
type Word = { frags: Frag[]; spaceAfter: boolean; forceBreak?: boolean };
export type PlacedFrag = { text: string; style: Style; size: number; dx: number; rise: number };
export type Line = { frags: PlacedFrag[]; width: number; footnotes: number[] };

const styleOf = (bold: boolean, italic: boolean): Style => (bold ? (italic ? 'boldItalic' : 'bold') : italic ? 'italic' : 'regular');
const SUP_SCALE = 0.62;
const fragWidth = (frag: Frag) => textWidth(frag.text, frag.style, frag.sup ? frag.size * SUP_SCALE : frag.size);
const wordWidth = (word: Word) => word.frags.reduce((sum, frag) => sum + fragWidth(frag), 0);

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
      else current.frags.push({ text: part, style, size });
    }
  }
  flush(false);
  return words;
}

/** Inline text (bold and italic kept, footnote marks raised) broken into lines of at most `maxWidth`. */
export const breakInlines = (inlines: Inline[], maxWidth: number, size: number, baseStyle: Style = 'regular'): Line[] =>
  breakLines(inlinesToWords(inlines, size, baseStyle), maxWidth, size);

/** One run of plain text as inline text. */
export const plainInline = (text: string, bold = false): Inline => ({ kind: 'text', text, bold, italic: false });

/** Greedy line breaking, ragged right, with hyphenation of words that do not fit. */
function breakLines(words: Word[], maxWidth: number, size: number): Line[] {
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
      frags.push({ text: frag.text, style: frag.style, size: fragSize, dx: x, rise: frag.sup ? frag.size * 0.36 : 0 });
      if (frag.footnote !== undefined) footnotes.push(frag.footnote);
      x += fragWidth(frag);
    }
    pendingSpace = word.spaceAfter;
  };
  const queue = [...words];
  while (queue.length > 0) {
    const word = queue.shift()!;
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
    // Try to hyphenate the word into the rest of this line (single plain fragment only).
    const split = splitWord(word, maxWidth - x - gap, frags.length === 0);
    if (split) {
      place(split.head);
      finish();
      queue.unshift(split.tail);
      continue;
    }
    if (frags.length > 0) {
      finish();
      queue.unshift(word);
      continue;
    }
    // A single word longer than the line: break it by characters.
    const forced = forceSplit(word, maxWidth);
    place(forced.head);
    finish();
    if (forced.tail) queue.unshift(forced.tail);
  }
  if (frags.length > 0 || lines.length === 0) finish();
  return lines;
}

function splitWord(word: Word, room: number, lineEmpty: boolean): { head: Word; tail: Word } | undefined {
  if (room <= 0 && !lineEmpty) return undefined;
  const first = word.frags[0];
  if (!first || first.sup) return undefined;
  const rest = word.frags.slice(1);
  const points = hyphenationPoints(first.text);
  for (let i = points.length - 1; i >= 0; i -= 1) {
    const point = points[i]!;
    const headText = first.text.slice(0, point.index) + (point.addHyphen ? '-' : '');
    if (fragWidth({ ...first, text: headText }) <= room) {
      return {
        head: { frags: [{ ...first, text: headText }], spaceAfter: false },
        tail: { frags: [{ ...first, text: first.text.slice(point.index) }, ...rest], spaceAfter: word.spaceAfter },
      };
    }
  }
  return undefined;
}

function forceSplit(word: Word, maxWidth: number): { head: Word; tail?: Word } {
  const first = word.frags[0]!;
  const chars = Array.from(first.text);
  let count = chars.length;
  while (count > 1 && fragWidth({ ...first, text: chars.slice(0, count).join('') }) > maxWidth) count -= 1;
  if (count >= chars.length) return { head: { frags: [first], spaceAfter: false }, ...(word.frags.length > 1 ? { tail: { frags: word.frags.slice(1), spaceAfter: word.spaceAfter } } : {}) };
  return {
    head: { frags: [{ ...first, text: chars.slice(0, count).join('') }], spaceAfter: false },
    tail: { frags: [{ ...first, text: chars.slice(count).join('') }, ...word.frags.slice(1)], spaceAfter: word.spaceAfter },
  };
}

/** Plain text wrapped to a width (address lines, signature cells, letterhead). */
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
    // Hyphenate into the rest of the current line when possible.
    let rest = word;
    const room = (head: string) => textWidth(current ? `${current} ${head}` : head, style, size) <= maxWidth;
    const points = hyphenationPoints(rest);
    let split = false;
    for (let i = points.length - 1; i >= 0 && current; i -= 1) {
      const point = points[i]!;
      const head = rest.slice(0, point.index) + (point.addHyphen ? '-' : '');
      if (room(head)) {
        lines.push(`${current} ${head}`);
        rest = rest.slice(point.index);
        split = true;
        break;
      }
    }
    if (!split && current) lines.push(current);
    current = '';
    while (textWidth(rest, style, size) > maxWidth) {
      const restPoints = hyphenationPoints(rest);
      let cut = -1;
      let hyphen = false;
      for (let i = restPoints.length - 1; i >= 0; i -= 1) {
        const point = restPoints[i]!;
        if (textWidth(rest.slice(0, point.index) + (point.addHyphen ? '-' : ''), style, size) <= maxWidth) {
          cut = point.index;
          hyphen = point.addHyphen;
          break;
        }
      }
      if (cut < 0) {
        const chars = Array.from(rest);
        let count = chars.length - 1;
        while (count > 1 && textWidth(chars.slice(0, count).join(''), style, size) > maxWidth) count -= 1;
        cut = chars.slice(0, count).join('').length;
      }
      lines.push(rest.slice(0, cut) + (hyphen ? '-' : ''));
      rest = rest.slice(cut);
    }
    current = rest;
  }
  if (current || lines.length === 0) lines.push(current);
  return lines;
}
