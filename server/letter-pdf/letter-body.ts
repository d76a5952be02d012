// The body of the letter as flow items: paragraphs, headings and lists of the text tree, the
// footnotes (set at the foot of their page), and the closing formula.
import { breakInlines, plainInline } from './line-breaking.ts';
import type { Block, Footnote, Inline } from './letter-text.ts';
import { BODY_LEADING, BODY_SIZE, FOOTNOTE_LEADING, FOOTNOTE_SIZE, LEFT, MM, PARAGRAPH_GAP, TEXT_WIDTH } from './page-geometry.ts';
import { lineItem } from './pagination.ts';
import type { FlowItem, FootnoteLayout } from './pagination.ts';
import { newGroup, tagFlow } from './structure.ts';

/** Appends the blocks as flow items; nested blocks (list items) start without a gap. */
export function pushBlocks(items: FlowItem[], blocks: Block[], x: number, width: number, topLevel: boolean): void {
  blocks.forEach((block, index) => {
    const gap = index === 0 && !topLevel ? 0 : PARAGRAPH_GAP;
    const before = items.length;
    switch (block.kind) {
      case 'paragraph': {
        const lines = breakInlines(block.inlines, width, BODY_SIZE);
        lines.forEach((line, lineIndex) => items.push(lineItem(line, x, lineIndex === 0 ? gap : 0, BODY_LEADING)));
        tagFlow(items, before, { role: 'P', group: newGroup() });
        break;
      }
      case 'heading': {
        const size = block.level === 1 ? 12 : BODY_SIZE;
        const lines = breakInlines(block.inlines, width, size, 'bold');
        lines.forEach((line, lineIndex) => items.push({ ...lineItem(line, x, lineIndex === 0 ? gap + 4 : 0, BODY_LEADING), keepWithNext: true }));
        tagFlow(items, before, { role: 'H2', group: newGroup() });
        break;
      }
      case 'list':
        pushList(items, block, x, width, gap);
        break;
    }
  });
}

function pushList(items: FlowItem[], block: Extract<Block, { kind: 'list' }>, x: number, width: number, gap: number): void {
  const indent = 6 * MM;
  const list = newGroup('L');
  block.items.forEach((itemBlocks, itemIndex) => {
    const marker = block.ordered ? `${block.start + itemIndex}.` : '•';
    const before = items.length;
    pushBlocks(items, itemBlocks, x + indent, width - indent, false);
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
export function layoutFootnotes(footnotes: Footnote[]): Map<number, FootnoteLayout> {
  const result = new Map<number, FootnoteLayout>();
  const indent = 4.5 * MM;
  for (const note of footnotes) {
    const inlines: Inline[] = [];
    for (const block of note.blocks) {
      if (block.kind === 'list') continue;
      if (inlines.length > 0) inlines.push(plainInline(' '));
      inlines.push(...block.inlines);
    }
    const lines = breakInlines(inlines, TEXT_WIDTH - indent, FOOTNOTE_SIZE);
    result.set(note.number, { number: note.number, lines, height: lines.length * FOOTNOTE_LEADING + 2 });
  }
  return result;
}

/** The closing formula, one blank line above, kept with the signatures. */
export function pushClosing(items: FlowItem[], closing: string): void {
  if (!closing.trim()) return;
  const lines = breakInlines([plainInline(closing)], TEXT_WIDTH, BODY_SIZE);
  const before = items.length;
  lines.forEach((line, index) => items.push({ ...lineItem(line, LEFT, index === 0 ? BODY_LEADING : 0, BODY_LEADING), keepWithNext: true }));
  tagFlow(items, before, { role: 'P', group: newGroup() });
}
