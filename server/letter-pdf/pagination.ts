// Pagination: the body flows as items (lines, signature rows) onto pages, keeps headings with
// what follows, sets each page's footnotes at its foot, and adds the page furniture (page
// numbers, running head, draft mark).
import { t } from '../i18n/index.ts';
import { formatIsoDate } from '../shared/dates.ts';
import type { Line } from './line-breaking.ts';
import { BODY_BOTTOM, FOOTNOTE_LEADING, FOOTNOTE_SIZE, LEFT, MM, RIGHT, TEXT_WIDTH, TOP_FOLLOWING, shrinkToFit } from './page-geometry.ts';
import type { Op } from './page-geometry.ts';
import { textWidth } from './text-measure.ts';

/** A piece of the flow that is never split across pages. */
export type FlowItem = {
  height: number;
  spaceBefore: number;
  keepWithNext?: boolean;
  footnotes?: number[];
  draw: (ops: Op[], top: number) => void;
};

/** A broken line as a flow item; `extra` draws more at its baseline (a list marker). */
export function lineItem(line: Line, x: number, spaceBefore: number, leading: number, extra?: (ops: Op[], baseline: number) => void): FlowItem {
  const ascent = leading * 0.8;
  return {
    height: leading,
    spaceBefore,
    footnotes: line.footnotes,
    draw: (ops, top) => {
      const baseline = top + ascent;
      for (const frag of line.frags) {
        ops.push({ kind: 'text', x: x + frag.dx, y: baseline - frag.rise, size: frag.size, style: frag.style, text: frag.text });
        if (frag.href) ops.push({ kind: 'link', x: x + frag.dx, y: baseline - frag.size * 0.85, w: textWidth(frag.text, frag.style, frag.size), h: frag.size * 1.1, url: frag.href });
      }
      extra?.(ops, baseline);
    },
  };
}

export type FootnoteLayout = { number: number; lines: Line[]; height: number };

const footnoteHeight = (notes: Map<number, FootnoteLayout>, numbers: number[]) =>
  numbers.length === 0 ? 0 : 4 * MM + numbers.reduce((sum, n) => sum + (notes.get(n)?.height ?? 0), 0);

function drawFootnotes(ops: Op[], notes: Map<number, FootnoteLayout>, numbers: number[]): void {
  if (numbers.length === 0) return;
  let top = BODY_BOTTOM - footnoteHeight(notes, numbers) + 4 * MM;
  ops.push({ kind: 'line', x1: LEFT, y1: top - 2.5 * MM, x2: LEFT + 40 * MM, y2: top - 2.5 * MM, width: 0.5 });
  for (const n of numbers) {
    const note = notes.get(n);
    if (!note) continue;
    note.lines.forEach((line, index) => {
      const baseline = top + FOOTNOTE_LEADING * 0.8 + index * FOOTNOTE_LEADING;
      const tag = { role: 'Note', group: `note${n}` } as const;
      if (index === 0) ops.push({ kind: 'text', x: LEFT, y: baseline - 2.5, size: FOOTNOTE_SIZE * 0.8, style: 'regular', text: String(n), tag });
      for (const frag of line.frags) ops.push({ kind: 'text', x: LEFT + 4.5 * MM + frag.dx, y: baseline - frag.rise, size: frag.size, style: frag.style, text: frag.text, tag });
    });
    top += note.height;
  }
}

/**
 * Height an item needs together with the items it keeps with (headings, paragraph ends, the
 * closing with the text before and the signatures after). A chain taller than `limit` (a
 * page) cannot be kept and counts as the item alone.
 */
function heightWithKept(items: FlowItem[], i: number, limit: number): number {
  let need = items[i]!.height;
  let j = i;
  while (items[j]?.keepWithNext && items[j + 1]) {
    need += items[j + 1]!.spaceBefore + items[j + 1]!.height;
    j += 1;
    if (need > limit) return items[i]!.height;
  }
  return need;
}

/**
 * Draws the items onto `pages` (the first page given, more added as needed), starting at
 * `startTop`; returns how far the last page is filled. `spaceScale` tightens the gaps
 * between items (a reflow that saves a near-empty last page).
 */
export function paginate(pages: Op[][], items: FlowItem[], startTop: number, notes: Map<number, FootnoteLayout>, spaceScale = 1): number {
  let pageIndex = pages.length - 1;
  let y = startTop;
  let pageFootnotes: number[] = [];
  const topOfPage = () => (pageIndex === 0 ? startTop : TOP_FOLLOWING);
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i]!;
    const need = heightWithKept(items, i, BODY_BOTTOM - TOP_FOLLOWING);
    const pending = [...pageFootnotes, ...(item.footnotes ?? []).filter((n) => !pageFootnotes.includes(n))];
    const atTop = y <= topOfPage() + 0.01;
    const space = atTop ? 0 : item.spaceBefore * spaceScale;
    if (!atTop && y + space + need > BODY_BOTTOM - footnoteHeight(notes, pending)) {
      drawFootnotes(pages[pageIndex]!, notes, pageFootnotes);
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
  drawFootnotes(pages[pageIndex]!, notes, pageFootnotes);
  return y;
}

/**
 * Page numbers on every page, the running head from page 2, and the draft marks. A draft's
 * page number reads "ENTWURF · Seite 2 von 3" as one run, so the mark copies as one text.
 */
export function addPageFurniture(pages: Op[][], { coalitionName, letterDate, draft }: { coalitionName: string; letterDate: string; draft: boolean }): void {
  pages.forEach((ops, index) => {
    const pageLabel = t('letter.page', { page: index + 1, pages: pages.length });
    const label = draft ? t('letterLayout.draftPage', { page: pageLabel }) : pageLabel;
    ops.push({ kind: 'text', x: RIGHT - textWidth(label, 'regular', 8), y: 263 * MM, size: 8, style: 'regular', text: label, gray: 0.25 });
    if (index > 0) {
      const head = `${coalitionName} · ${formatIsoDate(letterDate)}`;
      const size = shrinkToFit(8, 6, 0.25, (s) => textWidth(head, 'regular', s) <= TEXT_WIDTH);
      ops.push({ kind: 'text', x: LEFT, y: 14 * MM, size, style: 'regular', text: head, gray: 0.35 });
    }
    if (draft) ops.push({ kind: 'draft' });
  });
  if (draft) {
    const note = t('letter.draftNote');
    pages[0]!.push({ kind: 'text', x: RIGHT - textWidth(note, 'bold', 9), y: 8 * MM, size: 9, style: 'bold', text: note, gray: 0.2 });
  }
}
