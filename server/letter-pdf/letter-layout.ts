// The layout engine: turns a LetterModel into positioned drawing operations on A4 pages
// (DIN 5008 Form B). Pure: no pdf-lib, no database. Units are PDF points, y measured from
// the TOP of the page (the painter flips it).
import { parseLetterText } from '../appeals/letter-text.ts';
import type { Block, Inline } from '../appeals/letter-text.ts';
import { t } from '../i18n/index.ts';
import { formatIsoDate } from '../shared/dates.ts';
import type { LetterModel } from './letter-model.ts';
import { fontMetrics, hyphenationPoints, segment, textWidth } from './text-measure.ts';
import type { Style } from './text-measure.ts';

export const MM = 72 / 25.4;
export const PAGE = { width: 595.28, height: 841.89 };
export const LEFT = 25 * MM;
export const RIGHT = 190 * MM;
export const TEXT_WIDTH = RIGHT - LEFT;
const BODY_BOTTOM = 257 * MM;
const TOP_FOLLOWING = 25 * MM;

export const BODY_SIZE = 11;
export const BODY_LEADING = 15;
const PARAGRAPH_GAP = 7;
const FOOTNOTE_SIZE = 8.5;
const FOOTNOTE_LEADING = 10.5;

/** DIN 5008 Form B address field: x 20 mm, y 45–90 mm; our text starts at 25 mm. */
export const ADDRESS = {
  x: 25 * MM,
  maxWidth: 80 * MM,
  returnBaseline: 49 * MM,
  zoneTop: 62.7 * MM,
  zoneBottom: 90 * MM,
  size: 10,
  minSize: 8,
  maxLines: 6,
};

export type Gray = number;

export type TextOp = { kind: 'text'; x: number; y: number; size: number; style: Style; text: string; gray?: Gray };
export type LineOp = { kind: 'line'; x1: number; y1: number; x2: number; y2: number; width: number; gray?: Gray; dash?: boolean };
export type ImageOp = { kind: 'image'; image: string; x: number; y: number; w: number; h: number; alt: string };
export type DraftOp = { kind: 'draft' };
export type Op = TextOp | LineOp | ImageOp | DraftOp;

export type LayoutResult = {
  pages: Op[][];
  /** Where the personal salutation goes (page 1). */
  salutation: { y: number; lines: number };
  warnings: string[];
  /** Image bytes referenced by ImageOps, by key. */
  images: Map<string, Uint8Array>;
};

export type LayoutOptions = {
  /** Lines reserved for the salutation (the longest salutation of the batch). */
  salutationLines: number;
};

// ---------------------------------------------------------------------------------------
// Inline text → words → lines

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

/** Greedy line breaking, ragged right, with hyphenation of words that do not fit. */
export function breakLines(words: Word[], maxWidth: number, size: number): Line[] {
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

// ---------------------------------------------------------------------------------------
// Flow with pagination and footnotes

type FlowItem = {
  height: number;
  spaceBefore: number;
  keepWithNext?: boolean;
  footnotes?: number[];
  draw: (ops: Op[], top: number) => void;
};

function lineItem(line: Line, x: number, spaceBefore: number, leading: number, extra?: (ops: Op[], baseline: number) => void): FlowItem {
  const ascent = leading * 0.8;
  return {
    height: leading,
    spaceBefore,
    footnotes: line.footnotes,
    draw: (ops, top) => {
      const baseline = top + ascent;
      for (const frag of line.frags) ops.push({ kind: 'text', x: x + frag.dx, y: baseline - frag.rise, size: frag.size, style: frag.style, text: frag.text });
      extra?.(ops, baseline);
    },
  };
}

type FootnoteLayout = { number: number; lines: Line[]; height: number };

function layoutFootnotes(model: LetterModel, footnotes: { number: number; blocks: Block[] }[]): Map<number, FootnoteLayout> {
  const result = new Map<number, FootnoteLayout>();
  const indent = 4.5 * MM;
  for (const note of footnotes) {
    const inlines: Inline[] = [];
    for (const block of note.blocks) {
      if (block.kind === 'list') continue;
      if (inlines.length > 0) inlines.push({ kind: 'text', text: ' ', bold: false, italic: false });
      inlines.push(...block.inlines);
    }
    const lines = breakLines(inlinesToWords(inlines, FOOTNOTE_SIZE), TEXT_WIDTH - indent, FOOTNOTE_SIZE);
    result.set(note.number, { number: note.number, lines, height: lines.length * FOOTNOTE_LEADING + 2 });
  }
  void model;
  return result;
}

// ---------------------------------------------------------------------------------------

/** Lays the shared letter out once. Warnings are German sentences for the organiser. */
export function layoutLetter(model: LetterModel, options: LayoutOptions): LayoutResult {
  const warnings = new Set<string>();
  const images = new Map<string, Uint8Array>();
  const text = parseLetterText(model.body);
  const missing = (value: string) =>
    segment(value, 'regular', (glyph) => warnings.add(t('letterWarn.missingGlyph', { char: glyph.char, code: glyph.codePoint.toString(16).toUpperCase().padStart(4, '0') })));
  // Report characters no font has anywhere in the letter.
  for (const value of [model.title, ...model.subtitleLines, model.body, model.closing, model.coalitionName, ...model.signatories.flatMap((s) => [s.name, s.function, s.organisation]), ...model.ccLines, ...model.attachmentLines]) missing(value);

  const first: Op[] = [];
  const pages: Op[][] = [first];

  // Letterhead: coalition name, then a row of logos or short names.
  let headSize = 15;
  while (headSize > 11 && textWidth(model.coalitionName, 'bold', headSize) > TEXT_WIDTH) headSize -= 0.5;
  const headLines = wrapPlain(model.coalitionName, 'bold', headSize, TEXT_WIDTH).slice(0, 2);
  headLines.forEach((line, index) => first.push({ kind: 'text', x: LEFT, y: 15 * MM + index * headSize * 1.15, size: headSize, style: 'bold', text: line }));
  layoutLetterhead(model, first, images, warnings, 15 * MM + (headLines.length - 1) * headSize * 1.15 + 5 * MM);

  // Return line (8 pt) in the address field.
  const returnLine = [model.coalitionName, model.contact.email].filter(Boolean).join(' · ');
  let returnSize = 8;
  while (returnSize > 6 && textWidth(returnLine, 'regular', returnSize) > ADDRESS.maxWidth) returnSize -= 0.25;
  first.push({ kind: 'text', x: ADDRESS.x, y: ADDRESS.returnBaseline, size: returnSize, style: 'regular', text: returnLine, gray: 0.25 });
  first.push({ kind: 'line', x1: ADDRESS.x, y1: ADDRESS.returnBaseline + 1.2, x2: ADDRESS.x + Math.min(ADDRESS.maxWidth, textWidth(returnLine, 'regular', returnSize)), y2: ADDRESS.returnBaseline + 1.2, width: 0.3, gray: 0.25 });

  // Information block at 125 mm.
  const infoBottom = layoutInfoBlock(model, first);

  // Fold and punch marks.
  for (const mm of [105, 210]) first.push({ kind: 'line', x1: 4 * MM, y1: mm * MM, x2: 8 * MM, y2: mm * MM, width: 0.4, gray: 0.4 });
  first.push({ kind: 'line', x1: 4 * MM, y1: 148.5 * MM, x2: 10 * MM, y2: 148.5 * MM, width: 0.4, gray: 0.4 });

  // Subject and subtitle.
  const items: FlowItem[] = [];
  let startTop = Math.max(ADDRESS.zoneBottom, infoBottom) + 8.5 * MM;
  const subjectLines = breakLines(inlinesToWords([{ kind: 'text', text: model.title, bold: true, italic: false }], BODY_SIZE), TEXT_WIDTH, BODY_SIZE);
  for (const line of subjectLines) {
    lineItem(line, LEFT, 0, BODY_LEADING).draw(first, startTop);
    startTop += BODY_LEADING;
  }
  for (const subtitle of model.subtitleLines) {
    for (const line of breakLines(inlinesToWords([{ kind: 'text', text: subtitle, bold: false, italic: false }], BODY_SIZE), TEXT_WIDTH, BODY_SIZE)) {
      lineItem(line, LEFT, 0, BODY_LEADING).draw(first, startTop);
      startTop += BODY_LEADING;
    }
  }
  // Two blank lines, the salutation (personal), one blank line.
  startTop += 1.6 * BODY_LEADING;
  const salutation = { y: startTop + BODY_LEADING * 0.8, lines: Math.max(1, options.salutationLines) };
  startTop += salutation.lines * BODY_LEADING + 0.6 * BODY_LEADING;

  // Body.
  const footnoteLayouts = layoutFootnotes(model, text.footnotes);
  pushBlocks(items, text.blocks, LEFT, TEXT_WIDTH, true);

  // Closing formula and signature block.
  if (model.closing.trim()) {
    const closing = breakLines(inlinesToWords([{ kind: 'text', text: model.closing, bold: false, italic: false }], BODY_SIZE), TEXT_WIDTH, BODY_SIZE);
    closing.forEach((line, index) => items.push({ ...lineItem(line, LEFT, index === 0 ? BODY_LEADING : 0, BODY_LEADING), keepWithNext: true }));
  }
  layoutSignatures(model, items, images, warnings);
  layoutTrailingLists(model, items);

  // Paginate.
  let pageIndex = 0;
  let y = startTop;
  let pageFootnotes: number[] = [];
  const footnoteHeight = (numbers: number[]) =>
    numbers.length === 0 ? 0 : 4 * MM + numbers.reduce((sum, n) => sum + (footnoteLayouts.get(n)?.height ?? 0), 0);
  const drawFootnotes = (ops: Op[], numbers: number[]) => {
    if (numbers.length === 0) return;
    let top = BODY_BOTTOM - footnoteHeight(numbers) + 4 * MM;
    ops.push({ kind: 'line', x1: LEFT, y1: top - 2.5 * MM, x2: LEFT + 40 * MM, y2: top - 2.5 * MM, width: 0.5 });
    for (const n of numbers) {
      const note = footnoteLayouts.get(n);
      if (!note) continue;
      note.lines.forEach((line, index) => {
        const baseline = top + FOOTNOTE_LEADING * 0.8 + index * FOOTNOTE_LEADING;
        if (index === 0) ops.push({ kind: 'text', x: LEFT, y: baseline - 2.5, size: FOOTNOTE_SIZE * 0.8, style: 'regular', text: String(n) });
        for (const frag of line.frags) ops.push({ kind: 'text', x: LEFT + 4.5 * MM + frag.dx, y: baseline - frag.rise, size: frag.size, style: frag.style, text: frag.text });
      });
      top += note.height;
    }
  };
  const topOfPage = () => (pageIndex === 0 ? startTop : TOP_FOLLOWING);
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i]!;
    let need = item.height;
    // Keep headings and the closing with what follows (up to two items).
    let j = i;
    let chain = 0;
    while (items[j]?.keepWithNext && items[j + 1] && chain < 3) {
      need += items[j + 1]!.spaceBefore + items[j + 1]!.height;
      j += 1;
      chain += 1;
    }
    const notes = [...pageFootnotes, ...(item.footnotes ?? []).filter((n) => !pageFootnotes.includes(n))];
    const atTop = y <= topOfPage() + 0.01;
    const space = atTop ? 0 : item.spaceBefore;
    if (!atTop && y + space + need > BODY_BOTTOM - footnoteHeight(notes)) {
      drawFootnotes(pages[pageIndex]!, pageFootnotes);
      pageFootnotes = [];
      pageIndex += 1;
      pages.push([]);
      y = TOP_FOLLOWING;
    } else {
      y += space;
    }
    item.draw(pages[pageIndex]!, y);
    y += item.height;
    for (const n of item.footnotes ?? []) if (!pageFootnotes.includes(n)) pageFootnotes.push(n);
  }
  drawFootnotes(pages[pageIndex]!, pageFootnotes);

  // Page furniture: page numbers, running head, draft mark.
  pages.forEach((ops, index) => {
    const label = t('letter.page', { page: index + 1, pages: pages.length });
    ops.push({ kind: 'text', x: RIGHT - textWidth(label, 'regular', 8), y: 263 * MM, size: 8, style: 'regular', text: label, gray: 0.25 });
    if (index > 0) {
      const head = `${model.coalitionName} · ${formatIsoDate(model.letterDate)}`;
      let size = 8;
      while (size > 6 && textWidth(head, 'regular', size) > TEXT_WIDTH) size -= 0.25;
      ops.push({ kind: 'text', x: LEFT, y: 14 * MM, size, style: 'regular', text: head, gray: 0.35 });
    }
    if (model.draft) ops.push({ kind: 'draft' });
  });
  if (model.draft) {
    const note = t('letter.draftNote');
    first.push({ kind: 'text', x: RIGHT - textWidth(note, 'bold', 9), y: 8 * MM, size: 9, style: 'bold', text: note, gray: 0.2 });
  }
  if (pages.length > 4) warnings.add(t('letterWarn.manyPages', { pages: pages.length }));
  if (model.signatories.filter((s) => s.tier === 'first').length === 0) warnings.add(t('letterWarn.noSignatories'));

  return { pages, salutation, warnings: [...warnings], images };
}

function pushBlocks(items: FlowItem[], blocks: Block[], x: number, width: number, topLevel: boolean) {
  blocks.forEach((block, index) => {
    const gap = index === 0 && !topLevel ? 0 : PARAGRAPH_GAP;
    switch (block.kind) {
      case 'paragraph': {
        const lines = breakLines(inlinesToWords(block.inlines, BODY_SIZE), width, BODY_SIZE);
        lines.forEach((line, lineIndex) => items.push(lineItem(line, x, lineIndex === 0 ? gap : 0, BODY_LEADING)));
        break;
      }
      case 'heading': {
        const size = block.level === 1 ? 12 : BODY_SIZE;
        const lines = breakLines(inlinesToWords(block.inlines, size, 'bold'), width, size);
        lines.forEach((line, lineIndex) => items.push({ ...lineItem(line, x, lineIndex === 0 ? gap + 4 : 0, BODY_LEADING), keepWithNext: true }));
        break;
      }
      case 'list': {
        const indent = 6 * MM;
        block.items.forEach((itemBlocks, itemIndex) => {
          const marker = block.ordered ? `${block.start + itemIndex}.` : '•';
          const before = items.length;
          pushBlocks(items, itemBlocks, x + indent, width - indent, false);
          const firstItem = items[before];
          if (firstItem) {
            const draw = firstItem.draw;
            firstItem.spaceBefore = itemIndex === 0 ? gap : 3;
            firstItem.draw = (ops, top) => {
              draw(ops, top);
              ops.push({ kind: 'text', x: x + (block.ordered ? 0 : 1.5 * MM), y: top + BODY_LEADING * 0.8, size: BODY_SIZE, style: 'regular', text: marker });
            };
          }
        });
        break;
      }
    }
  });
}

function imageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length > 24 && bytes[0] === 0x89 && bytes[1] === 0x50) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    return width > 0 && height > 0 && width < 20000 && height < 20000 ? { width, height } : undefined;
  }
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let offset = 2;
    while (offset + 9 < bytes.length) {
      if (bytes[offset] !== 0xff) return undefined;
      const marker = bytes[offset + 1]!;
      const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: (bytes[offset + 5]! << 8) | bytes[offset + 6]!, width: (bytes[offset + 7]! << 8) | bytes[offset + 8]! };
      }
      offset += 2 + length;
    }
  }
  return undefined;
}

function fitBox(size: { width: number; height: number }, maxW: number, maxH: number) {
  const scale = Math.min(maxW / size.width, maxH / size.height);
  return { w: size.width * scale, h: size.height * scale };
}

function layoutLetterhead(model: LetterModel, ops: Op[], images: Map<string, Uint8Array>, warnings: Set<string>, top: number) {
  const orgs = model.organisations;
  if (orgs.length === 0) return;
  const rowHeight = Math.min(12 * MM, 40 * MM - top);
  if (orgs.length > 12) {
    warnings.add(t('letterWarn.tooManyLogos', { count: orgs.length }));
    const names = wrapPlain(orgs.map((org) => org.shortName || org.name).join(' · '), 'regular', 8, TEXT_WIDTH).slice(0, 3);
    names.forEach((line, index) => ops.push({ kind: 'text', x: LEFT, y: top + 3 * MM + index * 9.5, size: 8, style: 'regular', text: line, gray: 0.2 }));
  } else {
    const cell = TEXT_WIDTH / Math.max(orgs.length, 6);
    orgs.forEach((org, index) => {
      const x = LEFT + index * cell;
      const size = org.logo ? imageSize(org.logo) : undefined;
      if (org.logoMissing) warnings.add(t('letterWarn.logoMissing', { name: org.name }));
      if (org.logo && !size) warnings.add(t('letterWarn.logoBroken', { name: org.name }));
      if (org.logo && size) {
        const key = `logo:${index}`;
        images.set(key, org.logo);
        const box = fitBox(size, cell - 3 * MM, rowHeight);
        ops.push({ kind: 'image', image: key, x: x + (cell - 3 * MM - box.w) / 2, y: top + (rowHeight - box.h) / 2, w: box.w, h: box.h, alt: org.shortName || org.name });
      } else {
        const label = org.shortName || org.name;
        let labelSize = 9;
        while (labelSize > 6 && textWidth(label, 'bold', labelSize) > cell - 3 * MM) labelSize -= 0.5;
        const lines = wrapPlain(label, 'bold', labelSize, cell - 3 * MM).slice(0, 2);
        lines.forEach((line, lineIndex) => ops.push({ kind: 'text', x: x + (cell - 3 * MM - textWidth(line, 'bold', labelSize)) / 2, y: top + rowHeight / 2 + lineIndex * labelSize * 1.1, size: labelSize, style: 'bold', text: line, gray: 0.2 }));
      }
    });
  }
  ops.push({ kind: 'line', x1: LEFT, y1: top + rowHeight + 2.5 * MM, x2: RIGHT, y2: top + rowHeight + 2.5 * MM, width: 0.5, gray: 0.5 });
}

function layoutInfoBlock(model: LetterModel, ops: Op[]): number {
  const labelX = 125 * MM;
  const valueX = 153 * MM;
  const valueWidth = RIGHT - valueX;
  const rows: [string, string][] = [];
  if (model.contact.name) rows.push([t('letter.contact'), model.contact.name]);
  if (model.contact.function) rows.push(['', model.contact.function]);
  if (model.contact.phone) rows.push([t('letter.phone'), model.contact.phone]);
  if (model.contact.email) rows.push([t('letter.email'), model.contact.email]);
  if (model.reference) rows.push([t('letter.reference'), model.reference]);
  rows.push([t('letter.date'), formatIsoDate(model.letterDate)]);
  let y = 53 * MM;
  for (const [label, value] of rows) {
    if (label) ops.push({ kind: 'text', x: labelX, y, size: 8, style: 'regular', text: label, gray: 0.35 });
    let size = 9;
    while (size > 7 && textWidth(value, 'regular', size) > valueWidth) size -= 0.25;
    const lines = wrapPlain(value, 'regular', size, valueWidth).slice(0, 2);
    for (const line of lines) {
      ops.push({ kind: 'text', x: valueX, y, size, style: 'regular', text: line });
      y += 4.3 * MM;
    }
  }
  return y - 2 * MM;
}

const SIG_AREA = 15 * MM;
const SIG_GAP = 6 * MM;

function signatureColumns(count: number): number {
  if (count <= 4) return 2;
  if (count <= 9) return 3;
  return 4;
}

function layoutSignatures(model: LetterModel, items: FlowItem[], images: Map<string, Uint8Array>, warnings: Set<string>) {
  // Unsigned first signatories are left out of a final letter; a draft shows placeholders.
  const shown = model.signatories.filter((s) => s.tier === 'first' && (model.draft || s.signature));
  if (shown.length === 0) return;
  const columns = signatureColumns(shown.length);
  const cellWidth = (TEXT_WIDTH - (columns - 1) * SIG_GAP) / columns;
  for (let row = 0; row * columns < shown.length; row += 1) {
    const cells = shown.slice(row * columns, row * columns + columns).map((signatory, column) => {
      const nameLines = wrapPlain(signatory.name, 'bold', 10, cellWidth);
      const functionLines = signatory.function ? wrapPlain(signatory.function, 'regular', 9, cellWidth) : [];
      const orgLines = wrapPlain(signatory.organisation, 'regular', 9, cellWidth);
      if (orgLines.length > 3 || nameLines.length > 2) warnings.add(t('letterWarn.longName', { name: nameLines.length > 2 ? signatory.name : signatory.organisation }));
      let imageKey: string | undefined;
      let imageBox: { w: number; h: number } | undefined;
      const image = signatory.signature?.image;
      if (image) {
        const size = imageSize(image);
        if (size) {
          imageKey = `sig:${row * columns + column}`;
          images.set(imageKey, image);
          imageBox = fitBox(size, cellWidth - 2 * MM, SIG_AREA - 2 * MM);
        } else warnings.add(t('letterWarn.signatureBroken', { name: signatory.name }));
      }
      const textHeight = nameLines.length * 12 + (functionLines.length + orgLines.length) * 11;
      return { signatory, nameLines, functionLines, orgLines, imageKey, imageBox, textHeight, x: LEFT + column * (cellWidth + SIG_GAP) };
    });
    const height = SIG_AREA + Math.max(...cells.map((cell) => cell.textHeight)) + 2 * MM;
    items.push({
      height,
      spaceBefore: row === 0 ? 3 * MM : 4 * MM,
      draw: (ops, top) => {
        for (const cell of cells) {
          const signed = cell.signatory.signature;
          if (signed && cell.imageKey && cell.imageBox) {
            ops.push({ kind: 'image', image: cell.imageKey, x: cell.x, y: top + SIG_AREA - 1 * MM - cell.imageBox.h, w: cell.imageBox.w, h: cell.imageBox.h, alt: cell.signatory.name });
          } else if (signed) {
            ops.push({ kind: 'text', x: cell.x, y: top + SIG_AREA - 3 * MM, size: 10, style: 'italic', text: t('letter.signedAs', { name: cell.signatory.name }) });
          } else {
            ops.push({ kind: 'line', x1: cell.x, y1: top + SIG_AREA - 1.5 * MM, x2: cell.x + Math.min(cellWidth, 50 * MM), y2: top + SIG_AREA - 1.5 * MM, width: 0.4, gray: 0.5, dash: true });
            ops.push({ kind: 'text', x: cell.x, y: top + SIG_AREA - 4 * MM, size: 7, style: 'italic', text: t('letter.signaturePending'), gray: 0.45 });
          }
          let baseline = top + SIG_AREA + 9;
          for (const line of cell.nameLines) {
            ops.push({ kind: 'text', x: cell.x, y: baseline, size: 10, style: 'bold', text: line });
            baseline += 12;
          }
          for (const line of [...cell.functionLines, ...cell.orgLines]) {
            ops.push({ kind: 'text', x: cell.x, y: baseline - 1, size: 9, style: 'regular', text: line });
            baseline += 11;
          }
        }
      },
    });
  }
}

function layoutTrailingLists(model: LetterModel, items: FlowItem[]) {
  const section = (heading: string, entries: string[]) => {
    if (entries.length === 0) return;
    const head = breakLines(inlinesToWords([{ kind: 'text', text: heading, bold: true, italic: false }], 10), TEXT_WIDTH, 10);
    head.forEach((line) => items.push({ ...lineItem(line, LEFT, 5 * MM, 13), keepWithNext: true }));
    for (const entry of entries) {
      const lines = breakLines(inlinesToWords([{ kind: 'text', text: entry, bold: false, italic: false }], 10), TEXT_WIDTH, 10);
      for (const line of lines) items.push(lineItem(line, LEFT, 0, 13));
    }
  };
  if (model.listFirstSignatories) {
    section(t('letter.firstSignatories'), model.signatories.filter((s) => s.tier === 'first' && (model.draft || s.signature)).map((s) => s.organisation));
  }
  section(t('letter.supporters'), model.signatories.filter((s) => s.tier === 'supporter' && s.signature).map((s) => s.organisation));
  section(t('letter.cc'), model.ccLines);
  section(t('letter.attachments'), model.attachmentLines);
}

// ---------------------------------------------------------------------------------------
// The personal part: address field and salutation

export type AddressLayout = { lines: { text: string; y: number; size: number }[]; warnings: string[] };

/** Fits address lines into the Anschriftzone: shrink to ≥ 8 pt, then wrap, then tighten the leading. */
export function layoutAddress(addressLines: string[], label: string): AddressLayout {
  const warnings: string[] = [];
  const source = addressLines.map((line) => line.trim()).filter(Boolean);
  let size = ADDRESS.size;
  const widest = Math.max(0, ...source.map((line) => textWidth(line, 'regular', ADDRESS.size)));
  if (widest > ADDRESS.maxWidth) {
    size = Math.max(ADDRESS.minSize, Math.floor(((ADDRESS.size * ADDRESS.maxWidth) / widest) * 4) / 4);
    warnings.push(t('letterWarn.addressShrunk', { label }));
  }
  let lines: string[] = [];
  for (const line of source) {
    if (textWidth(line, 'regular', size) > ADDRESS.maxWidth) {
      lines.push(...wrapPlain(line, 'regular', size, ADDRESS.maxWidth));
      if (!warnings.includes(t('letterWarn.addressWrapped', { label }))) warnings.push(t('letterWarn.addressWrapped', { label }));
    } else lines.push(line);
  }
  const zone = ADDRESS.zoneBottom - ADDRESS.zoneTop;
  let leading = zone / ADDRESS.maxLines;
  if (lines.length > ADDRESS.maxLines) {
    warnings.push(t('letterWarn.addressTooManyLines', { label, count: lines.length }));
    leading = zone / lines.length;
    const fitting = leading / 1.15;
    if (fitting < size) size = Math.max(ADDRESS.minSize, fitting);
    const maxLines = Math.floor(zone / (ADDRESS.minSize * 1.15));
    if (lines.length > maxLines) {
      warnings.push(t('letterWarn.addressCut', { label, line: lines[maxLines]! }));
      lines = lines.slice(0, maxLines);
      leading = zone / lines.length;
    }
  }
  const { ascent } = fontMetrics('regular');
  const first = ADDRESS.zoneTop + Math.min(leading, size * 1.3) * 0.15 + ascent * size;
  return { lines: lines.map((text, index) => ({ text, y: first + index * leading, size })), warnings };
}

/** Lines a salutation needs at body size. */
export function salutationLines(salutation: string): string[] {
  return wrapPlain(salutation, 'regular', BODY_SIZE, TEXT_WIDTH);
}
