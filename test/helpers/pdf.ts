import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const MM = 72 / 25.4;
export type PdfTextItem = { str: string; page: number; xMm: number; yMm: number; widthMm: number; size: number };

/** Text items with positions in millimetres from the top-left corner of each page. */
export async function pdfTextItems(bytes: Uint8Array): Promise<{ pages: number; items: PdfTextItem[] }> {
  const doc = await getDocument({ data: new Uint8Array(bytes), verbosity: 0, useSystemFonts: false, isEvalSupported: false }).promise;
  const items: PdfTextItem[] = [];
  for (let page = 1; page <= doc.numPages; page += 1) {
    const p = await doc.getPage(page);
    const height = p.view[3]!;
    const content = await p.getTextContent();
    for (const item of content.items) {
      if (!('str' in item) || item.str.trim() === '') continue;
      const [, , , d, e, f] = item.transform as number[];
      items.push({ str: item.str, page, xMm: e! / MM, yMm: (height - f!) / MM, widthMm: item.width / MM, size: Math.abs(d!) });
    }
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, items };
}

/** Runs a poppler tool on the bytes (pdftotext, pdffonts …) and returns stdout. */
export function poppler(tool: 'pdftotext' | 'pdffonts' | 'pdfinfo', bytes: Uint8Array, args: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'mz-pdf-'));
  try {
    const file = join(dir, 'letter.pdf');
    writeFileSync(file, bytes);
    const tail = tool === 'pdftotext' ? [file, '-'] : [file];
    return execFileSync(tool, [...args, ...tail], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
