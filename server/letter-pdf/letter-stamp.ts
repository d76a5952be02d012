// The personal part of a letter: the objects the shared part reserves (address and salutation,
// a footer per page, the QR code), written per recipient without pdf-lib as a small
// incremental update, and the seal after it (seal.ts) when one is configured.
import { PDFArray, PDFContentStream, PDFDict, PDFHexString, PDFName } from 'pdf-lib';
import type { PDFDocument, PDFFont, PDFPage, PDFRef } from 'pdf-lib';
import { t } from '../i18n/index.ts';
import type { RenderRecipient } from './letter-model.ts';
import { layoutAddress, salutationLines } from './address-field.ts';
import { BODY_SIZE, BODY_LEADING, LEFT, MM, PAGE, TEXT_WIDTH } from './page-geometry.ts';
import { appendUpdate, fmt, qrForm, streamObject } from './pdf-objects.ts';
import type { UpdateTrailer } from './pdf-objects.ts';
import { segment, segmentsWidth } from './text-measure.ts';
import { overlayMarks } from './structure.ts';
import type { OverlayTags } from './structure.ts';
import type { FontKey } from './text-measure.ts';
import { verificationUrl } from './letter-identity.ts';
import { idHex } from './pdfa.ts';
import { loadSealer, sealPdf, sealTemplate } from './seal.ts';
import type { SealSettings, SealTemplate } from './seal.ts';
import { createHash } from 'node:crypto';

export type RenderedLetter<R extends RenderRecipient = RenderRecipient> = {
  recipient: R;
  bytes: Uint8Array;
  sha256: string;
  warnings: string[];
  /** The bytes as a mail body's base64 lines, when the letter goes out by mail (made in the worker). */
  base64Lines?: Uint8Array;
};

export const footerLine = (baseUrl: string, code: string) => t('letter.footer', { code, url: verificationUrl(baseUrl, code) });
/** The footer's second line on a sealed letter. */
export const sealLine = (holder: string) => t('letter.sealedBy', { holder });
/** The reply link of a delivery, printed small on the letter's last page. */
export const replyLine = (url: string) => t('replies.letter.replyLine', { url });

const flipY = (y: number) => PAGE.height - y;

/**
 * The shared letter, laid out and saved once, with everything needed to stamp a personal
 * part on it: plain data (numbers, strings, bytes), so it can cross a thread boundary.
 */
export type PreparedLetter = {
  pageCount: number;
  /** Layout and painting warnings for the shared part. */
  warnings: string[];
  baseUrl: string;
  base: Uint8Array;
  trailer: UpdateTrailer;
  salutation: { y: number; lines: number };
  /** `${font}:${char}` → the glyph id as hex, for every character the personal parts may print. */
  glyphHex: Record<string, string>;
  /** Per page: the resource names of the overlay fonts and of the QR code. */
  resourceNames: { fontNames: Partial<Record<FontKey, string>>; qrName: string }[];
  /** The address and salutation stream of page 1 (first of the consecutive personal objects). */
  headObject: number;
  /** The footer stream of each page. */
  overlayObjects: number[];
  qrObject: number;
  /** The marked-content ids of the address and the salutation (structure.ts). */
  overlayTags?: OverlayTags;
  /**
   * The reply link's annotation on the last page (object numbers right after the QR code) and
   * that page's annotations as written in the shared part, repeated when a letter adds the link.
   */
  replyLink?: { annotObject: number; annotsObject: number; annots: string };
  /** Set when every letter is sealed: the certificate, the time of sealing and what the seal update repeats. */
  seal?: { settings: SealSettings; at: string; location: string; template: SealTemplate };
};

/**
 * Reserves the objects of the personal part: the address stream of page 1, one footer stream
 * per page and the QR code (consecutive numbers, in this order), with their resource names.
 */
export function reserveOverlay(doc: PDFDocument, pages: PDFPage[], overlayFonts: Map<FontKey, PDFFont>) {
  const headRef = doc.context.nextRef();
  const overlayRefs: PDFRef[] = [];
  for (let i = 0; i < pages.length; i += 1) overlayRefs.push(doc.context.nextRef());
  const qrRef = doc.context.nextRef();
  // The reply link of a delivery (an annotation on the last page): reserved right after the QR
  // code, with the last page's annotations as an object of their own that a letter rewrites.
  const replyAnnotRef = doc.context.nextRef();
  const lastAnnotsRef = doc.context.nextRef();
  const resourceNames = pages.map((page, index) => {
    // Text extraction in stream order (pdftotext -raw, readers without tags) reads address and
    // salutation first, then the body, then the footer: the address stream comes FIRST in
    // /Contents, the footer last. Each is one balanced q … Q block.
    const contents = page.node.normalizedEntries().Contents ?? doc.context.obj([]);
    page.node.set(PDFName.of('Contents'), contents);
    if (index === 0) contents.insert(0, headRef);
    contents.push(overlayRefs[index]!);
    const fontNames = new Map<FontKey, string>();
    for (const [key, font] of overlayFonts) fontNames.set(key, page.node.newFontDictionary('Ov', font.ref).toString());
    const qrName = page.node.newXObject('Qr', qrRef).toString();
    return { fontNames, qrName };
  });
  // Page 1's annotations as an object of their own: a seal adds its field there without
  // repeating the page dictionary (which pdf-lib fills with a font name per text run).
  const lastPage = pages[pages.length - 1]!;
  const lastAnnots = lastPage.node.Annots() ?? doc.context.obj([]);
  doc.context.assign(lastAnnotsRef, lastAnnots);
  lastPage.node.set(PDFName.of('Annots'), lastAnnotsRef);
  if (pages.length > 1) {
    const annots = pages[0]!.node.Annots() ?? doc.context.obj([]);
    pages[0]!.node.set(PDFName.of('Annots'), doc.context.register(annots));
  }
  const replyLink = { annotObject: replyAnnotRef.objectNumber, annotsObject: lastAnnotsRef.objectNumber, annots: lastAnnots.asArray().map((item) => item.toString()).join(' ') };
  return { headRef, overlayRefs, qrRef, resourceNames, replyLink };
}

/**
 * Saves the shared part with a classic xref table and reads what an incremental update must
 * repeat. `content` (the layout) goes into the trailer /ID, which every letter keeps.
 */
export async function saveBase(doc: PDFDocument, content: string) {
  mergeFontAliases(doc);
  const { trailerInfo } = doc.context;
  const id = idHex((trailerInfo.ID as PDFArray).lookup(0, PDFHexString).asString(), content);
  trailerInfo.ID = doc.context.obj([PDFHexString.of(id), PDFHexString.of(id)]);
  const base = await doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
  const tail = Buffer.from(base.subarray(Math.max(0, base.length - 64))).toString('latin1');
  const prevXref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail)?.[1]);
  if (!Number.isFinite(prevXref)) throw new Error('pdf-lib output without a classic xref table');
  return {
    buffer: Buffer.from(base.buffer, base.byteOffset, base.byteLength),
    trailer: { size: doc.context.largestObjectNumber + 1, rootRef: trailerInfo.Root!.toString(), infoRef: trailerInfo.Info!.toString(), prevXref, id },
  };
}

/**
 * pdf-lib gives every text run its own font resource name (about 600 per letter, 24 KB):
 * each page keeps one name per font, and its content streams (not yet encoded) use it.
 * The overlay's names ("Ov…") are left alone.
 */
function mergeFontAliases(doc: PDFDocument): void {
  for (const page of doc.getPages()) {
    const fonts = page.node.Resources()?.lookupMaybe(PDFName.of('Font'), PDFDict);
    if (!fonts) continue;
    const canonical = new Map<string, PDFName>();
    const alias = new Map<string, PDFName>();
    for (const [name, ref] of fonts.entries()) {
      if (name.asString().startsWith('/Ov')) continue;
      const first = canonical.get(ref.toString());
      if (first) alias.set(name.asString(), first);
      else canonical.set(ref.toString(), name);
    }
    if (alias.size === 0) continue;
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((item) => doc.context.lookup(item)) : [contents];
    for (const stream of streams) {
      if (!(stream instanceof PDFContentStream)) continue;
      for (const operator of (stream as unknown as { operators: { name: string; args: unknown[] }[] }).operators) {
        const target = operator.name === 'Tf' && operator.args[0] instanceof PDFName ? alias.get(operator.args[0].asString()) : undefined;
        if (target) operator.args[0] = target;
      }
    }
    for (const name of alias.keys()) fonts.delete(PDFName.of(name.slice(1)));
  }
}

/** What sealing needs of the prepared letter (read after `saveBase`). */
export function sealPreparation(doc: PDFDocument, firstPage: PDFPage, settings: SealSettings, at: Date, baseUrl: string): NonNullable<PreparedLetter['seal']> {
  return { settings, at: at.toISOString(), location: new URL(baseUrl).host, template: sealTemplate(doc, firstPage) };
}

/** Content-stream operators that show text in the overlay fonts, from the prepared glyph ids. */
function overlayText(glyphHex: Map<string, string>, fontNames: Map<FontKey, string>, x: number, y: number, size: number, text: string, grayValue = 0): string {
  const encode = (key: FontKey, value: string) => {
    let hex = '<';
    for (const char of value) {
      const glyph = glyphHex.get(`${key}:${char}`);
      if (glyph === undefined) throw new Error(`Character not prepared for this batch: U+${char.codePointAt(0)!.toString(16)}`);
      hex += glyph;
    }
    return `${hex}>`;
  };
  let out = '';
  let cursor = x;
  for (const seg of segment(text, 'regular')) {
    out += `BT ${fontNames.get(seg.font)} ${fmt(size)} Tf ${fmt(grayValue)} g 1 0 0 1 ${fmt(cursor)} ${fmt(flipY(y))} Tm ${encode(seg.font, seg.text)} Tj ET\n`;
    cursor += segmentsWidth([seg], size);
  }
  return out;
}

const QR = { size: 15 * MM, x: 175 * MM, top: 267 * MM };
/** Baseline of the seal line, above the verification line (280 mm). */
const SEAL_LINE_Y = 276.5 * MM;
/**
 * Baseline of the reply line: in the free band between the body (down to 257 mm) and the
 * sender footer (from 270.5 mm), level with the page number (263 mm, right) and left of it and
 * of the QR code (from 175 mm): the shared layout keeps this band empty on every page.
 */
const REPLY_LINE_Y = 266.3 * MM;
const REPLY_LINE_SIZE = 8;

/** The reply line's size: 8 pt, shrunk (not below 5.5 pt) to end left of the QR code. */
function replyLineSize(line: string): number {
  const width = segmentsWidth(segment(line, 'regular'), REPLY_LINE_SIZE);
  return width > TEXT_WIDTH - 20 * MM ? Math.max(5.5, (REPLY_LINE_SIZE * (TEXT_WIDTH - 20 * MM)) / width) : REPLY_LINE_SIZE;
}

/** A literal PDF string: backslash and parentheses escaped, nothing else (URLs are ASCII). */
const pdfLiteral = (value: string) => `(${value.replace(/[\\()]/g, (char) => `\\${char}`)})`;

/** The footer line, shrunk to leave room for the QR code. */
function footerSize(footer: string): number {
  const width = segmentsWidth(segment(footer, 'regular'), 7.5);
  return width > TEXT_WIDTH - 20 * MM ? Math.max(5.5, (7.5 * (TEXT_WIDTH - 20 * MM)) / width) : 7.5;
}


/** One recipient's PDF: the shared bytes plus a small incremental update (address, salutation, footer, QR code), then the seal. */
const glyphMaps = new WeakMap<PreparedLetter, Map<string, string>>();

export function stampLetter<R extends RenderRecipient>(prepared: PreparedLetter, recipient: R): RenderedLetter<R> {
  let glyphHex = glyphMaps.get(prepared);
  if (!glyphHex) glyphMaps.set(prepared, (glyphHex = new Map(Object.entries(prepared.glyphHex))));
  const address = layoutAddress(recipient.addressLines, recipient.label, recipient.note);
  const footer = footerLine(prepared.baseUrl, recipient.code);
  const qr = qrForm(verificationUrl(prepared.baseUrl, recipient.code));
  const base = Buffer.from(prepared.base.buffer, prepared.base.byteOffset, prepared.base.byteLength);
  const textIn = (index: number) => {
    const fontNames = new Map(Object.entries(prepared.resourceNames[index]!.fontNames) as [FontKey, string][]);
    return (x: number, y: number, size: number, value: string, grayValue?: number) => overlayText(glyphHex, fontNames, x, y, size, value, grayValue);
  };
  const firstPage = textIn(0);
  // Tags: the address and the salutation by their marked-content ids, footer and QR code as artifacts.
  const mark = overlayMarks(prepared.overlayTags);
  let head = `q\n${mark.address}`;
  for (const line of address.lines) head += firstPage(LEFT, line.y, line.size, line.text);
  head += mark.salutation;
  const salutation = salutationLines(recipient.salutation).slice(0, prepared.salutation.lines);
  salutation.forEach((line, lineIndex) => (head += firstPage(LEFT, prepared.salutation.y + lineIndex * BODY_LEADING, BODY_SIZE, line)));
  head += mark.end;
  const objects = [streamObject(prepared.headObject, Buffer.from(`${head}Q\n`, 'latin1'), '')];
  const sealed = prepared.seal ? sealLine(prepared.seal.settings.holder) : undefined;
  // Only a delivery's letter carries a reply link (test letters, drafts, the master and print files do not).
  const reply = recipient.replyUrl && prepared.replyLink ? { line: replyLine(recipient.replyUrl), url: recipient.replyUrl, ...prepared.replyLink } : undefined;
  const replySize = reply ? replyLineSize(reply.line) : 0;
  const lastIndex = prepared.overlayObjects.length - 1;
  prepared.overlayObjects.forEach((objectNumber, index) => {
    const text = textIn(index);
    let content = `q\n${mark.artifact(false)}${text(LEFT, 280 * MM, footerSize(footer), footer, 0.25)}`;
    if (sealed) content += text(LEFT, SEAL_LINE_Y, footerSize(sealed), sealed, 0.25);
    // The reply line is an artifact like the footer; the link annotation makes it clickable.
    if (reply && index === lastIndex) content += text(LEFT, REPLY_LINE_Y, replySize, reply.line, 0.25);
    content += `q ${fmt(QR.size / qr.size)} 0 0 ${fmt(QR.size / qr.size)} ${fmt(QR.x)} ${fmt(flipY(QR.top + QR.size))} cm ${prepared.resourceNames[index]!.qrName} Do Q\n${mark.end}`;
    objects.push(streamObject(objectNumber, Buffer.from(`${content}Q\n`, 'latin1'), ''));
  });
  objects.push(streamObject(prepared.qrObject, Buffer.from(qr.content, 'latin1'), `/Type /XObject /Subtype /Form /BBox [0 0 ${qr.size} ${qr.size}] `));
  let annots = reply?.annots;
  if (reply) {
    const width = segmentsWidth(segment(reply.line, 'regular'), replySize);
    const rect = [LEFT, flipY(REPLY_LINE_Y + 2), LEFT + width, flipY(REPLY_LINE_Y - replySize)].map(fmt).join(' ');
    objects.push(Buffer.from(`${reply.annotObject} 0 obj\n<< /Type /Annot /Subtype /Link /Rect [${rect}] /Border [0 0 0] /F 4 /A << /Type /Action /S /URI /URI ${pdfLiteral(reply.url)} >> >>\nendobj\n`, 'latin1'));
    annots = `${reply.annots ? `${reply.annots} ` : ''}${reply.annotObject} 0 R`;
    objects.push(Buffer.from(`${reply.annotsObject} 0 obj\n[${annots}]\nendobj\n`, 'latin1'));
  }
  // The second /ID element changes with each update; derived from what this update adds.
  const secondId = idHex(prepared.trailer.id, recipient.code, recipient.addressLines.join('\n'), recipient.salutation, ...(reply ? [reply.url] : []));
  const stamped = appendUpdate(base, objects, prepared.headObject, prepared.trailer, secondId);
  let bytes: Uint8Array = stamped.bytes;
  if (prepared.seal) {
    const { settings, at, location } = prepared.seal;
    // A one-page letter: the seal rewrites page 1's annotations, so it repeats the reply link's.
    const template = annots !== undefined && prepared.seal.template.annotsObject === reply?.annotsObject ? { ...prepared.seal.template, annots } : prepared.seal.template;
    const { size, infoRef, id } = prepared.trailer;
    bytes = sealPdf({ pdf: stamped.bytes, prevXref: stamped.xrefOffset, size, infoRef, id, template, sealer: loadSealer(settings), at: new Date(at), reason: t('letter.sealReason'), location });
  }
  return { recipient, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), warnings: address.warnings };
}
