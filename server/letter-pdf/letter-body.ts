// The body of the letter as flow items: paragraphs, headings and lists of the text tree, the
// footnotes (set at the foot of their page), and the closing formula. Two-line widow and orphan
// control: the first two and the last two lines of a paragraph stay together.
import { breakInlines, plainInline } from './line-breaking.ts';
import type { Hyphenation, Line } from './line-breaking.ts';
import type { Block, Footnote, Inline } from './letter-text.ts';
import { BODY_LEADING, BODY_SIZE, FOOTNOTE_LEADING, FOOTNOTE_SIZE, LEFT, MM, PARAGRAPH_GAP, TEXT_WIDTH } from './page-geometry.ts';
import { lineItem } from './pagination.ts';
import type { FlowItem, FootnoteLayout } from './pagination.ts';
import { newGroup, tagFlow } from './structure.ts';

/** Appends the blocks as flow items; nested blocks (list items) start without a gap. */
export function pushBlocks(items: FlowItem[], blocks: Block[], x: number, width: number, topLevel: boolean, hyphenation: Hyphenation = {}): void {
  blocks.forEach((block, index) => {
    const gap = index === 0 && !topLevel ? 0 : PARAGRAPH_GAP;
    const before = items.length;
    switch (block.kind) {
      case 'paragraph': {
        pushParagraph(items, breakInlines(withUrls(block.inlines), width, BODY_SIZE, 'regular', hyphenation), x, gap);
        tagFlow(items, before, { role: 'P', group: newGroup() });
        break;
      }
      case 'heading': {
        const size = block.level === 1 ? 12 : BODY_SIZE;
        const lines = breakInlines(withUrls(block.inlines), width, size, 'bold', 'none');
        lines.forEach((line, lineIndex) => items.push({ ...lineItem(line, x, lineIndex === 0 ? gap + 4 : 0, BODY_LEADING), keepWithNext: true }));
        tagFlow(items, before, { role: 'H2', group: newGroup() });
        break;
      }
      case 'list':
        pushList(items, block, x, width, gap, hyphenation);
        break;
    }
  });
}

/** A paragraph's lines; a paragraph of two or three lines is never split, a longer one leaves at least two lines on each page. */
function pushParagraph(items: FlowItem[], lines: Line[], x: number, gap: number): void {
  const from = items.length;
  lines.forEach((line, lineIndex) => items.push(lineItem(line, x, lineIndex === 0 ? gap : 0, BODY_LEADING)));
  if (lines.length < 2) return;
  items[from]!.keepWithNext = true;
  items[items.length - 2]!.keepWithNext = true;
}

/**
 * A link keeps its address on paper: "Text (https://…)" unless the text is the address
 * itself. The href stays on the run, so the painter can make it clickable.
 */
export function withUrls(inlines: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const inline of inlines) {
    out.push(inline);
    if (inline.kind !== 'text' || !inline.href) continue;
    const shown = inline.href.replace(/^mailto:/i, '');
    const next = inlines[inlines.indexOf(inline) + 1];
    const sameLink = next?.kind === 'text' && next.href === inline.href;
    if (!sameLink && !inline.text.includes(shown)) out.push({ kind: 'text', text: ` (${shown})`, bold: false, italic: false, href: inline.href });
  }
  return out;
}

function pushList(items: FlowItem[], block: Extract<Block, { kind: 'list' }>, x: number, width: number, gap: number, hyphenation: Hyphenation): void {
  const indent = 6 * MM;
  const list = newGroup('L');
  block.items.forEach((itemBlocks, itemIndex) => {
    const marker = block.ordered ? `${block.start + itemIndex}.` : '•';
    const before = items.length;
    pushBlocks(items, itemBlocks, x + indent, width - indent, false, hyphenation);
    const firstItem = items[before];
    if (!firstItem) return;
    const draw = firstItem.draw;
    firstItem.spaceBefore = itemIndex === 0 ? gap : 3;
    firstItem.draw = (ops, top) => {
      // The marker first: it is read (and copied) before the item's text.
      ops.push({ kind: 'text', x: x + (block.ordered ? 0 : 1.5 * MM), y: top + BODY_LEADING * 0.8, size: BODY_SIZE, style: 'regular', text: marker });
      draw(ops, top);
    };
    // The item (marker and text, nested blocks included) is one /LI of the list's /L.
    tagFlow(items, before, { role: 'LI', group: newGroup(), parent: list }, true);
  });
}

/** Each footnote as one run of lines (its paragraphs joined, lists left out), by number. */
export function layoutFootnotes(footnotes: Footnote[], hyphenation: Hyphenation = {}): Map<number, FootnoteLayout> {
  const result = new Map<number, FootnoteLayout>();
  const indent = 4.5 * MM;
  for (const note of footnotes) {
    const inlines: Inline[] = [];
    for (const block of note.blocks) {
      if (block.kind === 'list') continue;
      if (inlines.length > 0) inlines.push(plainInline(' '));
      inlines.push(...block.inlines);
    }
    const lines = breakInlines(withUrls(inlines), TEXT_WIDTH - indent, FOOTNOTE_SIZE, 'regular', hyphenation);
    result.set(note.number, { number: note.number, lines, height: lines.length * FOOTNOTE_LEADING + 2 });
  }
  return result;
}

/**
 * The closing formula, one blank line above, kept with the first row of signatures and with
 * the last two lines of the text (never alone at the top or the foot of a page).
 */
export function pushClosing(items: FlowItem[], closing: string): void {
  if (!closing.trim()) return;
  // The last two lines of the text, even when the last paragraph has one line.
  for (const item of items.slice(-2)) item.keepWithNext = true;
  const lines = breakInlines([plainInline(closing)], TEXT_WIDTH, BODY_SIZE, 'regular', 'none');
  const before = items.length;
  lines.forEach((line, index) => items.push({ ...lineItem(line, LEFT, index === 0 ? BODY_LEADING : 0, BODY_LEADING), keepWithNext: true }));
  tagFlow(items, before, { role: 'P', group: newGroup() });
}
