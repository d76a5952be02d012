// The signature block (one cell per first signatory: signature image, "gez." or a line to
// sign on, then name, function and organisation) and the lists after it (first signatories,
// supporters as flowing text, "Kopie an", "Anlagen").
import { t } from '../i18n/index.ts';
import { fitBox, imageSize } from './images.ts';
import { breakInlines, plainInline, wrapPlain } from './line-breaking.ts';
import type { LetterModel, LetterSignatory, LetterSupporters } from './letter-model.ts';
import { LEFT, MM, TEXT_WIDTH, shrinkToFit } from './page-geometry.ts';
import { textWidth } from './text-measure.ts';
import type { Op } from './page-geometry.ts';
import { lineItem } from './pagination.ts';
import type { FlowItem } from './pagination.ts';

const SIG_AREA = 15 * MM;
const SIG_GAP = 6 * MM;

function signatureColumns(count: number): number {
  if (count <= 4) return 2;
  if (count <= 9) return 3;
  return 4;
}

/** First signatories printed: all of a draft (with placeholders, declined ones marked), only those who signed in a final letter. */
const printedFirstSignatories = (model: LetterModel) => model.signatories.filter((s) => (model.draft || s.signature) && (model.draft || !s.declined));

type Cell = {
  signatory: LetterSignatory;
  /** "gez. Name" (or "abgelehnt") fitted to the cell: shrunk, then on two lines. */
  mark: { lines: string[]; size: number };
  nameLines: string[];
  functionLines: string[];
  orgLines: string[];
  imageKey?: string;
  imageBox?: { w: number; h: number };
  textHeight: number;
  x: number;
};

type Context = { images: Map<string, Uint8Array>; warnings: Set<string>; cellWidth: number };

function signatureCell(signatory: LetterSignatory, index: number, column: number, { images, warnings, cellWidth }: Context): Cell {
  const nameLines = wrapPlain(signatory.name, 'bold', 10, cellWidth);
  const functionLines = signatory.function ? wrapPlain(signatory.function, 'regular', 9, cellWidth) : [];
  const orgLines = wrapPlain(signatory.organisation, 'regular', 9, cellWidth);
  if (orgLines.length > 3 || nameLines.length > 2) warnings.add(t('letterWarn.longName', { name: nameLines.length > 2 ? signatory.name : signatory.organisation }));
  const cell: Cell = { signatory, mark: fitMark(signatory, cellWidth, warnings), nameLines, functionLines, orgLines, textHeight: nameLines.length * 12 + (functionLines.length + orgLines.length) * 11, x: LEFT + column * (cellWidth + SIG_GAP) };
  const image = signatory.signature?.image;
  if (image) {
    const size = imageSize(image);
    if (size) {
      cell.imageKey = `sig:${index}`;
      images.set(cell.imageKey, image);
      cell.imageBox = fitBox(size, cellWidth - 2 * MM, SIG_AREA - 2 * MM);
    } else warnings.add(t('letterWarn.signatureBroken', { name: signatory.name }));
  }
  return cell;
}

/** The text in the signature area: "gez. Name" for a signature without an image, "abgelehnt" for a declined organisation. */
function fitMark(signatory: LetterSignatory, cellWidth: number, warnings: Set<string>): Cell['mark'] {
  const text = signatory.declined ? t('letterLayout.declined') : t('letter.signedAs', { name: signatory.name });
  const size = shrinkToFit(10, 7, 0.5, (s) => textWidth(text, 'italic', s) <= cellWidth);
  if (textWidth(text, 'italic', size) <= cellWidth) {
    if (size < 10 && !signatory.declined) warnings.add(t('letterLayout.warn.signedAsShrunk', { name: signatory.name }));
    return { lines: [text], size };
  }
  warnings.add(t('letterLayout.warn.signedAsShrunk', { name: signatory.name }));
  return { lines: wrapPlain(text, 'italic', 7, cellWidth), size: 7 };
}

function drawCell(ops: Op[], cell: Cell, top: number, cellWidth: number): void {
  const signed = cell.signatory.signature;
  const markLines = (gray?: number) =>
    cell.mark.lines.forEach((line, index) => ops.push({ kind: 'text', x: cell.x, y: top + SIG_AREA - 3 * MM - (cell.mark.lines.length - 1 - index) * cell.mark.size * 1.15, size: cell.mark.size, style: 'italic', text: line, ...(gray === undefined ? {} : { gray }) }));
  if (signed && cell.imageKey && cell.imageBox) {
    ops.push({ kind: 'image', image: cell.imageKey, x: cell.x, y: top + SIG_AREA - 1 * MM - cell.imageBox.h, w: cell.imageBox.w, h: cell.imageBox.h, alt: cell.signatory.name, blend: 'multiply' });
  } else if (signed) {
    markLines();
  } else if (cell.signatory.declined) {
    markLines(0.35);
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

/** One flow item per row of signature cells. */
export function pushSignatures(items: FlowItem[], model: LetterModel, images: Map<string, Uint8Array>, warnings: Set<string>): void {
  const shown = printedFirstSignatories(model);
  if (shown.length === 0) return;
  const columns = signatureColumns(shown.length);
  const context: Context = { images, warnings, cellWidth: (TEXT_WIDTH - (columns - 1) * SIG_GAP) / columns };
  for (let row = 0; row * columns < shown.length; row += 1) {
    const cells = shown.slice(row * columns, row * columns + columns).map((signatory, column) => signatureCell(signatory, row * columns + column, column, context));
    items.push({
      height: SIG_AREA + Math.max(...cells.map((cell) => cell.textHeight)) + 2 * MM,
      spaceBefore: row === 0 ? 3 * MM : 4 * MM,
      draw: (ops, top) => {
        for (const cell of cells) drawCell(ops, cell, top, context.cellWidth);
      },
    });
  }
}

/** The lists after the signatures, each under a bold heading kept with its first entry. */
export function pushTrailingLists(items: FlowItem[], model: LetterModel): void {
  const section = (heading: string, entries: string[]) => {
    if (entries.length === 0) return;
    breakInlines([plainInline(heading, true)], TEXT_WIDTH, 10, 'bold', 'none').forEach((line) => items.push({ ...lineItem(line, LEFT, 5 * MM, 13), keepWithNext: true }));
    for (const entry of entries) for (const line of breakInlines([plainInline(entry)], TEXT_WIDTH, 10, 'regular', 'none')) items.push(lineItem(line, LEFT, 0, 13));
  };
  // The first signatories are printed once, in the signature grid (which names each organisation).
  const supporters = model.supporters ? supportersText(model.supporters) : '';
  if (supporters) {
    // One paragraph under the heading that flows over lines, broken between words only
    // (names are not hyphenated); a line is one flow item, so a long list continues overleaf.
    breakInlines([plainInline(t('letter.supporters'), true)], TEXT_WIDTH, 10).forEach((line) => items.push({ ...lineItem(line, LEFT, 5 * MM, 13), keepWithNext: true }));
    for (const text of wrapBetweenWords(supporters, 10, TEXT_WIDTH)) for (const line of breakInlines([plainInline(text)], TEXT_WIDTH, 10)) items.push(lineItem(line, LEFT, 0, 13));
  }
  const sameLetterTo = model.sameLetterTo ?? [];
  if (sameLetterTo.length > 0) {
    breakInlines([plainInline(t('letterLayout.sameLetterTo'), true)], TEXT_WIDTH, 10, 'bold', 'none').forEach((line) => items.push({ ...lineItem(line, LEFT, 5 * MM, 13), keepWithNext: true }));
    for (const text of wrapBetweenWords(sameLetterTo.join(', '), 10, TEXT_WIDTH)) for (const line of breakInlines([plainInline(text)], TEXT_WIDTH, 10, 'regular', 'none')) items.push(lineItem(line, LEFT, 0, 13));
  }
  section(t('letter.cc'), model.ccLines);
  section(t('letter.attachments'), model.attachmentLines);
}

/** "A, B und C", "A, B, C sowie 1.234 Bürgerinnen und Bürger", "1.234 Bürgerinnen und Bürger"; '' when there is nothing to name. */
export function supportersText({ organisations, citizens }: LetterSupporters): string {
  const names = organisations.map((name) => name.trim()).filter(Boolean);
  const count = citizens ?? 0;
  if (count > 0) {
    return names.length > 0 ? `${names.join(', ')} ${t('letterSupporters.andCitizens', { count })}` : t('letterSupporters.citizens', { count });
  }
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${t('letterSupporters.and')} ${names.at(-1)!}`;
}

/** Greedy, ragged right, breaking only between words; a word wider than the line is wrapped alone. */
function wrapBetweenWords(text: string, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (textWidth(candidate, 'regular', size) <= maxWidth) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    current = word;
    if (textWidth(word, 'regular', size) > maxWidth) {
      const pieces = wrapPlain(word, 'regular', size, maxWidth);
      lines.push(...pieces.slice(0, -1));
      current = pieces.at(-1) ?? '';
    }
  }
  if (current) lines.push(current);
  return lines;
}
