// The renderer. The shared letter (letterhead, body, signatures, page numbers) is laid out
// and saved ONCE per batch with pdf-lib. Each letter is then those bytes plus a small
// incremental update that defines a few objects the shared part already points to:
// one overlay content stream per page (address field, salutation, footer line) and one
// form XObject with the QR code. No pdf-lib work happens per letter.
//
// Fonts are subset once per batch; the subset covers every character of every recipient
// passed in `extraTexts` (ligatures are off, so glyphs do not depend on context).
import { createHash } from 'node:crypto';
import { BlendMode, PDFDocument, PDFRef, PDFString, degrees, rgb } from 'pdf-lib';
import type { PDFFont, PDFImage, PDFPage } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import { t } from '../i18n/index.ts';
import { fontBytes } from './fonts.ts';
import type { LetterModel, RenderRecipient } from './letter-model.ts';
import { layoutAddress, salutationLines } from './address-field.ts';
import { layoutLetter } from './letter-layout.ts';
import { BODY_SIZE, BODY_LEADING, LEFT, MM, PAGE, TEXT_WIDTH } from './page-geometry.ts';
import type { Op } from './page-geometry.ts';
import { appendUpdate, fmt, qrForm, streamObject } from './pdf-objects.ts';
import { printImage } from './print-image.ts';
import { fontFeatures, segment, segmentsWidth, textOutline } from './text-measure.ts';
import type { FontKey } from './text-measure.ts';

// What the main thread needs of the renderer lives in letter-identity.ts (no pdf-lib there).
import { CODE_ALPHABET, bySalutationLines, recipientTexts, verificationUrl } from './letter-identity.ts';
export { CODE_ALPHABET, RENDERER_VERSION, bySalutationLines, recipientTexts, salutationLinesFor, verificationUrl } from './letter-identity.ts';

export type RenderedLetter<R extends RenderRecipient = RenderRecipient> = { recipient: R; bytes: Uint8Array; sha256: string; warnings: string[] };

export type BatchOptions = {
  /** Texts of all letters that may be emitted from this batch (address lines, salutations). */
  extraTexts: string[];
  /** Lines reserved for the salutation. */
  salutationLines: number;
  /** PDF creation date (from the injected clock). */
  createdAt: Date;
};

export const footerLine = (baseUrl: string, code: string) => t('letter.footer', { code, url: verificationUrl(baseUrl, code) });

export type Fonts = { get(key: FontKey): Promise<PDFFont>; embedded(): Map<FontKey, PDFFont> };

export function createFonts(doc: PDFDocument): Fonts {
  const embedded = new Map<FontKey, PDFFont>();
  return {
    async get(key) {
      let font = embedded.get(key);
      if (!font) {
        font = await doc.embedFont(fontBytes(key), { subset: true, features: fontFeatures as unknown as Record<string, boolean> });
        embedded.set(key, font);
      }
      return font;
    },
    embedded: () => embedded,
  };
}

const flipY = (y: number) => PAGE.height - y;
const gray = (value = 0) => rgb(value, value, value);

export async function paint(doc: PDFDocument, page: PDFPage, ops: Op[], fonts: Fonts, images: Map<string, Uint8Array>, embeddedImages: Map<string, PDFImage | null>, warnings: Set<string>) {
  for (const op of ops) {
    switch (op.kind) {
      case 'text': {
        let x = op.x;
        for (const seg of segment(op.text, op.style)) {
          const font = await fonts.get(seg.font);
          page.drawText(seg.text, { x, y: flipY(op.y), size: op.size, font, color: gray(op.gray) });
          x += segmentsWidth([seg], op.size);
        }
        break;
      }
      case 'line':
        page.drawLine({
          start: { x: op.x1, y: flipY(op.y1) },
          end: { x: op.x2, y: flipY(op.y2) },
          thickness: op.width,
          color: gray(op.gray),
          ...(op.dash ? { dashArray: [2, 2] } : {}),
        });
        break;
      case 'image': {
        let image = embeddedImages.get(op.image);
        if (image === undefined) {
          const bytes = images.get(op.image)!;
          try {
            image = bytes[0] === 0xff ? await doc.embedJpg(bytes) : await doc.embedPng(bytes);
          } catch {
            image = null;
            warnings.add(op.image.startsWith('logo:') ? t('letterWarn.logoBroken', { name: op.alt }) : t('letterWarn.signatureBroken', { name: op.alt }));
          }
          embeddedImages.set(op.image, image);
        }
        if (image) page.drawImage(image, { x: op.x, y: flipY(op.y + op.h), width: op.w, height: op.h, ...(op.blend ? { blendMode: BlendMode.Multiply } : {}) });
        else {
          const font = await fonts.get('bold');
          page.drawText(op.alt.slice(0, 20), { x: op.x, y: flipY(op.y + op.h / 2), size: 8, font, color: gray(0.2) });
        }
        break;
      }
      case 'draft': {
        // Drawn as outlines: dark enough for a black-and-white printer (about 25 % grey) and
        // not text, so it neither copies as "EN", "T", "WU" nor covers the words beneath.
        const size = 96;
        const { path, width } = textOutline(t('letter.draft'), 'bold', size);
        const angle = (54 * Math.PI) / 180;
        const cx = PAGE.width / 2;
        const cy = PAGE.height / 2;
        const x = cx - (Math.cos(angle) * width) / 2 + (Math.sin(angle) * size * 0.35);
        const y = cy - (Math.sin(angle) * width) / 2 - (Math.cos(angle) * size * 0.35);
        page.drawSvgPath(path, { x, y, rotate: degrees(54), color: rgb(0.55, 0.08, 0.08), opacity: 0.3 });
        break;
      }
      case 'link': {
        // A URI link annotation, printable (flag 4), no border.
        const rect = [op.x, flipY(op.y + op.h), op.x + op.w, flipY(op.y)].map((value) => Math.round(value * 100) / 100);
        const action = doc.context.obj({ Type: 'Action', S: 'URI', URI: PDFString.of(op.url) });
        const annot = doc.context.register(doc.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: rect, Border: [0, 0, 0], F: 4, A: action }));
        page.node.addAnnot(annot);
        break;
      }
    }
  }
}

export type Batch = {
  pageCount: number;
  /** Layout and painting warnings for the shared part. */
  warnings: string[];
  emit<R extends RenderRecipient>(recipient: R): RenderedLetter<R>;
};

async function createDocument(model: LetterModel, createdAt: Date): Promise<PDFDocument> {
  return createPdfDocument({ title: model.title, subject: t('letter.subjectMeta', { title: model.title }), coalitionName: model.coalitionName, slug: model.slug, createdAt });
}

/**
 * A new PDF with the fonts registered and the document information every PDF of the app
 * carries (in this order: the same input gives the same bytes).
 */
export async function createPdfDocument({ title, subject, coalitionName, slug, createdAt }: { title: string; subject?: string; coalitionName: string; slug: string; createdAt: Date }): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  doc.setTitle(title, { showInWindowTitleBar: true });
  doc.setAuthor(coalitionName);
  if (subject !== undefined) doc.setSubject(subject);
  doc.setKeywords([coalitionName, slug]);
  doc.setCreator('Mitzeichnen');
  doc.setProducer('Mitzeichnen (pdf-lib)');
  doc.setLanguage('de-DE');
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);
  return doc;
}

/** Every character the personal parts may print, sorted, and the fonts they need. */
function overlayCharacters(baseUrl: string, extraTexts: string[]): { sortedChars: string; fontKeys: FontKey[] } {
  const chars = new Set<string>();
  for (const text of [...extraTexts, footerLine(baseUrl, CODE_ALPHABET), CODE_ALPHABET, '-']) for (const char of text) chars.add(char);
  const sortedChars = [...chars].sort().join('');
  const fontKeys = new Set<FontKey>();
  for (const seg of segment(sortedChars, 'regular')) fontKeys.add(seg.font);
  fontKeys.add('regular');
  return { sortedChars, fontKeys: [...fontKeys].sort() };
}

/** The glyph ids of the overlay characters, encoded one by one (no shaping per letter later). */
async function encodeOverlay(fonts: Fonts, { sortedChars, fontKeys }: ReturnType<typeof overlayCharacters>) {
  const overlayFonts = new Map<FontKey, PDFFont>();
  for (const key of fontKeys) overlayFonts.set(key, await fonts.get(key));
  const glyphHex = new Map<string, string>();
  for (const seg of segment(sortedChars, 'regular')) {
    const font = overlayFonts.get(seg.font)!;
    for (const char of seg.text) glyphHex.set(`${seg.font}:${char}`, font.encodeText(char).toString().slice(1, -1));
  }
  return { overlayFonts, glyphHex };
}

/** Reserves the objects of the personal part: one overlay stream per page and the QR code, with their resource names. */
function reserveOverlay(doc: PDFDocument, pages: PDFPage[], overlayFonts: Map<FontKey, PDFFont>) {
  const overlayRefs: PDFRef[] = [];
  for (let i = 0; i < pages.length; i += 1) overlayRefs.push(doc.context.nextRef());
  const qrRef = doc.context.nextRef();
  const resourceNames = pages.map((page, index) => {
    page.node.addContentStream(overlayRefs[index]!);
    const fontNames = new Map<FontKey, string>();
    for (const [key, font] of overlayFonts) fontNames.set(key, page.node.newFontDictionary('Ov', font.ref).toString());
    const qrName = page.node.newXObject('Qr', qrRef).toString();
    return { fontNames, qrName };
  });
  return { overlayRefs, qrRef, resourceNames };
}

/** Saves the shared part with a classic xref table and reads what an incremental update must repeat. */
async function saveBase(doc: PDFDocument) {
  const base = await doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
  const tail = Buffer.from(base.subarray(Math.max(0, base.length - 64))).toString('latin1');
  const prevXref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail)?.[1]);
  if (!Number.isFinite(prevXref)) throw new Error('pdf-lib output without a classic xref table');
  const trailer = doc.context.trailerInfo;
  return {
    buffer: Buffer.from(base.buffer, base.byteOffset, base.byteLength),
    trailer: { size: doc.context.largestObjectNumber + 1, rootRef: trailer.Root!.toString(), infoRef: trailer.Info!.toString(), prevXref },
  };
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

/** The footer line, shrunk to leave room for the QR code. */
function footerSize(footer: string): number {
  const width = segmentsWidth(segment(footer, 'regular'), 7.5);
  return width > TEXT_WIDTH - 20 * MM ? Math.max(5.5, (7.5 * (TEXT_WIDTH - 20 * MM)) / width) : 7.5;
}

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
  trailer: { size: number; rootRef: string; infoRef: string; prevXref: number };
  salutation: { y: number; lines: number };
  /** `${font}:${char}` → the glyph id as hex, for every character the personal parts may print. */
  glyphHex: Record<string, string>;
  /** Per page: the resource names of the overlay fonts and of the QR code. */
  resourceNames: { fontNames: Partial<Record<FontKey, string>>; qrName: string }[];
  overlayObjects: number[];
  qrObject: number;
};

/** Lays out and saves the shared letter once (the expensive part: layout, fonts, images). */
export async function prepareLetter(model: LetterModel, options: BatchOptions): Promise<PreparedLetter> {
  const layout = layoutLetter(model, { salutationLines: options.salutationLines });
  const warnings = new Set(layout.warnings);
  const doc = await createDocument(model, options.createdAt);
  const fonts = createFonts(doc);
  // Pre-encode everything the personal parts may print, in a fixed order, so that the
  // subset has the glyphs and the glyph ids do not depend on which letters are emitted.
  const overlayChars = overlayCharacters(model.baseUrl, options.extraTexts);

  // Images are printed small: re-encode them once per batch (see printImage).
  for (const [key, bytes] of layout.images) layout.images.set(key, await printImage(bytes, key.startsWith('sig:')));
  const pages = layout.pages.map(() => doc.addPage([PAGE.width, PAGE.height]));
  const embeddedImages = new Map<string, PDFImage | null>();
  for (const [index, page] of pages.entries()) await paint(doc, page, layout.pages[index]!, fonts, layout.images, embeddedImages, warnings);

  // Encode the overlay characters after the shared text (so the shared part's glyph ids are stable).
  const { overlayFonts, glyphHex } = await encodeOverlay(fonts, overlayChars);
  const { overlayRefs, qrRef, resourceNames } = reserveOverlay(doc, pages, overlayFonts);
  const base = await saveBase(doc);
  return {
    pageCount: pages.length,
    warnings: [...warnings],
    baseUrl: model.baseUrl,
    base: new Uint8Array(base.buffer.buffer, base.buffer.byteOffset, base.buffer.byteLength),
    trailer: base.trailer,
    salutation: { y: layout.salutation.y, lines: layout.salutation.lines },
    glyphHex: Object.fromEntries(glyphHex),
    resourceNames: resourceNames.map((names) => ({ fontNames: Object.fromEntries(names.fontNames), qrName: names.qrName })),
    overlayObjects: overlayRefs.map((ref) => ref.objectNumber),
    qrObject: qrRef.objectNumber,
  };
}

/** One recipient's PDF: the shared bytes plus a small incremental update (address, salutation, footer, QR code). */
const glyphMaps = new WeakMap<PreparedLetter, Map<string, string>>();

export function stampLetter<R extends RenderRecipient>(prepared: PreparedLetter, recipient: R): RenderedLetter<R> {
  let glyphHex = glyphMaps.get(prepared);
  if (!glyphHex) glyphMaps.set(prepared, (glyphHex = new Map(Object.entries(prepared.glyphHex))));
  const address = layoutAddress(recipient.addressLines, recipient.label, recipient.note);
  const footer = footerLine(prepared.baseUrl, recipient.code);
  const qr = qrForm(verificationUrl(prepared.baseUrl, recipient.code));
  const base = Buffer.from(prepared.base.buffer, prepared.base.byteOffset, prepared.base.byteLength);
  const objects = prepared.overlayObjects.map((objectNumber, index) => {
    const names = prepared.resourceNames[index]!;
    const fontNames = new Map(Object.entries(names.fontNames) as [FontKey, string][]);
    const text = (x: number, y: number, size: number, value: string, grayValue?: number) => overlayText(glyphHex, fontNames, x, y, size, value, grayValue);
    let content = 'q\n';
    if (index === 0) {
      for (const line of address.lines) content += text(LEFT, line.y, line.size, line.text);
      const salutation = salutationLines(recipient.salutation).slice(0, prepared.salutation.lines);
      salutation.forEach((line, lineIndex) => (content += text(LEFT, prepared.salutation.y + lineIndex * BODY_LEADING, BODY_SIZE, line)));
    }
    content += text(LEFT, 280 * MM, footerSize(footer), footer, 0.25);
    content += `q ${fmt(QR.size / qr.size)} 0 0 ${fmt(QR.size / qr.size)} ${fmt(QR.x)} ${fmt(flipY(QR.top + QR.size))} cm ${names.qrName} Do Q\n`;
    content += 'Q\n';
    return streamObject(objectNumber, Buffer.from(content, 'latin1'), '');
  });
  objects.push(streamObject(prepared.qrObject, Buffer.from(qr.content, 'latin1'), `/Type /XObject /Subtype /Form /BBox [0 0 ${qr.size} ${qr.size}] `));
  const bytes = appendUpdate(base, objects, prepared.overlayObjects[0]!, prepared.trailer);
  return { recipient, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), warnings: address.warnings };
}

/** Lays out and saves the shared letter once; `emit` then stamps each recipient's PDF (well under a millisecond). */
export async function prepareBatch(model: LetterModel, options: BatchOptions): Promise<Batch> {
  const prepared = await prepareLetter(model, options);
  return { pageCount: prepared.pageCount, warnings: prepared.warnings, emit: (recipient) => stampLetter(prepared, recipient) };
}

/**
 * Renders recipients (convenience for tests, the CLI and the bench): one shared layout per
 * salutation height, unless `salutationLines` fixes one for all.
 */
export async function renderLetters<R extends RenderRecipient>(model: LetterModel, recipients: R[], options: Partial<BatchOptions> & { createdAt: Date }): Promise<{ letters: RenderedLetter<R>[]; warnings: string[]; pageCount: number }> {
  const extraTexts = options.extraTexts ?? recipientTexts(recipients);
  const groups = options.salutationLines !== undefined ? [{ salutationLines: options.salutationLines, recipients }] : bySalutationLines(recipients);
  const letters = new Map<R, RenderedLetter<R>>();
  const warnings = new Set<string>();
  let pageCount = 0;
  for (const group of groups.length > 0 ? groups : [{ salutationLines: 1, recipients }]) {
    const batch = await prepareBatch(model, { extraTexts, salutationLines: group.salutationLines, createdAt: options.createdAt });
    for (const warning of batch.warnings) warnings.add(warning);
    pageCount = Math.max(pageCount, batch.pageCount);
    for (const recipient of group.recipients) letters.set(recipient, batch.emit(recipient));
  }
  return { letters: recipients.map((recipient) => letters.get(recipient)!), warnings: [...warnings], pageCount };
}
