// The "Zeichnungsnachweis": a PDF per appeal that records who signed which text, how and when,
// and the head of the audit chain it can be checked against. DIN A4 in the letter's look
// (coalition name as letterhead, page numbers, verification line), one block per first
// signatory that never splits across pages. Knows no domain: it renders the plain model it is given.
import { saveSealed } from './seal.ts';
import type { SealSettings } from './seal.ts';
import type { PDFImage } from 'pdf-lib';
import { t } from '../i18n/index.ts';
import { formatDateTime, isoDate } from '../shared/dates.ts';
import { fitBox, imageSize } from './images.ts';
import { wrapPlain } from './line-breaking.ts';
import { LEFT, MM, PAGE, RIGHT, TEXT_WIDTH, shrinkToFit } from './page-geometry.ts';
import type { Op } from './page-geometry.ts';
import { addPageFurniture, paginate } from './pagination.ts';
import type { FlowItem } from './pagination.ts';
import { createFonts, createPdfDocument, footerLine, paint } from './letter-render.ts';
import { tagPages, type TagRole } from './structure.ts';
import { textWidth } from './text-measure.ts';
import type { Style } from './text-measure.ts';

export type SigningRecordSignature = {
  organisation: string;
  representative: string;
  function: string;
  /** How the signature was given: typed name ("gez."), drawn on the pad, or an uploaded image. */
  method: 'typed' | 'drawn' | 'image';
  /** Key into `images` of the drawn or uploaded signature (printed small); absent for typed. */
  image?: string;
  /** ISO time of the signature. */
  signedAt: string;
  versionNumber: number;
  versionHash: string;
};

export type SigningRecordModel = {
  slug: string;
  coalitionName: string;
  title: string;
  /** The text version the signatures count for. */
  version: { number: number; hash: string; frozenAt: string };
  /** ISO time the appeal was finalised (or '' while it is not). */
  finalisedAt: string;
  /** The newest event of the appeal's audit chain when the record was issued: its hash and time. */
  auditHead: { hash: string; at: string; events: number };
  /** ISO time of issue (the injected clock). */
  issuedAt: string;
  signatures: SigningRecordSignature[];
  /** Signature images by key (PNG or JPEG bytes, already re-encoded at upload). */
  images: Record<string, Uint8Array>;
  /** Verification code printed in the footer of every page, and the base of its URL. */
  code: string;
  baseUrl: string;
  /** The electronic seal (SEAL_P12_FILE), applied as to the letters; absent: not sealed. */
  seal?: SealSettings;
};

const LEADING = 13;
const SMALL = 9;
const LABEL_WIDTH = 40 * MM;
const IMAGE = { w: 30 * MM, h: 10 * MM };

type Row = { label: string; value: string; mono?: boolean };

/** A label and its value (wrapped in the value column) as lines of text ops; returns the height. */
function drawRow(ops: Op[], row: Row, x: number, top: number, width: number): number {
  const size = row.mono ? 7.5 : SMALL;
  const lines = row.mono ? hashLines(row.value, width - LABEL_WIDTH, size) : wrapPlain(row.value, 'regular', SMALL, width - LABEL_WIDTH);
  ops.push({ kind: 'text', x, y: top + LEADING * 0.8, size: SMALL, style: 'regular', text: row.label, gray: 0.35, tag: 'P' });
  lines.forEach((line, index) => ops.push({ kind: 'text', x: x + LABEL_WIDTH, y: top + LEADING * 0.8 + index * LEADING, size, style: 'regular', text: line, tag: 'P' }));
  return lines.length * LEADING;
}

const rowHeight = (row: Row, width: number) => (row.mono ? hashLines(row.value, width - LABEL_WIDTH, 7.5) : wrapPlain(row.value, 'regular', SMALL, width - LABEL_WIDTH)).length * LEADING;

/** A hash value on as few lines as it needs (it has no spaces to wrap at). */
function hashLines(value: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let rest = value;
  while (rest) {
    let cut = rest.length;
    while (cut > 8 && textWidth(rest.slice(0, cut), 'regular', size) > width) cut -= 8;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  return lines.length ? lines : [''];
}

function textItem(text: string, style: Style, size: number, leading: number, spaceBefore: number, tag: TagRole, keepWithNext = false): FlowItem[] {
  return wrapPlain(text, style, size, TEXT_WIDTH).map((line, index) => ({
    height: leading,
    spaceBefore: index === 0 ? spaceBefore : 0,
    keepWithNext: keepWithNext || undefined,
    draw: (ops: Op[], top: number) => ops.push({ kind: 'text', x: LEFT, y: top + leading * 0.8, size, style, text: line, tag }),
  })) as FlowItem[];
}

const methodLabel = (signature: SigningRecordSignature) =>
  signature.method === 'typed' ? t('signingRecord.method.typed', { name: signature.representative }) : t(signature.method === 'drawn' ? 'signingRecord.method.drawn' : 'signingRecord.method.image');

/** One signatory as one block (never split): organisation, representative, declaration, method, time, version. */
function signatureItem(signature: SigningRecordSignature, index: number, images: Record<string, Uint8Array>): FlowItem {
  const hasImage = signature.image !== undefined && images[signature.image] !== undefined;
  const width = TEXT_WIDTH - (hasImage ? IMAGE.w + 4 * MM : 0);
  const heading = wrapPlain(`${index + 1}. ${signature.organisation}`, 'bold', 10.5, width);
  const rows: Row[] = [
    { label: t('signingRecord.representative'), value: [signature.representative, signature.function].filter(Boolean).join(', ') },
    { label: t('signingRecord.declaration'), value: t('signingRecord.declared', { organisation: signature.organisation }) },
    { label: t('signingRecord.method'), value: methodLabel(signature) },
    { label: t('signingRecord.signedAt'), value: t('signingRecord.time', { time: formatDateTime(new Date(signature.signedAt)) }) },
    { label: t('signingRecord.version'), value: t('signingRecord.versionValue', { number: signature.versionNumber }) },
    { label: t('signingRecord.versionHash'), value: signature.versionHash, mono: true },
  ];
  const textHeight = heading.length * 14 + rows.reduce((sum, row) => sum + rowHeight(row, width), 0);
  const height = Math.max(textHeight, hasImage ? IMAGE.h + 2 * MM : 0) + 2 * MM;
  return {
    height,
    spaceBefore: 5 * MM,
    draw: (ops, top) => {
      ops.push({ kind: 'line', x1: LEFT, y1: top - 2.5 * MM, x2: RIGHT, y2: top - 2.5 * MM, width: 0.3, gray: 0.75 });
      let y = top;
      for (const line of heading) {
        ops.push({ kind: 'text', x: LEFT, y: y + 11, size: 10.5, style: 'bold', text: line, tag: 'H2' });
        y += 14;
      }
      for (const row of rows) y += drawRow(ops, row, LEFT, y, width);
      if (hasImage) {
        const size = imageSize(images[signature.image!]!) ?? { width: 3, height: 1 };
        const box = fitBox(size, IMAGE.w, IMAGE.h);
        ops.push({ kind: 'image', image: signature.image!, x: RIGHT - box.w, y: top + 1 * MM, w: box.w, h: box.h, alt: t('signingRecord.imageAlt', { name: signature.representative }) });
      }
    },
  };
}

/** The pages of the record as drawing operations (pure, like the letter's layout). */
export function layoutSigningRecord(model: SigningRecordModel): Op[][] {
  const first: Op[] = [];
  const pages: Op[][] = [first];
  const headSize = shrinkToFit(15, 11, 0.5, (size) => textWidth(model.coalitionName, 'bold', size) <= TEXT_WIDTH);
  wrapPlain(model.coalitionName, 'bold', headSize, TEXT_WIDTH)
    .slice(0, 2)
    .forEach((line, index) => first.push({ kind: 'text', x: LEFT, y: 15 * MM + index * headSize * 1.15, size: headSize, style: 'bold', text: line, tag: 'P' }));
  first.push({ kind: 'line', x1: LEFT, y1: 27 * MM, x2: RIGHT, y2: 27 * MM, width: 0.5, gray: 0.5 });

  const items: FlowItem[] = [
    ...textItem(t('signingRecord.title'), 'bold', 16, 20, 0, 'H1', true),
    ...textItem(model.title, 'bold', 11, 15, 1 * MM, 'P'),
    ...textItem(t('signingRecord.intro', { count: model.signatures.length }), 'regular', 10, 13.5, 3 * MM, 'P'),
  ];
  const facts: Row[] = [
    { label: t('signingRecord.textVersion'), value: t('signingRecord.versionFrozen', { number: model.version.number, time: formatDateTime(new Date(model.version.frozenAt)) }) },
    { label: t('signingRecord.versionHash'), value: model.version.hash, mono: true },
    ...(model.finalisedAt ? [{ label: t('signingRecord.finalisedAt'), value: t('signingRecord.time', { time: formatDateTime(new Date(model.finalisedAt)) }) }] : []),
    { label: t('signingRecord.auditHead'), value: model.auditHead.hash, mono: true },
    { label: t('signingRecord.auditHeadAt'), value: t('signingRecord.auditHeadValue', { time: formatDateTime(new Date(model.auditHead.at)), count: model.auditHead.events }) },
    { label: t('signingRecord.issuedAt'), value: t('signingRecord.time', { time: formatDateTime(new Date(model.issuedAt)) }) },
  ];
  items.push(...textItem(t('signingRecord.factsHeading'), 'bold', 11, 15, 5 * MM, 'H2', true));
  for (const row of facts) items.push({ height: rowHeight(row, TEXT_WIDTH), spaceBefore: 0, draw: (ops, top) => void drawRow(ops, row, LEFT, top, TEXT_WIDTH) });
  items.push(...textItem(t('signingRecord.signaturesHeading', { count: model.signatures.length }), 'bold', 11, 15, 6 * MM, 'H2', true));
  if (model.signatures.length === 0) items.push(...textItem(t('signingRecord.none'), 'regular', 10, 13.5, 2 * MM, 'P'));
  model.signatures.forEach((signature, index) => items.push(signatureItem(signature, index, model.images)));
  items.push(...textItem(t('signingRecord.howToCheck'), 'regular', 8.5, 11, 8 * MM, 'P'));

  paginate(pages, items, 34 * MM, new Map());
  addPageFurniture(pages, { coalitionName: model.coalitionName, letterDate: isoDate(new Date(model.issuedAt)), draft: false });
  const footer = footerLine(model.baseUrl, model.code);
  const footerSize = shrinkToFit(7.5, 5.5, 0.25, (size) => textWidth(footer, 'regular', size) <= TEXT_WIDTH);
  for (const ops of pages) ops.push({ kind: 'text', x: LEFT, y: 280 * MM, size: footerSize, style: 'regular', text: footer, gray: 0.25, tag: 'Artifact' });
  return pages;
}

/** The record as PDF bytes, tagged; the same model gives the same bytes. */
export async function renderSigningRecord(model: SigningRecordModel): Promise<{ bytes: Uint8Array; pageCount: number }> {
  const layout = layoutSigningRecord(model);
  const createdAt = new Date(model.issuedAt);
  const doc = await createPdfDocument({ title: `${t('signingRecord.title')}: ${model.title}`, coalitionName: model.coalitionName, slug: model.slug, createdAt });
  const fonts = createFonts(doc);
  const embedded = new Map<string, PDFImage | null>();
  const images = new Map(Object.entries(model.images));
  const pages = layout.map(() => doc.addPage([PAGE.width, PAGE.height]));
  const tags = tagPages(doc, pages);
  for (const [index, ops] of layout.entries()) await paint(doc, pages[index]!, ops, fonts, images, embedded, new Set(), tags.page(index));
  tags.finish();
  const bytes = model.seal
    ? await saveSealed(doc, { settings: model.seal, at: createdAt, location: new URL(model.baseUrl).host, reason: t('letter.sealReason') })
    : await doc.save({ useObjectStreams: false });
  return { bytes, pageCount: layout.length };
}
