// Several letters in one PDF for printing: every letter starts on a front side (duplex).
import { createHash } from 'node:crypto';
import { PDFDocument, PDFHexString } from 'pdf-lib';
import { idHex, makePdfA } from './pdfa.ts';
import { PAGE } from './page-geometry.ts';

export type CombineInput = { title: string; author: string; createdAt: Date; letters: Uint8Array[] };

export async function combineLetters({ title, author, createdAt, letters }: CombineInput): Promise<{ bytes: Uint8Array; pageCount: number }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  // PDF/A-2u like the letters (their pages, fonts and images are copied as they are; seals are not).
  await makePdfA(doc, { title, author, creator: 'Mitzeichnen', producer: 'Mitzeichnen (pdf-lib)', createdAt });
  const id = PDFHexString.of(idHex(title, createdAt.toISOString(), ...letters.map((letter) => createHash('sha256').update(letter).digest('hex'))));
  doc.context.trailerInfo.ID = doc.context.obj([id, id]);
  for (const letter of letters) {
    const source = await PDFDocument.load(letter, { updateMetadata: false });
    const pages = await doc.copyPages(source, source.getPageIndices());
    for (const page of pages) doc.addPage(page);
    // Duplex printing: every letter starts on a front side.
    if (pages.length % 2 === 1 && letters.length > 1) doc.addPage([PAGE.width, PAGE.height]);
  }
  const bytes = await doc.save({ useObjectStreams: false });
  return { bytes, pageCount: doc.getPageCount() };
}
