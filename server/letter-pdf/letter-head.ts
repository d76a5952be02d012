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
  const headLines = wrapPlain(name, 'bold', headSize, TEXT_WIDTH).slice(0, 2);
  headLines.forEach((line, index) => sink.ops.push({ kind: 'text', x: LEFT, y: 15 * MM + index * headSize * 1.15, size: headSize, style: 'bold', text: line }));
  layoutMembers(model.organisations, sink, 15 * MM + (headLines.length - 1) * headSize * 1.15 + 5 * MM);
}

function layoutMembers(orgs: LetterOrganisation[], sink: Sink, top: number): void {
  if (orgs.length === 0) return;
  const rowHeight = Math.min(12 * MM, 40 * MM - top);
  if (orgs.length > 12) {
    sink.warnings.add(t('letterWarn.tooManyLogos', { count: orgs.length }));
    const names = wrapPlain(orgs.map((org) => org.shortName || org.name).join(' · '), 'regular', 8, TEXT_WIDTH).slice(0, 3);
    names.forEach((line, index) => sink.ops.push({ kind: 'text', x: LEFT, y: top + 3 * MM + index * 9.5, size: 8, style: 'regular', text: line, gray: 0.2 }));
  } else {
    const cell = TEXT_WIDTH / Math.max(orgs.length, 6);
    orgs.forEach((org, index) => memberCell(org, index, { x: LEFT + index * cell, top, width: cell - 3 * MM, height: rowHeight }, sink));
  }
  sink.ops.push({ kind: 'line', x1: LEFT, y1: top + rowHeight + 2.5 * MM, x2: RIGHT, y2: top + rowHeight + 2.5 * MM, width: 0.5, gray: 0.5 });
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
  const labelSize = shrinkToFit(9, 6, 0.5, (s) => textWidth(label, 'bold', s) <= box.width);
  const lines = wrapPlain(label, 'bold', labelSize, box.width).slice(0, 2);
  lines.forEach((line, lineIndex) =>
    ops.push({ kind: 'text', x: box.x + (box.width - textWidth(line, 'bold', labelSize)) / 2, y: box.top + box.height / 2 + lineIndex * labelSize * 1.1, size: labelSize, style: 'bold', text: line, gray: 0.2 }),
  );
}

/** The information block at 125 mm (contact, reference, date); returns where it ends. */
export function layoutInfoBlock(model: LetterModel, ops: Op[]): number {
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
    const size = shrinkToFit(9, 7, 0.25, (s) => textWidth(value, 'regular', s) <= valueWidth);
    for (const line of wrapPlain(value, 'regular', size, valueWidth).slice(0, 2)) {
      ops.push({ kind: 'text', x: valueX, y, size, style: 'regular', text: line });
      y += 4.3 * MM;
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
