// The address field (DIN 5008 Form B) and the salutation: the personal part of each letter,
// and the one width and measure of an address line that the addressee directory warns with.
import { t } from '../i18n/index.ts';
import { wrapPlain } from './line-breaking.ts';
import { BODY_SIZE, MM, TEXT_WIDTH, shrinkToFit } from './page-geometry.ts';
import type { Op } from './page-geometry.ts';
import { fontMetrics, textWidth } from './text-measure.ts';

/**
 * Usable width of an address line. DIN 5008 Form B: the field is 85 mm wide at x 20 mm; the
 * text starts at 25 mm, so 80 mm are left for it.
 */
export const ADDRESS_LINE_WIDTH_MM = 80;

/**
 * The Anschriftzone (y 62.7–90 mm). domain-conventions §1: body text 10–12 pt, the address may
 * shrink but never below 8 pt; 6 lines of 10 pt with 1.2 leading (25.4 mm) fit the 27.3 mm
 * zone, 11 pt would not.
 */
export const ADDRESS = {
  x: 25 * MM,
  maxWidth: ADDRESS_LINE_WIDTH_MM * MM,
  returnBaseline: 49 * MM,
  zoneTop: 62.7 * MM,
  zoneBottom: 90 * MM,
  size: 10,
  minSize: 8,
  maxLines: 6,
};

/** Width of an address line in points as the PDF sets it: the regular face (and its fallback), no kerning. */
export const addressLineWidth = (line: string, size = ADDRESS.size): number => textWidth(line, 'regular', size);

/** Whether a line is wider than the usable address width; the PDF shrinks or wraps it. */
export const overflowsAddressField = (line: string, size = ADDRESS.size): boolean => addressLineWidth(line, size) > ADDRESS.maxWidth;

/** The sender's return line (8 pt, shrunk to fit) above the address, underlined. */
export function layoutReturnLine(ops: Op[], coalitionName: string, email: string): void {
  const returnLine = [coalitionName, email].filter(Boolean).join(' · ');
  const size = shrinkToFit(8, 6, 0.25, (s) => textWidth(returnLine, 'regular', s) <= ADDRESS.maxWidth);
  ops.push({ kind: 'text', x: ADDRESS.x, y: ADDRESS.returnBaseline, size, style: 'regular', text: returnLine, gray: 0.25 });
  const underline = ADDRESS.returnBaseline + 1.2;
  ops.push({ kind: 'line', x1: ADDRESS.x, y1: underline, x2: ADDRESS.x + Math.min(ADDRESS.maxWidth, textWidth(returnLine, 'regular', size)), y2: underline, width: 0.3, gray: 0.25 });
}

export type AddressLayout = { lines: { text: string; y: number; size: number }[]; warnings: string[] };

/** Fits address lines into the Anschriftzone: shrink to ≥ 8 pt, then wrap, then tighten the leading. */
export function layoutAddress(addressLines: string[], label: string): AddressLayout {
  const warnings: string[] = [];
  const source = addressLines.map((line) => line.trim()).filter(Boolean);
  let size = ADDRESS.size;
  const widest = Math.max(0, ...source.map((line) => addressLineWidth(line)));
  if (widest > ADDRESS.maxWidth) {
    size = Math.max(ADDRESS.minSize, Math.floor(((ADDRESS.size * ADDRESS.maxWidth) / widest) * 4) / 4);
    warnings.push(t('letterWarn.addressShrunk', { label }));
  }
  let lines: string[] = [];
  for (const line of source) {
    if (overflowsAddressField(line, size)) {
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
