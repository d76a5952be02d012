// The "Unterstützerliste": a second PDF that goes with every letter mail when the organiser
// chose it. DIN A4 in the letter's look (coalition name as letterhead, page numbers, running
// head), the appeal's title, the supporter organisations with their place, and the citizens
// who agreed to be named, with name and place only, in two columns; long lists flow over
// pages. Knows no domain: it renders the plain model it is given. Tagged like the letter
// (headings, one list item per organisation or citizen) and sealed like it when a seal is set.
import type { PDFImage } from 'pdf-lib';
import { t } from '../i18n/index.ts';
import { formatIsoDate } from '../shared/dates.ts';
import { breakInlines, plainInline, wrapPlain } from './line-breaking.ts';
import { BODY_SIZE, LEFT, MM, PAGE, RIGHT, TEXT_WIDTH, shrinkToFit } from './page-geometry.ts';
import type { Op } from './page-geometry.ts';
import { addPageFurniture, lineItem, paginate } from './pagination.ts';
import type { FlowItem } from './pagination.ts';
import { createFonts, createPdfDocument, footerLine, paint } from './letter-render.ts';
import { textWidth } from './text-measure.ts';
import { newGroup, tagFlow, tagPages } from './structure.ts';
import { saveSealed } from './seal.ts';
import type { SealSettings } from './seal.ts';

export type SupporterListModel = {
  slug: string;
  coalitionName: string;
  title: string;
  /** ISO date the list is as of (printed "Stand: …"). */
  asOf: string;
  organisations: { name: string; place: string }[];
  /** Only those who agreed to be named: "Vorname Nachname" and place, nothing else (perhaps only the first of them). */
  citizens: { name: string; place: string }[];
  /** All who agreed to be named; more than `citizens.length` when the list was cut. */
  namedCitizens: number;
  /** All confirmed citizens, named or not. */
  citizenCount: number;
  /** Verification code printed in the footer of every page, and the base of its URL. */
  code: string;
  baseUrl: string;
  /** The electronic seal (SEAL_P12_FILE), applied as to the letters; absent: not sealed. */
  seal?: SealSettings | undefined;
};

const LEADING = 13;
const COLUMN_GAP = 8 * MM;

/** "Name, Ort" cut to the column with an ellipsis only when even 8 pt does not fit. */
function fitted(text: string, width: number): { text: string; size: number } {
  const size = shrinkToFit(10, 8, 0.5, (s) => textWidth(text, 'regular', s) <= width);
  if (textWidth(text, 'regular', size) <= width) return { text, size };
  let cut = text;
  while (cut.length > 1 && textWidth(`${cut}…`, 'regular', size) > width) cut = cut.slice(0, -1);
  return { text: `${cut.trimEnd()}…`, size };
}

const entry = ({ name, place }: { name: string; place: string }) => (place ? `${name}, ${place}` : name);

function heading(items: FlowItem[], text: string): void {
  const from = items.length;
  breakInlines([plainInline(text, true)], TEXT_WIDTH, 11).forEach((line) => items.push({ ...lineItem(line, LEFT, 7 * MM, 15), keepWithNext: true }));
  tagFlow(items, from, { role: 'H2', group: newGroup('h') });
}

/** The pages of the list as drawing operations (pure, like the letter's layout). */
export function layoutSupporterList(model: SupporterListModel): Op[][] {
  const first: Op[] = [];
  const pages: Op[][] = [first];
  const headSize = shrinkToFit(15, 11, 0.5, (size) => textWidth(model.coalitionName, 'bold', size) <= TEXT_WIDTH);
  const letterhead = { role: 'P', group: newGroup('p') } as const;
  wrapPlain(model.coalitionName, 'bold', headSize, TEXT_WIDTH)
    .slice(0, 2)
    .forEach((line, index) => first.push({ kind: 'text', x: LEFT, y: 15 * MM + index * headSize * 1.15, size: headSize, style: 'bold', text: line, tag: letterhead }));
  first.push({ kind: 'line', x1: LEFT, y1: 27 * MM, x2: RIGHT, y2: 27 * MM, width: 0.5, gray: 0.5 });
  first.push({ kind: 'text', x: LEFT, y: 40 * MM, size: 16, style: 'bold', text: t('supporterList.title'), tag: 'H1' });
  let top = 46 * MM;
  const title = { role: 'P', group: newGroup('p') } as const;
  for (const line of breakInlines([plainInline(model.title, true)], TEXT_WIDTH, BODY_SIZE)) {
    const item = lineItem(line, LEFT, 0, 15);
    tagFlow([item], 0, title);
    item.draw(first, top);
    top += 15;
  }
  first.push({ kind: 'text', x: LEFT, y: top + 10, size: 9, style: 'regular', text: t('supporterList.asOf', { date: formatIsoDate(model.asOf) }), gray: 0.35, tag: 'P' });
  top += 6 * MM;

  const items: FlowItem[] = [];
  if (model.organisations.length > 0) {
    heading(items, t('supporterList.organisations', { count: model.organisations.length }));
    const list = newGroup('l');
    for (const organisation of model.organisations) {
      // "Evangelische Kirchengemeinde Emmerich am Rhein" needs no ", Emmerich am Rhein".
      const text = organisation.name.includes(organisation.place) ? organisation.name : entry(organisation);
      const from = items.length;
      for (const line of breakInlines([plainInline(text)], TEXT_WIDTH, 10)) items.push(lineItem(line, LEFT, 0, LEADING));
      tagFlow(items, from, { role: 'LI', group: newGroup('li'), parent: list });
    }
  }
  if (model.citizenCount > 0) {
    heading(items, t('supporterList.citizens', { count: model.citizenCount }));
    const note = t('supporterList.citizensNote', { count: model.namedCitizens });
    const noteFrom = items.length;
    for (const line of breakInlines([plainInline(note)], TEXT_WIDTH, 9)) items.push({ ...lineItem(line, LEFT, 0, 12), keepWithNext: true });
    tagFlow(items, noteFrom, { role: 'P', group: newGroup('p') });
    const width = (TEXT_WIDTH - COLUMN_GAP) / 2;
    const list = newGroup('l');
    for (let row = 0; row * 2 < model.citizens.length; row += 1) {
      // Each name its own list item, read row by row (left, then right).
      const cells = model.citizens.slice(row * 2, row * 2 + 2).map((citizen) => ({ ...fitted(entry(citizen), width), tag: { role: 'LI', group: newGroup('li'), parent: list } as const }));
      items.push({
        height: LEADING,
        spaceBefore: row === 0 ? 2 * MM : 0,
        draw: (ops, y) => cells.forEach((cell, column) => ops.push({ kind: 'text', x: LEFT + column * (width + COLUMN_GAP), y: y + LEADING * 0.8, size: cell.size, style: 'regular', text: cell.text, tag: cell.tag })),
      });
    }
    const more = model.namedCitizens - model.citizens.length;
    const moreFrom = items.length;
    if (more > 0) for (const line of breakInlines([plainInline(t('supporterList.more', { count: more }))], TEXT_WIDTH, 10)) items.push(lineItem(line, LEFT, 2 * MM, LEADING));
    tagFlow(items, moreFrom, { role: 'P', group: newGroup('p') });
  }
  if (items.length === 0) heading(items, t('supporterList.empty'));
  paginate(pages, items, top, new Map());
  addPageFurniture(pages, { coalitionName: model.coalitionName, letterDate: model.asOf, draft: false });
  const footer = footerLine(model.baseUrl, model.code);
  const footerSize = shrinkToFit(7.5, 5.5, 0.25, (size) => textWidth(footer, 'regular', size) <= TEXT_WIDTH);
  for (const ops of pages) ops.push({ kind: 'text', x: LEFT, y: 280 * MM, size: footerSize, style: 'regular', text: footer, gray: 0.25, tag: 'Artifact' });
  return pages;
}

/** The list as PDF bytes, tagged, sealed when the model says so; the same model and date give the same bytes (with a timestamp server: see timestamp.ts). */
export async function renderSupporterList(model: SupporterListModel, createdAt: Date): Promise<{ bytes: Uint8Array; pageCount: number }> {
  const layout = layoutSupporterList(model);
  const doc = await createPdfDocument({ title: `${t('supporterList.title')}: ${model.title}`, coalitionName: model.coalitionName, slug: model.slug, createdAt });
  const fonts = createFonts(doc);
  const embedded = new Map<string, PDFImage | null>();
  const pages = layout.map(() => doc.addPage([PAGE.width, PAGE.height]));
  const tags = tagPages(doc, pages);
  for (const [index, ops] of layout.entries()) await paint(doc, pages[index]!, ops, fonts, new Map(), embedded, new Set(), tags.page(index));
  tags.finish();
  const bytes = model.seal
    ? await saveSealed(doc, { settings: model.seal, at: createdAt, location: new URL(model.baseUrl).host, reason: t('letter.sealReason') })
    : await doc.save({ useObjectStreams: false });
  return { bytes, pageCount: layout.length };
}
