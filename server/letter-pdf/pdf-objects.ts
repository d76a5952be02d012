// The raw PDF pieces of the personal part, written without pdf-lib: deflated stream objects,
// the incremental update that appends them, and the QR code as a form of vector rectangles.
import { deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

/** A number as PDF content writes it: at most three decimals, no trailing zeros. */
export const fmt = (value: number) => {
  const fixed = value.toFixed(3);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
};

/** A complete indirect object with a deflated stream. */
export function streamObject(objectNumber: number, content: Buffer, dictPrefix: string): Buffer {
  const data = deflateSync(content, { level: 6 });
  const head = Buffer.from(`${objectNumber} 0 obj\n<< ${dictPrefix}/Length ${data.length} /Filter /FlateDecode >>\nstream\n`, 'latin1');
  return Buffer.concat([head, data, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
}

export type UpdateTrailer = { size: number; rootRef: string; infoRef: string; prevXref: number; /** First element of the trailer /ID, in hex (kept by every update). */ id: string };

/**
 * Appends objects with consecutive numbers starting at `firstNumber` as an incremental update;
 * its trailer repeats the /ID with `secondId` as the changing element (PDF/A wants an /ID in
 * the last trailer). Returns the bytes and the offset of the new xref section.
 */
export function appendUpdate(base: Buffer, objects: Buffer[], firstNumber: number, trailer: UpdateTrailer, secondId: string): { bytes: Buffer; xrefOffset: number } {
  let offset = base.length + 1;
  const parts: Buffer[] = [base, Buffer.from('\n', 'latin1')];
  let xref = `xref\n${firstNumber} ${objects.length}\n`;
  for (const object of objects) {
    xref += `${String(offset).padStart(10, '0')} 00000 n \n`;
    parts.push(object);
    offset += object.length;
  }
  xref += `trailer\n<< /Size ${trailer.size} /Root ${trailer.rootRef} /Info ${trailer.infoRef} /Prev ${trailer.prevXref} /ID [<${trailer.id}> <${secondId}>] >>\nstartxref\n${offset}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return { bytes: Buffer.concat(parts), xrefOffset: offset };
}

/** The QR code as vector rectangles (one per run of dark modules), with a 2-module margin inside the box. */
export function qrForm(url: string): { size: number; content: string } {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const margin = 2;
  const size = n + margin * 2;
  let content = `1 g 0 0 ${size} ${size} re f 0 g\n`;
  for (let row = 0; row < n; row += 1) {
    let col = 0;
    while (col < n) {
      if (!qr.modules.get(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < n && qr.modules.get(row, col)) col += 1;
      content += `${start + margin} ${size - margin - row - 1} ${col - start} 1 re\n`;
    }
  }
  content += 'f\n';
  return { size, content };
}
