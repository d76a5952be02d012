// PDF/A-2u for every PDF the app makes. pdf-lib has no PDF/A API, so this adds what it lacks:
// an XMP metadata stream that repeats the document information exactly, an sRGB output
// intent, a deterministic trailer /ID and font names with a subset prefix. Fonts are
// embedded (TrueType subsets with ToUnicode, done by pdf-lib); nothing is encrypted.
import { createHash } from 'node:crypto';
import { PDFHexString, PDFName, PDFString } from 'pdf-lib';
import type { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import fontkit from '@pdf-lib/fontkit';

export type DocumentInfo = { title: string; subject?: string; author: string; keywords?: string; creator: string; producer: string; createdAt: Date };

let srgb: Promise<Buffer> | undefined;

/**
 * The sRGB ICC profile (v4, 480 bytes, CC0) that libvips ships inside sharp: taken from a 1×1
 * image tagged with it, so nothing is downloaded and the bytes are the same on every run.
 */
export function srgbProfile(): Promise<Buffer> {
  srgb ??= (async () => {
    const tagged = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } }).withIccProfile('srgb').png().toBuffer();
    const icc = (await sharp(tagged).metadata()).icc;
    if (!icc || icc.subarray(36, 40).toString('latin1') !== 'acsp' || icc.subarray(16, 20).toString('latin1') !== 'RGB ') throw new Error('sharp gave no sRGB ICC profile');
    return icc;
  })();
  return srgb;
}

const xml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** The XMP form of a date; the Info dictionary holds the same instant as D:YYYYMMDDHHmmSSZ. */
const xmpDate = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The XMP packet: PDF/A-2u identification and the document information, as the Info dictionary has it. */
export function xmpPacket(info: DocumentInfo): string {
  const alt = (value: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${xml(value)}</rdf:li></rdf:Alt>`;
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
    '<pdfaid:part>2</pdfaid:part>',
    '<pdfaid:conformance>U</pdfaid:conformance>',
    '<dc:format>application/pdf</dc:format>',
    `<dc:title>${alt(info.title)}</dc:title>`,
    `<dc:creator><rdf:Seq><rdf:li>${xml(info.author)}</rdf:li></rdf:Seq></dc:creator>`,
    ...(info.subject !== undefined ? [`<dc:description>${alt(info.subject)}</dc:description>`] : []),
    '<dc:language><rdf:Bag><rdf:li>de-DE</rdf:li></rdf:Bag></dc:language>',
    ...(info.keywords !== undefined ? [`<pdf:Keywords>${xml(info.keywords)}</pdf:Keywords>`] : []),
    `<pdf:Producer>${xml(info.producer)}</pdf:Producer>`,
    `<xmp:CreatorTool>${xml(info.creator)}</xmp:CreatorTool>`,
    `<xmp:CreateDate>${xmpDate(info.createdAt)}</xmp:CreateDate>`,
    `<xmp:ModifyDate>${xmpDate(info.createdAt)}</xmp:ModifyDate>`,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('\n');
}

/** 16 bytes as hex (the size of a classic /ID element), from a hash of the parts. */
export const idHex = (...parts: (string | Uint8Array)[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 32).toUpperCase();
};

/** Six capital letters for a font subset's name ("ABCDEF+SourceSans3-Regular"), the same for the same input. */
export const subsetTag = (seed: string) => [...createHash('sha256').update(seed).digest().subarray(0, 6)].map((byte) => String.fromCharCode(65 + (byte % 26))).join('');

/**
 * Sets the document information and everything PDF/A-2u needs in the catalog and trailer.
 * The /ID is derived from the information and the date: the same input gives the same bytes.
 */
export async function makePdfA(doc: PDFDocument, info: DocumentInfo): Promise<void> {
  doc.setTitle(info.title, { showInWindowTitleBar: true });
  doc.setAuthor(info.author);
  if (info.subject !== undefined) doc.setSubject(info.subject);
  if (info.keywords !== undefined) doc.setKeywords([info.keywords]);
  doc.setCreator(info.creator);
  doc.setProducer(info.producer);
  doc.setLanguage('de-DE');
  doc.setCreationDate(info.createdAt);
  doc.setModificationDate(info.createdAt);
  const { context, catalog } = doc;
  // Uncompressed, as PDF/A wants the metadata readable without a PDF parser.
  const metadata = context.stream(Buffer.from(xmpPacket(info), 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  catalog.set(PDFName.of('Metadata'), context.register(metadata));
  const profile = context.register(context.flateStream(await srgbProfile(), { N: 3 }));
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    RegistryName: PDFString.of('http://www.color.org'),
    DestOutputProfile: profile,
  });
  catalog.set(PDFName.of('OutputIntents'), context.obj([intent]));
  const id = PDFHexString.of(idHex(info.title, info.author, info.keywords ?? '', info.createdAt.toISOString()));
  context.trailerInfo.ID = context.obj([id, id]);
}

const postscriptNames = new Map<string, string>();

/** The name a font subset gets in the PDF: a tag from the font's key and its PostScript name. */
export function subsetFontName(key: string, bytes: Uint8Array): string {
  let name = postscriptNames.get(key);
  if (!name) {
    name = (fontkit.create(bytes).postscriptName ?? key).replace(/[^\x21-\x7e]|[()<>[\]{}/%#]/g, '');
    postscriptNames.set(key, name);
  }
  return `${subsetTag(`${key}:${name}`)}+${name}`;
}
