// The renderer. The shared letter (letterhead, body, signatures, page numbers) is laid out
// and saved ONCE per batch with pdf-lib. Each letter is then those bytes plus a small
// incremental update that defines a few objects the shared part already points to:
// one overlay content stream per page (address field, salutation, footer line) and one
// form XObject with the QR code. No pdf-lib work happens per letter.
//
// Fonts are subset once per batch; the subset covers every character of every recipient
// passed in `extraTexts` (ligatures are off, so glyphs do not depend on context).
import { BlendMode, PDFDocument, PDFString, degrees, rgb } from 'pdf-lib';
import type { PDFFont, PDFImage, PDFPage } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import { t } from '../i18n/index.ts';
import { fontBytes } from './fonts.ts';
import type { LetterModel, RenderRecipient } from './letter-model.ts';
import { layoutLetter } from './letter-layout.ts';
import { PAGE } from './page-geometry.ts';
import type { Op } from './page-geometry.ts';
import { printImage } from './print-image.ts';
import { fontFeatures, segment, segmentsWidth, textOutline } from './text-measure.ts';
import { makePdfA, subsetFontName } from './pdfa.ts';
import type { SealSettings } from './seal.ts';
import { footerLine, replyLine, reserveOverlay, saveBase, sealLine, sealPreparation, stampLetter } from './letter-stamp.ts';
import type { PreparedLetter, RenderedLetter } from './letter-stamp.ts';
import { tagPages, type PageTagger } from './structure.ts';
import type { FontKey } from './text-measure.ts';

// What the main thread needs of the renderer lives in letter-identity.ts (no pdf-lib there).
import { CODE_ALPHABET, bySalutationLines, recipientTexts } from './letter-identity.ts';
export { CODE_ALPHABET, RENDERER_VERSION, bySalutationLines, recipientTexts, salutationLinesFor, verificationUrl } from './letter-identity.ts';

export { footerLine, sealLine, stampLetter } from './letter-stamp.ts';
export type { PreparedLetter, RenderedLetter } from './letter-stamp.ts';

export type BatchOptions = {
  /** Texts of all letters that may be emitted from this batch (address lines, salutations). */
  extraTexts: string[];
  /** Lines reserved for the salutation. */
  salutationLines: number;
  /** PDF creation date (from the injected clock); also the time of the seal. */
  createdAt: Date;
  /** Seal every letter with this certificate (SEAL_P12_FILE); without it no seal. */
  seal?: SealSettings;
};

export type Fonts = { get(key: FontKey): Promise<PDFFont>; embedded(): Map<FontKey, PDFFont> };

export function createFonts(doc: PDFDocument): Fonts {
  const embedded = new Map<FontKey, PDFFont>();
  return {
    async get(key) {
      let font = embedded.get(key);
      if (!font) {
        // PDF/A wants a subset's name to carry a tag ("ABCDEF+"); pdf-lib writes none of its own.
        font = await doc.embedFont(fontBytes(key), { subset: true, features: fontFeatures as unknown as Record<string, boolean>, customName: subsetFontName(key, fontBytes(key)) });
        embedded.set(key, font);
      }
      return font;
    },
    embedded: () => embedded,
  };
}

const flipY = (y: number) => PAGE.height - y;
const gray = (value = 0) => rgb(value, value, value);

export async function paint(doc: PDFDocument, page: PDFPage, ops: Op[], fonts: Fonts, images: Map<string, Uint8Array>, embeddedImages: Map<string, PDFImage | null>, warnings: Set<string>, tags?: PageTagger) {
  for (const op of ops) {
    // Marked content of the op's structure element (structure.ts); a link is an annotation, no content.
    if (op.kind !== 'link') tags?.open(op);
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
  tags?.end();
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
  await makePdfA(doc, { title, ...(subject !== undefined ? { subject } : {}), author: coalitionName, keywords: `${coalitionName} ${slug}`, creator: 'Mitzeichnen', producer: 'Mitzeichnen (pdf-lib)', createdAt });
  return doc;
}

/** The characters of a reply link's token (32 random bytes in base64url, shared/tokens.ts). */
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Every character the personal parts may print, sorted, and the fonts they need. */
function overlayCharacters(baseUrl: string, extraTexts: string[]): { sortedChars: string; fontKeys: FontKey[] } {
  const chars = new Set<string>();
  for (const text of [...extraTexts, footerLine(baseUrl, CODE_ALPHABET), CODE_ALPHABET, '-', replyLine(`${baseUrl}/r/${TOKEN_ALPHABET}`)]) for (const char of text) chars.add(char);
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

/** Lays out and saves the shared letter once (the expensive part: layout, fonts, images). */
export async function prepareLetter(model: LetterModel, options: BatchOptions): Promise<PreparedLetter> {
  const layout = layoutLetter(model, { salutationLines: options.salutationLines });
  const warnings = new Set(layout.warnings);
  const doc = await createDocument(model, options.createdAt);
  const fonts = createFonts(doc);
  // Pre-encode everything the personal parts may print, in a fixed order, so that the
  // subset has the glyphs and the glyph ids do not depend on which letters are emitted.
  const overlayChars = overlayCharacters(model.baseUrl, options.seal ? [...options.extraTexts, sealLine(options.seal.holder)] : options.extraTexts);

  // Images are printed small: re-encode them once per batch (see printImage).
  for (const [key, bytes] of layout.images) layout.images.set(key, await printImage(bytes, key.startsWith('sig:')));
  const pages = layout.pages.map(() => doc.addPage([PAGE.width, PAGE.height]));
  const embeddedImages = new Map<string, PDFImage | null>();
  const tags = tagPages(doc, pages);
  for (const [index, page] of pages.entries()) await paint(doc, page, layout.pages[index]!, fonts, layout.images, embeddedImages, warnings, tags.page(index));
  const overlayTags = tags.finishLetter(layout.salutation.y);

  // Encode the overlay characters after the shared text (so the shared part's glyph ids are stable).
  const { overlayFonts, glyphHex } = await encodeOverlay(fonts, overlayChars);
  const { headRef, overlayRefs, qrRef, resourceNames, replyLink } = reserveOverlay(doc, pages, overlayFonts);
  // The /ID comes from what the pages show (tag group names are counters, not content).
  const base = await saveBase(doc, JSON.stringify(layout.pages, (key, value: unknown) => (key === 'tag' ? undefined : value)));
  return {
    pageCount: pages.length,
    warnings: [...warnings],
    baseUrl: model.baseUrl,
    base: new Uint8Array(base.buffer.buffer, base.buffer.byteOffset, base.buffer.byteLength),
    trailer: base.trailer,
    salutation: { y: layout.salutation.y, lines: layout.salutation.lines },
    glyphHex: Object.fromEntries(glyphHex),
    resourceNames: resourceNames.map((names) => ({ fontNames: Object.fromEntries(names.fontNames), qrName: names.qrName })),
    headObject: headRef.objectNumber,
    overlayObjects: overlayRefs.map((ref) => ref.objectNumber),
    qrObject: qrRef.objectNumber,
    replyLink,
    overlayTags,
    ...(options.seal ? { seal: sealPreparation(doc, pages[0]!, options.seal, options.createdAt, model.baseUrl) } : {}),
  };
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
    const batch = await prepareBatch(model, { extraTexts, salutationLines: group.salutationLines, createdAt: options.createdAt, ...(options.seal ? { seal: options.seal } : {}) });
    for (const warning of batch.warnings) warnings.add(warning);
    pageCount = Math.max(pageCount, batch.pageCount);
    for (const recipient of group.recipients) letters.set(recipient, batch.emit(recipient));
  }
  return { letters: recipients.map((recipient) => letters.get(recipient)!), warnings: [...warnings], pageCount };
}
