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
export const fontFeatures = { liga: false, clig: false, calt: false, dlig: false, rlig: false, kern: false, mark: false, mkmk: false } as const;

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

const INVISIBLE_CHAR = /^[\u00AD\u200B-\u200D\u2060\uFE00-\uFE0F]$/;

type RunState = { acc: number; partial: number; font: FontKey | undefined };

/** One character as `segment` prints it: its font and advance at 1 pt, or undefined when it is not printed. */
function glyphStep(char: string, style: Style): { font: FontKey; advance: number } | undefined {
  if (INVISIBLE_CHAR.test(char)) return undefined;
  const codePoint = char.codePointAt(0)!;
  const main: FontKey = style;
  if (codePoint < 0x20) return { font: main, advance: unitWidth(main, ' ') };
  if (has(main, codePoint)) return { font: main, advance: unitWidth(main, char) };
  const fallback = fallbackOf[style];
  if (has(fallback, codePoint)) return { font: fallback, advance: unitWidth(fallback, char) };
  return { font: fallback, advance: unitWidth(fallback, REPLACEMENT) };
}

/** Adds one character to a running measurement, summing exactly as `segmentsWidth(segment(…))` does. */
function advanceState(state: RunState, char: string, style: Style, size: number): void {
  const step = glyphStep(char, style);
  if (!step) return;
  if (state.font === step.font) state.partial += step.advance;
  else {
    if (state.font !== undefined) state.acc += state.partial * size;
    state.font = step.font;
    state.partial = 0;
    state.partial += step.advance;
  }
}

const stateWidth = (state: RunState, size: number) => (state.font === undefined ? 0 : state.acc + state.partial * size);

/**
 * The widths of all prefixes of `text`, measured in one pass. `width(end, suffix)` equals
 * `textWidth(text.slice(0, end) + suffix, style, size)` exactly (same summation order), so
 * line breaking can try every break position of a word in linear time.
 */
export function prefixWidths(text: string, style: Style, size: number): { width(end: number, suffix?: string): number } {
  const accs = new Float64Array(text.length + 1);
  const partials = new Float64Array(text.length + 1);
  // undefined: nothing printed yet; null: inside a surrogate pair (not a boundary).
  const fonts: (FontKey | undefined | null)[] = new Array(text.length + 1).fill(null);
  const state: RunState = { acc: 0, partial: 0, font: undefined };
  let index = 0;
  fonts[0] = undefined;
  for (const char of text) {
    advanceState(state, char, style, size);
    index += char.length;
    accs[index] = state.acc;
    partials[index] = state.partial;
    fonts[index] = state.font;
  }
  return {
    width(end, suffix = '') {
      const font = end >= 0 && end <= text.length ? fonts[end] : null;
      if (font === null) throw new Error(`not a character boundary: ${end}`);
      const at: RunState = { acc: accs[end]!, partial: partials[end]!, font };
      for (const char of suffix) advanceState(at, char, style, size);
      return stateWidth(at, size);
    },
  };
}

/**
 * The end (a code-unit index) of the longest run of `text` from `start` that is at most
 * `room` wide; `start` itself when not even one character fits. Linear in the run.
 */
export function fitEnd(text: string, start: number, style: Style, size: number, room: number): number {
  const state: RunState = { acc: 0, partial: 0, font: undefined };
  let end = start;
  while (end < text.length) {
    const codePoint = text.codePointAt(end)!;
    const char = String.fromCodePoint(codePoint);
    advanceState(state, char, style, size);
    if (stateWidth(state, size) > room) break;
    end += char.length;
  }
  return end;
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
let hyphenatorModule: Hyphenator | undefined;
/** The German patterns are large: loaded on the first word that needs them. */
const hyphenator = (): Hyphenator => (hyphenatorModule ??= createRequire(import.meta.url)('hyphen/de') as Hyphenator);

/**
 * Where body text may break inside a word: at German hyphenation points (a hyphen is added)
 * of each part of six letters or more, and after a slash. Never after a hyphen the word has
 * (it would copy as a join), never inside a protected word (a name).
 */
export function bodyHyphenationPoints(word: string, protect?: ReadonlySet<string>): { index: number; addHyphen: boolean }[] {
  const points: { index: number; addHyphen: boolean }[] = [];
  // The word without quotes, brackets and punctuation around it (no regex: linear on any length).
  let start = 0;
  let end = word.length;
  while (start < end && '„“"\'(['.includes(word[start]!)) start += 1;
  while (end > start && '.,;:!?)]“”"\''.includes(word[end - 1]!)) end -= 1;
  const core = word.slice(start, end);
  if (protect?.has(core)) return points;
  const address = /:\/\/|@|^www\./i.test(core);
  for (let i = 1; i < word.length - 1; i += 1) if (word[i] === '/') points.push({ index: i + 1, addHyphen: false });
  // Letter runs between hyphens, slashes and punctuation, each hyphenated on its own.
  // Web and e-mail addresses break only after a slash (an added hyphen would change them).
  for (const part of address ? [] : word.matchAll(/\p{L}+/gu)) {
    const text = part[0];
    if (text.length < 6 || protect?.has(text)) continue;
    const hyphenated = hyphenator().hyphenateSync(text);
    let index = part.index;
    for (const char of hyphenated) {
      if (char === '\u00AD') points.push({ index, addHyphen: true });
      else index += char.length;
    }
  }
  // A point right after a hyphen or before one would print "--" or a lone hyphen.
  return points
    .filter((point) => point.index >= 2 && point.index <= word.length - 2 && !(point.addHyphen && (word[point.index - 1] === '-' || word[point.index] === '-')))
    .sort((a, b) => a.index - b.index);
}

/**
 * Text as a vector outline (an SVG path in points, y down, origin on the baseline) and its
 * width: drawn as a shape it prints but is not text, so a watermark does not copy.
 */
export function textOutline(text: string, style: Style, size: number): { path: string; width: number } {
  const font = fkFont(style);
  const scale = size / font.unitsPerEm;
  const n = (value: number) => (Math.round(value * 100) / 100).toString();
  let path = '';
  let x = 0;
  for (const char of text) {
    const glyph = font.glyphForCodePoint(char.codePointAt(0)!);
    const point = (gx: number, gy: number) => `${n(x + gx * scale)} ${n(-gy * scale)}`;
    for (const { command, args } of (glyph.path as unknown as { commands: { command: string; args: number[] }[] }).commands) {
      const a = args;
      if (command === 'moveTo') path += `M${point(a[0]!, a[1]!)}`;
      else if (command === 'lineTo') path += `L${point(a[0]!, a[1]!)}`;
      else if (command === 'quadraticCurveTo') path += `Q${point(a[0]!, a[1]!)} ${point(a[2]!, a[3]!)}`;
      else if (command === 'bezierCurveTo') path += `C${point(a[0]!, a[1]!)} ${point(a[2]!, a[3]!)} ${point(a[4]!, a[5]!)}`;
      else if (command === 'closePath') path += 'Z';
    }
    x += glyph.advanceWidth * scale;
  }
  return { path, width: x };
}
