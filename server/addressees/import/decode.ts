import iconv from 'iconv-lite';

export type TextEncodingName = 'utf-8-bom' | 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

/**
 * Decodes a CSV file as German offices save it: a BOM decides (UTF-8 or Excel's UTF-16);
 * otherwise strict UTF-8, and if that fails Windows-1252 (German Excel's "CSV (Trennzeichen-getrennt)").
 * Character-set guessing is not used: on short German samples it cannot tell 1252 from 1250.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncodingName } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
    return { text: buffer.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  }
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return { text: iconv.decode(buffer.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (buffer[0] === 0xfe && buffer[1] === 0xff) return { text: iconv.decode(buffer.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buffer), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(buffer, 'windows-1252'), encoding: 'windows-1252' };
  }
}
