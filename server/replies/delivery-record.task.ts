// Runs in a worker thread (delivery-record.ts): lays out and renders the "Versandprotokoll" as
// PDF with the letters' engine and typeface. Knows no database: it renders the plain model.
import { wrapPlain } from '../letter-pdf/line-breaking.ts';
import { createFonts, createPdfDocument, paint } from '../letter-pdf/letter-render.ts';
import { LEFT, MM, PAGE, TEXT_WIDTH } from '../letter-pdf/page-geometry.ts';
import type { Op } from '../letter-pdf/page-geometry.ts';
import type { PDFImage } from 'pdf-lib';
import { t } from '../i18n/index.ts';
import { saveSealed } from '../letter-pdf/seal.ts';
import type { SealSettings } from '../letter-pdf/seal.ts';

export type DeliveryRecordSeal = { settings: SealSettings; location: string };

export type DeliveryRecordModel = {
  slug: string;
  coalitionName: string;
  heading: string;
  /** Lines under the heading: appeal, dispatch, counts. */
  intro: string[];
  entries: { title: string; lines: [label: string, value: string][] }[];
  footer: string;
};

const TOP = 20 * MM;
const BOTTOM = 275 * MM;
const LABEL_WIDTH = 42 * MM;

export function layoutDeliveryRecord(model: DeliveryRecordModel): Op[][] {
  const pages: Op[][] = [[]];
  let y = TOP;
  const page = () => pages.at(-1)!;
  const room = (height: number) => {
    if (y + height <= BOTTOM) return;
    pages.push([]);
    y = TOP;
  };
  const text = (value: string, x: number, width: number, size: number, style: 'regular' | 'bold', leading: number, gray?: number) => {
    for (const line of wrapPlain(value, style, size, width)) {
      room(leading);
      page().push({ kind: 'text', x, y: y + size, size, style, text: line, ...(gray !== undefined ? { gray } : {}) });
      y += leading;
    }
  };
  text(model.coalitionName, LEFT, TEXT_WIDTH, 10, 'regular', 13, 0.3);
  text(model.heading, LEFT, TEXT_WIDTH, 16, 'bold', 20);
  for (const line of model.intro) text(line, LEFT, TEXT_WIDTH, 10, 'regular', 13);
  y += 8;
  for (const entry of model.entries) {
    // An entry's title stays with its first line.
    room(13 * 3);
    page().push({ kind: 'line', x1: LEFT, y1: y, x2: LEFT + TEXT_WIDTH, y2: y, width: 0.5, gray: 0.6 });
    y += 4;
    text(entry.title, LEFT, TEXT_WIDTH, 11, 'bold', 14);
    for (const [label, value] of entry.lines) {
      const start = y;
      const startPage = pages.length;
      text(value || '–', LEFT + LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH, 8.5, 'regular', 11);
      // The label goes beside the first line of its value (on the page that line is on).
      const onPage = pages.length === startPage ? start : TOP;
      page().push({ kind: 'text', x: LEFT, y: onPage + 8.5, size: 8.5, style: 'regular', text: label, gray: 0.35 });
    }
    y += 6;
  }
  pages.forEach((ops, index) => ops.push({ kind: 'text', x: LEFT, y: 287 * MM, size: 7.5, style: 'regular', text: `${model.footer} · ${index + 1}/${pages.length}`, gray: 0.35 }));
  return pages;
}

export default async function renderDeliveryRecord({ model, createdAt, seal }: { model: DeliveryRecordModel; createdAt: Date; seal?: DeliveryRecordSeal }): Promise<Uint8Array> {
  const doc = await createPdfDocument({ title: model.heading, coalitionName: model.coalitionName, slug: model.slug, createdAt });
  const fonts = createFonts(doc);
  const embedded = new Map<string, PDFImage | null>();
  for (const ops of layoutDeliveryRecord(model)) await paint(doc, doc.addPage([PAGE.width, PAGE.height]), ops, fonts, new Map(), embedded, new Set());
  // Sealed like the letters when a seal is configured (letter-pdf/seal.ts).
  if (seal) return saveSealed(doc, { settings: seal.settings, at: createdAt, location: seal.location, reason: t('letter.sealReason') });
  return doc.save({ useObjectStreams: false });
}
