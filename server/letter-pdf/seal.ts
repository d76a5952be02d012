// The electronic seal: one more incremental update after a letter's personal part, with a
// signature dictionary (/SubFilter /ETSI.CAdES.detached), an invisible signature field on
// page 1 and the AcroForm in a rewritten catalog (everything else of the catalog, such as the
// PDF/A metadata, is repeated unchanged). The placeholder is filled at once, synchronously:
// the offsets are known, the CMS comes from cms.ts. The same bytes, certificate and time give
// the same sealed bytes (RSA PKCS#1 v1.5 signatures are deterministic).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PDFDocument, PDFPage } from 'pdf-lib';
import { PDFArray, PDFHexString, PDFName, PDFRef } from 'pdf-lib';
import { Signer } from '@signpdf/utils';
import { readPkcs12 } from '../shared/pkcs12.ts';
import { createCmsSigner } from './cms.ts';
import type { CmsSigner } from './cms.ts';
import { idHex } from './pdfa.ts';
import { TIMESTAMP_RESERVE, addSignatureTimestamp, eachLimited } from './timestamp.ts';
import type { TsaSettings } from './timestamp.ts';

/** What the operator configured (SEAL_P12_FILE, SEAL_P12_PASSWORD, SEAL_TSA_URL) and who the certificate names. */
export type SealSettings = { p12File: string; password: string; holder: string; tsa?: TsaSettings | undefined };

export type Sealer = CmsSigner & { holder: string };

const sealers = new Map<string, Sealer>();

/**
 * The sealer of a PKCS#12 file, read once per process (per worker thread). With a timestamp
 * server its placeholder keeps room for the token (added later by addSignatureTimestamp).
 */
export function loadSealer(settings: Pick<SealSettings, 'p12File' | 'password' | 'tsa'>): Sealer {
  const key = `${settings.p12File}\0${settings.password}\0${settings.tsa ? 'tsa' : ''}`;
  let sealer = sealers.get(key);
  if (!sealer) {
    const certificate = readPkcs12(readFileSync(settings.p12File), settings.password);
    const signer = createCmsSigner(certificate.privateKey, certificate.certificates);
    sealer = { ...signer, maxSize: signer.maxSize + (settings.tsa ? TIMESTAMP_RESERVE : 0), holder: certificate.holder };
    sealers.set(key, sealer);
  }
  return sealer;
}

/** The same CMS for @signpdf/signpdf (`signpdf.sign(pdf, new SealSigner(sealer))` on a placeholder made elsewhere). */
export class SealSigner extends Signer {
  readonly sealer: CmsSigner;
  constructor(sealer: CmsSigner) {
    super();
    this.sealer = sealer;
  }
  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    return this.sealer.sign(createHash('sha256').update(pdfBuffer).digest());
  }
}

/** What a seal update must repeat of the shared part: the catalog and page 1's annotations as written, as plain strings. */
export type SealTemplate = { rootObject: number; catalog: string; pageObject: number; annotsObject: number; annots: string };

/** Reads the catalog and page 1's annotations (an object of their own) after the shared part was saved. */
export function sealTemplate(doc: PDFDocument, firstPage: PDFPage): SealTemplate {
  const annotsRef = firstPage.node.get(PDFName.of('Annots'));
  if (!(annotsRef instanceof PDFRef)) throw new Error('page 1 needs its annotations as an object of their own');
  const catalog = doc.catalog
    .entries()
    .filter(([name]) => name.asString() !== '/AcroForm')
    .map(([name, value]) => `${name.toString()} ${value.toString()}`)
    .join('\n');
  return {
    rootObject: (doc.context.trailerInfo.Root as PDFRef).objectNumber,
    catalog,
    pageObject: firstPage.ref.objectNumber,
    annotsObject: annotsRef.objectNumber,
    annots: doc.context.lookup(annotsRef, PDFArray).asArray().map((item) => item.toString()).join(' '),
  };
}

/** A text string as PDF writes it: UTF-16BE with a byte order mark, in hex. */
const textString = (value: string) => {
  const utf16 = Buffer.from(`\uFEFF${value}`, 'utf16le').swap16();
  return `<${utf16.toString('hex').toUpperCase()}>`;
};
const pdfDate = (date: Date) => `(D:${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z)`;

const BYTE_RANGE_PLACEHOLDER = '/ByteRange [0 /********** /********** /**********]';

export type SealInput = {
  /** The letter as stamped, ending with its own startxref/%%EOF. */
  pdf: Buffer;
  /** Offset of the last xref section of `pdf`. */
  prevXref: number;
  /** First free object number (the /Size of `pdf`). */
  size: number;
  infoRef: string;
  /** The first element of the trailer /ID (kept), in hex. */
  id: string;
  template: SealTemplate;
  sealer: Sealer;
  at: Date;
  reason: string;
  location: string;
};

/** The letter with the seal update appended and signed. */
export function sealPdf({ pdf, prevXref, size, infoRef, id, template, sealer, at, reason, location }: SealInput): Buffer {
  const sig = size;
  const widget = size + 1;
  const appearance = size + 2;
  const contentsHex = 2 * sealer.maxSize;
  const sigHead = `${sig} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached ${BYTE_RANGE_PLACEHOLDER} /Contents <`;
  const sigTail = `> /M ${pdfDate(at)} /Name ${textString(sealer.holder)} /Reason ${textString(reason)} /Location ${textString(location)} >>\nendobj\n`;
  const objects: [number, Buffer][] = [
    [sig, Buffer.concat([Buffer.from(sigHead, 'latin1'), Buffer.alloc(contentsHex, '0'), Buffer.from(sigTail, 'latin1')])],
    // Invisible (zero size) but printable and locked, as PDF/A wants annotations to be.
    [widget, Buffer.from(`${widget} 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T (Siegel) /V ${sig} 0 R /F 132 /Rect [0 0 0 0] /P ${template.pageObject} 0 R /AP << /N ${appearance} 0 R >> >>\nendobj\n`, 'latin1')],
    [appearance, Buffer.from(`${appearance} 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 0 0] /Length 0 >>\nstream\n\nendstream\nendobj\n`, 'latin1')],
    [template.rootObject, Buffer.from(`${template.rootObject} 0 obj\n<<\n${template.catalog}\n/AcroForm << /Fields [${widget} 0 R] /SigFlags 3 >>\n>>\nendobj\n`, 'latin1')],
    [template.annotsObject, Buffer.from(`${template.annotsObject} 0 obj\n[${template.annots ? `${template.annots} ` : ''}${widget} 0 R]\nendobj\n`, 'latin1')],
  ];
  objects.sort((a, b) => a[0] - b[0]);
  const parts: Buffer[] = [pdf, Buffer.from('\n', 'latin1')];
  let offset = pdf.length + 1;
  const offsets = new Map<number, number>();
  for (const [number, bytes] of objects) {
    offsets.set(number, offset);
    parts.push(bytes);
    offset += bytes.length;
  }
  const sigOffset = offsets.get(sig)!;
  // xref subsections: runs of consecutive object numbers.
  let xref = 'xref\n';
  for (let i = 0; i < objects.length; ) {
    let j = i;
    while (j + 1 < objects.length && objects[j + 1]![0] === objects[j]![0] + 1) j += 1;
    xref += `${objects[i]![0]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k += 1) xref += `${String(offsets.get(objects[k]![0])).padStart(10, '0')} 00000 n \n`;
    i = j + 1;
  }
  const second = idHex(id, pdf.subarray(Math.max(0, pdf.length - 4096)), String(pdf.length));
  xref += `trailer\n<< /Size ${size + 3} /Root ${template.rootObject} 0 R /Info ${infoRef} /Prev ${prevXref} /ID [<${id}> <${second}>] >>\nstartxref\n${offset}\n%%EOF`;
  parts.push(Buffer.from(xref, 'latin1'));
  const out = Buffer.concat(parts);

  // Fill the placeholder: the byte range around /Contents <…>, then the CMS over those bytes.
  const byteRangeAt = sigOffset + sigHead.indexOf('/ByteRange');
  const contentsStart = sigOffset + sigHead.length - 1;
  const contentsEnd = contentsStart + contentsHex + 2;
  const byteRange = `/ByteRange [0 ${contentsStart} ${contentsEnd} ${out.length - contentsEnd}]`;
  out.write(byteRange.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), byteRangeAt, 'latin1');
  const digest = createHash('sha256').update(out.subarray(0, contentsStart)).update(out.subarray(contentsEnd)).digest();
  const cms = sealer.sign(digest);
  if (cms.length > sealer.maxSize) throw new Error(`seal larger than its placeholder: ${cms.length} > ${sealer.maxSize}`);
  out.write(cms.toString('hex'), contentsStart + 1, 'latin1');
  return out;
}

/**
 * Saves a whole pdf-lib document (e.g. a record made with createPdfDocument) and seals it as a
 * letter is sealed: the same update, certificate and placeholder, so `pdfsig` finds it valid.
 */
export async function saveSealed(doc: PDFDocument, { settings, at, location, reason }: { settings: SealSettings; at: Date; location: string; reason: string }): Promise<Buffer> {
  const page = doc.getPage(0);
  page.node.set(PDFName.of('Annots'), doc.context.register(page.node.Annots() ?? doc.context.obj([])));
  const saved = Buffer.from(await doc.save({ useObjectStreams: false }));
  const prevXref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(saved.subarray(-64).toString('latin1'))?.[1]);
  if (!Number.isFinite(prevXref)) throw new Error('pdf-lib output without a classic xref table');
  const { trailerInfo } = doc.context;
  const id = (trailerInfo.ID as PDFArray | undefined)?.lookup(0, PDFHexString).asString() ?? idHex(saved);
  const template = sealTemplate(doc, page);
  const sealed = sealPdf({ pdf: saved, prevXref, size: doc.context.largestObjectNumber + 1, infoRef: trailerInfo.Info!.toString(), id, template, sealer: loadSealer(settings), at, reason, location });
  return settings.tsa ? Buffer.from(await addSignatureTimestamp(sealed, settings.tsa)) : sealed;
}

/** Adds the signature timestamp to sealed letters when a timestamp server is configured (a few requests at a time); their hashes follow. */
export async function timestampLetters<L extends { bytes: Uint8Array; sha256: string }>(letters: L[], settings: SealSettings | undefined): Promise<L[]> {
  const tsa = settings?.tsa;
  if (!tsa) return letters;
  return eachLimited(letters, 4, async (letter) => {
    const bytes = await addSignatureTimestamp(letter.bytes, tsa);
    return { ...letter, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}
