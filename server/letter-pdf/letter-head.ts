// The top of the first page: the letterhead (coalition name and a row of logos or short
// names), the information block, the fold and punch marks, and the subject lines.
import { t } from '../i18n/index.ts';
import { formatIsoDate } from '../shared/dates.ts';
import { fitBox, imageSize } from './images.ts';
import { breakInlines, plainInline, wrapPlain } from './line-breaking.ts';
import type { LetterModel, LetterOrganisation } from './letter-model.ts';
import { BODY_LEADING, BODY_SIZE, LEFT, MM, RIGHT, TEXT_WIDTH, shrinkToFit } from './page-geometry.ts';
import type { Op } from './page-geometry.ts';
import { lineItem } from './pagination.ts';
import { textWidth } from './text-measure.ts';

type Sink = { ops: Op[]; images: Map<string, Uint8Array>; warnings: Set<string> };

/** The coalition's name (15 pt, shrunk to 11 pt, at most two lines) and the row of its members below. */
export function layoutLetterhead(model: LetterModel, sink: Sink): void {
  const name = model.coalitionName;
  const headSize = shrinkToFit(15, 11, 0.5, (size) => textWidth(name, 'bold', size) <= TEXT_WIDTH);
  // Two lines at most: smaller still (down to 8 pt) before a third line would be needed.
  const size2 = shrinkToFit(headSize, 8, 0.5, (size) => wrapPlain(name, 'bold', size, TEXT_WIDTH).length <= 2);
  const headLines = wrapPlain(name, 'bold', size2, TEXT_WIDTH);
  headLines.forEach((line, index) => sink.ops.push({ kind: 'text', x: LEFT, y: 15 * MM + index * size2 * 1.15, size: size2, style: 'bold', text: line }));
  layoutMembers(model.organisations, sink, 15 * MM + (headLines.length - 1) * size2 * 1.15 + 5 * MM);
}

/** The letterhead ends above the Zusatz- und Vermerkzone (45 mm), where the return line begins. */
const HEAD_BOTTOM = 43.5 * MM;

function layoutMembers(orgs: LetterOrganisation[], sink: Sink, top: number): void {
  if (orgs.length === 0) return;
  let rowHeight = Math.min(12 * MM, HEAD_BOTTOM - 2.5 * MM - top);
  if (orgs.length > 12) {
    sink.warnings.add(t('letterWarn.tooManyLogos', { count: orgs.length }));
    // Every name, on as many lines as the space allows: smaller before any is left out.
    const names = orgs.map((org) => org.shortName || org.name);
    const room = HEAD_BOTTOM - 2.5 * MM - top - 1.5 * MM;
    const size = shrinkToFit(8, 5, 0.25, (s) => joinedLines(names, s).length * s * 1.2 <= room);
    const lines = joinedLines(names, size);
    if (lines.length * size * 1.2 > room) sink.warnings.add(t('letterLayout.warn.letterheadTooLong', { count: orgs.length }));
    lines.forEach((line, index) => sink.ops.push({ kind: 'text', x: LEFT, y: top + 1.5 * MM + size + index * size * 1.2, size, style: 'regular', text: line, gray: 0.2 }));
    rowHeight = Math.min(room + 1.5 * MM, 1.5 * MM + lines.length * size * 1.2 + 1 * MM);
  } else {
    const cell = TEXT_WIDTH / Math.max(orgs.length, 6);
    orgs.forEach((org, index) => memberCell(org, index, { x: LEFT + index * cell, top, width: cell - 3 * MM, height: rowHeight }, sink));
  }
  sink.ops.push({ kind: 'line', x1: LEFT, y1: top + rowHeight + 2.5 * MM, x2: RIGHT, y2: top + rowHeight + 2.5 * MM, width: 0.5, gray: 0.5 });
}

/** Names joined with " · " into lines of the text width; a name is broken only when it is wider than a line. */
function joinedLines(names: string[], size: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const name of names) {
    const candidate = current ? `${current} · ${name}` : name;
    if (textWidth(candidate, 'regular', size) <= TEXT_WIDTH) current = candidate;
    else {
      if (current) lines.push(current);
      const pieces = wrapPlain(name, 'regular', size, TEXT_WIDTH);
      lines.push(...pieces.slice(0, -1));
      current = pieces.at(-1) ?? '';
    }
  }
  if (current) lines.push(current);
  return lines;
}

/** A member's logo, centred in its cell, or its short name when there is no usable logo. */
function memberCell(org: LetterOrganisation, index: number, box: { x: number; top: number; width: number; height: number }, { ops, images, warnings }: Sink): void {
  const size = org.logo ? imageSize(org.logo) : undefined;
  if (org.logoMissing) warnings.add(t('letterWarn.logoMissing', { name: org.name }));
  if (org.logo && !size) warnings.add(t('letterWarn.logoBroken', { name: org.name }));
  if (org.logo && size) {
    const key = `logo:${index}`;
    images.set(key, org.logo);
    const fitted = fitBox(size, box.width, box.height);
    ops.push({ kind: 'image', image: key, x: box.x + (box.width - fitted.w) / 2, y: box.top + (box.height - fitted.h) / 2, w: fitted.w, h: fitted.h, alt: org.shortName || org.name });
    return;
  }
  const label = org.shortName || org.name;
  // One line at 9 to 6 pt, else two lines (down to 5 pt); never cut.
  const oneLine = shrinkToFit(9, 6, 0.5, (s) => textWidth(label, 'bold', s) <= box.width);
  const labelSize = textWidth(label, 'bold', oneLine) <= box.width ? oneLine : shrinkToFit(9, 5, 0.5, (s) => wrapPlain(label, 'bold', s, box.width).length <= 2);
  const lines = wrapPlain(label, 'bold', labelSize, box.width);
  lines.forEach((line, lineIndex) =>
    ops.push({ kind: 'text', x: box.x + (box.width - textWidth(line, 'bold', labelSize)) / 2, y: box.top + box.height / 2 + lineIndex * labelSize * 1.1, size: labelSize, style: 'bold', text: line, gray: 0.2 }),
  );
}

/**
 * The information block at 125 mm (contact, reference, place and date); returns where it ends.
 * A value is never cut: it wraps, and a value that cannot wrap (an e-mail address) shrinks or
 * moves under its label, where it has the block's whole width.
 */
export function layoutInfoBlock(model: LetterModel, ops: Op[], warnings: Set<string>): number {
  const labelX = 125 * MM;
  const valueX = 153 * MM;
  const valueWidth = RIGHT - valueX;
  const fullWidth = RIGHT - labelX;
  const rows: [string, string][] = [];
  if (model.contact.name) rows.push([t('letter.contact'), model.contact.name]);
  if (model.contact.function) rows.push(['', model.contact.function]);
  if (model.contact.phone) rows.push([t('letter.phone'), model.contact.phone]);
  if (model.contact.email) rows.push([t('letter.email'), model.contact.email]);
  if (model.reference) rows.push([t('letter.reference'), model.reference]);
  const date = formatIsoDate(model.letterDate);
  rows.push([t('letter.date'), model.place ? t('letterLayout.placeDate', { place: model.place, date }) : date]);
  let y = 53 * MM;
  const lineStep = 4.3 * MM;
  for (const [label, value] of rows) {
    if (label) ops.push({ kind: 'text', x: labelX, y, size: 8, style: 'regular', text: label, gray: 0.35 });
    let x = valueX;
    let width = valueWidth;
    let size = shrinkToFit(9, 7, 0.25, (s) => textWidth(value, 'regular', s) <= width);
    const unbreakable = !/\s/.test(value.trim());
    if (unbreakable && textWidth(value, 'regular', size) > width) {
      // Under the label, across the block.
      y += label ? lineStep * 0.85 : 0;
      x = labelX;
      width = fullWidth;
      size = shrinkToFit(9, 6, 0.25, (s) => textWidth(value, 'regular', s) <= width);
      if (size < 7) warnings.add(t('letterLayout.warn.infoValueLong', { value }));
    }
    for (const line of wrapPlain(value, 'regular', size, width)) {
      ops.push({ kind: 'text', x, y, size, style: 'regular', text: line });
      y += lineStep;
    }
  }
  return y - 2 * MM;
}

/** Fold marks at 105 and 210 mm and the punch mark at the middle of the left edge. */
export function layoutFoldMarks(ops: Op[]): void {
  for (const mm of [105, 210]) ops.push({ kind: 'line', x1: 4 * MM, y1: mm * MM, x2: 8 * MM, y2: mm * MM, width: 0.4, gray: 0.4 });
  ops.push({ kind: 'line', x1: 4 * MM, y1: 148.5 * MM, x2: 10 * MM, y2: 148.5 * MM, width: 0.4, gray: 0.4 });
}

/** The title in bold and the subtitle lines, from `top`; returns the top of what follows. */
export function layoutSubject(model: LetterModel, ops: Op[], top: number): number {
  let y = top;
  const lines = [plainInline(model.title, true), ...model.subtitleLines.map((subtitle) => plainInline(subtitle))].flatMap((inline) => breakInlines([inline], TEXT_WIDTH, BODY_SIZE));
  for (const line of lines) {
    lineItem(line, LEFT, 0, BODY_LEADING).draw(ops, y);
    y += BODY_LEADING;
  }
  return y;
}
