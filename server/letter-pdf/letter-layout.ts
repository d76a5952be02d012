// The layout engine: turns a LetterModel into positioned drawing operations on A4 pages
// (DIN 5008 Form B). Pure: no pdf-lib, no database. The parts live in their own modules:
// page geometry, line breaking, letterhead, address field, body, signature block, pagination.
import { t } from '../i18n/index.ts';
import { ADDRESS, layoutReturnLine, layoutSenderFooter } from './address-field.ts';
import { layoutFootnotes, pushBlocks, pushClosing } from './letter-body.ts';
import { layoutFoldMarks, layoutInfoBlock, layoutLetterhead, layoutSubject } from './letter-head.ts';
import type { LetterModel } from './letter-model.ts';
import { printedTexts } from './letter-text.ts';
import { BODY_LEADING, LEFT, MM, TEXT_WIDTH, TOP_FOLLOWING } from './page-geometry.ts';
import type { Op } from './page-geometry.ts';
import { addPageFurniture, paginate } from './pagination.ts';
import type { FlowItem } from './pagination.ts';
import { pushSignatures, pushTrailingLists } from './signature-block.ts';
import { segment } from './text-measure.ts';
import { tagOps } from './structure.ts';

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

/** Reports characters no font has anywhere in the letter. */
function reportMissingGlyphs(model: LetterModel, warnings: Set<string>): void {
  const { contact } = model;
  const texts = [
    model.title,
    ...model.subtitleLines,
    ...printedTexts(model.text),
    model.closing,
    model.coalitionName,
    ...(model.senderAddress ?? []),
    model.place ?? '',
    model.reference,
    contact.name,
    contact.function,
    contact.email,
    contact.phone,
    ...model.organisations.flatMap((org) => [org.name, org.shortName]),
    ...model.signatories.flatMap((s) => [s.name, s.function, s.organisation]),
    ...(model.supporters?.organisations ?? []),
    ...(model.sameLetterTo ?? []),
    ...model.ccLines,
    ...model.attachmentLines,
  ];
  for (const value of texts) {
    segment(value, 'regular', (glyph) => warnings.add(t('letterWarn.missingGlyph', { char: glyph.char, code: glyph.codePoint.toString(16).toUpperCase().padStart(4, '0') })));
  }
}

/** A last page filled less than this (about seven lines) is worth a tighter reflow. */
const NEAR_EMPTY = 30 * MM;

/** The words of names (coalition, organisations, people): never hyphenated in the body. */
function protectedWords(model: LetterModel): Set<string> {
  const names = [model.coalitionName, model.contact.name, ...model.organisations.flatMap((org) => [org.name, org.shortName]), ...model.signatories.flatMap((s) => [s.name, s.organisation]), ...(model.supporters?.organisations ?? []), ...(model.sameLetterTo ?? [])];
  const words = new Set<string>();
  for (const name of names) for (const word of name.split(/[\s,;:()„“"]+/)) if (word.length >= 6) {
    words.add(word);
    for (const part of word.split('-')) if (part.length >= 6) words.add(part);
  }
  return words;
}

/** Lays the shared letter out once. Warnings are German sentences for the organiser. */
export function layoutLetter(model: LetterModel, options: LayoutOptions): LayoutResult {
  const warnings = new Set<string>();
  const images = new Map<string, Uint8Array>();
  reportMissingGlyphs(model, warnings);

  const first: Op[] = [];
  const pages: Op[][] = [first];
  layoutLetterhead(model, { ops: first, images, warnings });
  layoutReturnLine(first, model, warnings);
  const infoBottom = layoutInfoBlock(model, first, warnings);
  layoutFoldMarks(first);
  const subjectFrom = first.length;
  let startTop = layoutSubject(model, first, Math.max(ADDRESS.zoneBottom, infoBottom) + 8.5 * MM);
  tagOps(first, subjectFrom, { role: 'H1', group: 'subject' });

  // Two blank lines, the salutation (personal), one blank line.
  startTop += 1.6 * BODY_LEADING;
  const salutation = { y: startTop + BODY_LEADING * 0.8, lines: Math.max(1, options.salutationLines) };
  startTop += salutation.lines * BODY_LEADING + 0.6 * BODY_LEADING;

  // Names are never hyphenated, not even where the text mentions them.
  const hyphenation = { protect: protectedWords(model) };
  const items: FlowItem[] = [];
  pushBlocks(items, model.text.blocks, LEFT, TEXT_WIDTH, true, hyphenation);
  pushClosing(items, model.closing);
  pushSignatures(items, model, images, warnings);
  pushTrailingLists(items, model);
  const notes = layoutFootnotes(model.text.footnotes, hyphenation);
  const head = [...first];
  const filled = paginate(pages, items, startTop, notes);
  if (pages.length > 1 && filled - TOP_FOLLOWING < NEAR_EMPTY) {
    // A near-empty last page: the same flow with tighter gaps, taken when it saves the page.
    const tight: Op[][] = [[...head]];
    paginate(tight, items, startTop, notes, 0.4);
    if (tight.length < pages.length) pages.splice(0, pages.length, ...tight);
  }
  addPageFurniture(pages, model);
  for (const page of pages) layoutSenderFooter(page, model);

  if (pages.length > 4) warnings.add(t('letterWarn.manyPages', { pages: pages.length }));
  if (model.signatories.length === 0) warnings.add(t('letterWarn.noSignatories'));
  return { pages, salutation, warnings: [...warnings], images };
}
