// Text measurement on the letter fonts (fontkit), with a fallback font for glyphs the main
// face lacks and a replacement glyph for characters no font has. The same feature set is
// used when pdf-lib embeds the fonts, so measured and printed widths agree.
import fontkit from '@pdf-lib/fontkit';
import { createRequire } from 'node:module';
import { fontBytes } from './fonts.ts';
import type { FontName } from './fonts.ts';

export type Style = 'regular' | 'bold' | 'italic' | 'boldItalic';
export type FontKey = FontName;

/** No ligatures or contextual forms: every character maps to one glyph, so text stays extractable and subsets are context-free. */
export const fontFeatures = { liga: false, clig: false, calt: false, dlig: false, rlig: false } as const;

type FontkitFont = ReturnType<typeof fontkit.create>;

const fontCache = new Map<FontKey, FontkitFont>();
function fkFont(key: FontKey): FontkitFont {
  let font = fontCache.get(key);
  if (!font) {
    font = fontkit.create(fontBytes(key));
    fontCache.set(key, font);
  }
  return font;
}

const fallbackOf: Record<Style, FontKey> = { regular: 'fallback', italic: 'fallback', bold: 'fallbackBold', boldItalic: 'fallbackBold' };

export const REPLACEMENT = '\uFFFD';

export type Segment = { font: FontKey; text: string };

const advanceCache = new Map<string, number>();

/**
 * Width of text in one font at 1 pt: the sum of the glyphs' advance widths. Ligatures and
 * contextual forms are off and pdf-lib does not kern, so this is what is printed; it avoids
 * running the OpenType shaper for every address line of every letter.
 */
function unitWidth(font: FontKey, text: string): number {
  const fk = fkFont(font);
  let sum = 0;
  for (const char of text) {
    const key = `${font}:${char}`;
    let advance = advanceCache.get(key);
    if (advance === undefined) {
      advance = fk.glyphForCodePoint(char.codePointAt(0)!).advanceWidth / fk.unitsPerEm;
      advanceCache.set(key, advance);
    }
    sum += advance;
  }
  return sum;
}

const coverage = new Map<string, boolean>();
function has(font: FontKey, codePoint: number): boolean {
  const key = `${font}:${codePoint}`;
  let value = coverage.get(key);
  if (value === undefined) {
    value = fkFont(font).hasGlyphForCodePoint(codePoint);
    coverage.set(key, value);
  }
  return value;
}

/** Characters that are not printed at all (soft hyphen, zero-width, variation selectors). */
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFE00-\uFE0F]/g;

export type MissingGlyph = { char: string; codePoint: number };

/**
 * Splits text into runs of one font: the style's face, else DejaVu, else the replacement
 * glyph. Missing characters are reported through `onMissing`.
 */
export function segment(text: string, style: Style, onMissing?: (missing: MissingGlyph) => void): Segment[] {
  const main: FontKey = style;
  const fallback = fallbackOf[style];
  const segments: Segment[] = [];
  let current: Segment | undefined;
  for (const char of text.replace(INVISIBLE, '')) {
    const codePoint = char.codePointAt(0)!;
    let font: FontKey;
    let out = char;
    if (codePoint < 0x20) {
      font = main;
      out = ' ';
    } else if (has(main, codePoint)) font = main;
    else if (has(fallback, codePoint)) font = fallback;
    else {
      onMissing?.({ char, codePoint });
      font = fallback;
      out = REPLACEMENT;
    }
    if (current && current.font === font) current.text += out;
    else {
      current = { font, text: out };
      segments.push(current);
    }
  }
  return segments;
}

export function segmentsWidth(segments: Segment[], size: number): number {
  let width = 0;
  for (const seg of segments) width += unitWidth(seg.font, seg.text) * size;
  return width;
}

export function textWidth(text: string, style: Style, size: number): number {
  return segmentsWidth(segment(text, style), size);
}

export function fontMetrics(style: Style) {
  const font = fkFont(style);
  return { ascent: font.ascent / font.unitsPerEm, descent: font.descent / font.unitsPerEm };
}

type Hyphenator = { hyphenateSync: (text: string) => string };
const hyphenator = createRequire(import.meta.url)('hyphen/de') as Hyphenator;

/** Possible break positions inside a word: after an existing hyphen, or at German hyphenation points. */
export function hyphenationPoints(word: string): { index: number; addHyphen: boolean }[] {
  const points: { index: number; addHyphen: boolean }[] = [];
  for (let i = 1; i < word.length - 1; i += 1) {
    if (word[i] === '-' || word[i] === '–' || word[i] === '/') points.push({ index: i + 1, addHyphen: false });
  }
  if (word.length >= 6 && /^[\p{L}]+[.,;:!?]?$/u.test(word)) {
    const hyphenated = hyphenator.hyphenateSync(word);
    let index = 0;
    for (const char of hyphenated) {
      if (char === '\u00AD') points.push({ index, addHyphen: true });
      else index += char.length;
    }
  }
  return points.filter((point) => point.index >= 2 && point.index <= word.length - 2).sort((a, b) => a.index - b.index);
}
