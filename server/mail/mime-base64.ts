// Base64 as a MIME body carries it: lines of 76 characters, CRLF between them (RFC 2045 §6.8),
// no line end after the last. The letter PDF's lines are made in the PDF worker that made its
// bytes, so the event loop that sends does not encode 130 KB per letter.

const LINE = 76;
const INPUT_PER_LINE = (LINE / 4) * 3;

export function mimeBase64(bytes: Uint8Array): Uint8Array {
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lines = Math.max(Math.ceil(source.length / INPUT_PER_LINE), 1);
  const out = Buffer.allocUnsafe(Math.ceil(source.length / 3) * 4 + (lines - 1) * 2);
  let at = 0;
  for (let from = 0; from < source.length; from += INPUT_PER_LINE) {
    if (from > 0) {
      out[at++] = 0x0d;
      out[at++] = 0x0a;
    }
    at += out.write(source.toString('base64', from, Math.min(from + INPUT_PER_LINE, source.length)), at, 'latin1');
  }
  return out.subarray(0, at);
}
