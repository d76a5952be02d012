// Several letters in one PDF for printing: every letter starts on a front side (duplex).
import { PDFDocument } from 'pdf-lib';
import { PAGE } from './page-geometry.ts';

export type CombineInput = { title: string; author: string; createdAt: Date; letters: Uint8Array[] };

export async function combineLetters({ title, author, createdAt, letters }: CombineInput): Promise<{ bytes: Uint8Array; pageCount: number }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title);
  doc.setAuthor(author);
  doc.setLanguage('de-DE');
  doc.setCreator('Mitzeichnen');
  doc.setProducer('Mitzeichnen (pdf-lib)');
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);
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
