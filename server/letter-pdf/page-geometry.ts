// The page of a DIN 5008 Form B letter on A4 and the drawing operations the layout produces.
// Units are PDF points, y measured from the TOP of the page (the painter flips it).
import type { Style } from './text-measure.ts';
import type { OpTag } from './structure.ts';

export const MM = 72 / 25.4;
export const PAGE = { width: 595.28, height: 841.89 };
export const LEFT = 25 * MM;
export const RIGHT = 190 * MM;
export const TEXT_WIDTH = RIGHT - LEFT;
/** Lowest line of the body (footnotes included); the footer and the QR code sit below. */
export const BODY_BOTTOM = 257 * MM;
/** Where the body continues on the second and later pages. */
export const TOP_FOLLOWING = 25 * MM;

export const BODY_SIZE = 11;
export const BODY_LEADING = 15;
export const PARAGRAPH_GAP = 7;
export const FOOTNOTE_SIZE = 8.5;
export const FOOTNOTE_LEADING = 10.5;

export type Gray = number;

export type TextOp = { kind: 'text'; x: number; y: number; size: number; style: Style; text: string; gray?: Gray; tag?: OpTag };
export type LineOp = { kind: 'line'; x1: number; y1: number; x2: number; y2: number; width: number; gray?: Gray; dash?: boolean; tag?: OpTag };
/** `multiply`: white leaves what is beneath visible (signatures). */
export type ImageOp = { kind: 'image'; image: string; x: number; y: number; w: number; h: number; alt: string; blend?: 'multiply'; tag?: OpTag };
export type DraftOp = { kind: 'draft' };
/** A clickable area (x, y = top left) opening a web address; the address is printed as well. */
export type LinkOp = { kind: 'link'; x: number; y: number; w: number; h: number; url: string; tag?: OpTag };
export type Op = TextOp | LineOp | ImageOp | DraftOp | LinkOp;

/** The largest font size from `start` down to `min` (in `step`s) at which `fits` holds, else `min`. */
export function shrinkToFit(start: number, min: number, step: number, fits: (size: number) => boolean): number {
  let size = start;
  while (size > min && !fits(size)) size -= step;
  return size;
}
