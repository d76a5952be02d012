// The address field (DIN 5008 Form B) and the salutation: the personal part of each letter,
// and the one width and measure of an address line that the addressee directory warns with.
import { t } from '../i18n/index.ts';
import { wrapPlain } from './line-breaking.ts';
import { BODY_SIZE, MM, TEXT_WIDTH, shrinkToFit } from './page-geometry.ts';
import type { Op } from './page-geometry.ts';
import type { LetterModel } from './letter-model.ts';
import { fontMetrics, segment, textWidth } from './text-measure.ts';

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

type Sender = Pick<LetterModel, 'coalitionName' | 'senderAddress' | 'contact'>;

/** The parts of the sender: the coalition, its postal address, else its e-mail address. */
function senderParts({ coalitionName, senderAddress = [], contact }: Sender): string[] {
  const address = senderAddress.map((part) => part.trim()).filter(Boolean);
  return [coalitionName, ...(address.length > 0 ? address : [contact.email])].filter(Boolean);
}

/** Common abbreviations of a postal address, tried before a return line is set on two lines. */
const abbreviate = (text: string) => text.replace(/straße\b/g, 'str.').replace(/Straße\b/g, 'Str.').replace(/\be\.\s?V\./g, 'e.V.');

/**
 * The sender's return line above the address (DIN 5008: 8 pt, at least 6 pt; the width of
 * the field): shrunk, then abbreviated (with a warning), else set on two lines. Never cut.
 */
export function layoutReturnLine(ops: Op[], sender: Sender, warnings: Set<string>): void {
  const parts = senderParts(sender);
  if (!(sender.senderAddress ?? []).some((part) => part.trim())) warnings.add(t('letterLayout.warn.noSenderAddress'));
  const fits = (text: string, size: number) => textWidth(text, 'regular', size) <= ADDRESS.maxWidth;
  let lines = [parts.join(' · ')];
  let size = shrinkToFit(8, 6, 0.25, (s) => fits(lines[0]!, s));
  if (!fits(lines[0]!, size)) {
    const short = abbreviate(lines[0]!);
    if (short !== lines[0]) warnings.add(t('letterLayout.warn.returnLineShortened', { line: short }));
    lines = [short];
    size = shrinkToFit(8, 6, 0.25, (s) => fits(short, s));
    if (!fits(short, size)) {
      // Two lines, broken between the parts where possible (the Vermerkzone has room above).
      const shortParts = parts.map(abbreviate);
      size = shrinkToFit(8, 6, 0.25, (s) => wrapParts(shortParts, s).length <= 2);
      lines = wrapParts(shortParts, size);
    }
  }
  const leading = size * 1.2;
  lines.forEach((line, index) => ops.push({ kind: 'text', x: ADDRESS.x, y: ADDRESS.returnBaseline - (lines.length - 1 - index) * leading, size, style: 'regular', text: line, gray: 0.25 }));
  const underline = ADDRESS.returnBaseline + 1.2;
  const widest = Math.max(...lines.map((line) => textWidth(line, 'regular', size)));
  ops.push({ kind: 'line', x1: ADDRESS.x, y1: underline, x2: ADDRESS.x + Math.min(ADDRESS.maxWidth, widest), y2: underline, width: 0.3, gray: 0.25 });
}

/** Where the sender's footer lines sit: above the personal footer line, left of the QR code. */
export const SENDER_FOOTER = { firstBaseline: 270.5 * MM, leading: 3.1 * MM, maxWidth: TEXT_WIDTH - 20 * MM, size: 7 };

/** The coalition with its postal address and e-mail at the foot of every page (at most two lines, shrunk to fit). */
export function layoutSenderFooter(ops: Op[], model: Sender): void {
  const parts = [...senderParts(model), ...((model.senderAddress ?? []).some((part) => part.trim()) && model.contact.email ? [model.contact.email] : [])];
  if (parts.length === 0) return;
  const size = shrinkToFit(SENDER_FOOTER.size, 5.5, 0.25, (s) => wrapParts(parts, s, SENDER_FOOTER.maxWidth).length <= 2);
  const lines = wrapParts(parts, size, SENDER_FOOTER.maxWidth);
  lines.forEach((line, index) => ops.push({ kind: 'text', x: ADDRESS.x, y: SENDER_FOOTER.firstBaseline + index * SENDER_FOOTER.leading, size, style: 'regular', text: line, gray: 0.3 }));
}

/** Parts joined with " · " into lines of `maxWidth`; a part wider than a line is wrapped between its words. */
function wrapParts(parts: string[], size: number, maxWidth = ADDRESS.maxWidth): string[] {
  const lines: string[] = [];
  let current = '';
  for (const part of parts) {
    const candidate = current ? `${current} · ${part}` : part;
    if (textWidth(candidate, 'regular', size) <= maxWidth) current = candidate;
    else {
      if (current) lines.push(current);
      const pieces = wrapPlain(part, 'regular', size, maxWidth);
      lines.push(...pieces.slice(0, -1));
      current = pieces.at(-1) ?? '';
    }
  }
  if (current) lines.push(current);
  return lines;
}

/** One warning per character of a recipient's texts that no font has (it would print as "�"). */
export function missingGlyphWarnings(texts: string[], label: string): string[] {
  const warnings = new Set<string>();
  for (const text of texts) segment(text, 'regular', (glyph) => warnings.add(t('letterLayout.warn.missingGlyphAddress', { label, char: glyph.char, code: glyph.codePoint.toString(16).toUpperCase().padStart(4, '0') })));
  return [...warnings];
}

export type AddressLayout = { lines: { text: string; y: number; size: number }[]; warnings: string[] };

/**
 * Fits address lines into the Anschriftzone: shrink to ≥ 8 pt, then wrap, then tighten the
 * leading. A `note` ("– zur Weiterleitung an … –") goes on the bottom line of the Zusatz- und
 * Vermerkzone, 8 pt, shrunk to the field's width.
 */
export function layoutAddress(addressLines: string[], label: string, note = ''): AddressLayout {
  const warnings: string[] = [];
  warnings.push(...missingGlyphWarnings([...addressLines, note], label));
  const noteLines: AddressLayout['lines'] = [];
  if (note.trim()) {
    const noteSize = shrinkToFit(8, 6, 0.25, (s) => textWidth(note, 'regular', s) <= ADDRESS.maxWidth);
    const wrapped = wrapPlain(note.trim(), 'regular', noteSize, ADDRESS.maxWidth);
    wrapped.forEach((text, index) => noteLines.push({ text, y: ADDRESS.zoneTop - 2 * MM - (wrapped.length - 1 - index) * noteSize * 1.2, size: noteSize }));
  }
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
  return { lines: [...noteLines, ...lines.map((text, index) => ({ text, y: first + index * leading, size }))], warnings };
}

/** Lines a salutation needs at body size. */
export function salutationLines(salutation: string): string[] {
  return wrapPlain(salutation, 'regular', BODY_SIZE, TEXT_WIDTH);
}
