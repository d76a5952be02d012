// Images as the letter prints them (logos, signatures), re-encoded once per batch.
import sharp from 'sharp';

/**
 * An image as printed: about 300 dpi of its printed size. A signature keeps its transparency
 * (grey with alpha, as PNG), so it never covers a neighbouring name; a logo is flattened on
 * white as JPEG (pdf-lib copies JPEG bytes as they are).
 */
export async function printImage(bytes: Uint8Array, signature: boolean): Promise<Uint8Array> {
  try {
    const image = sharp(bytes, { failOn: 'error', limitInputPixels: 40_000_000 }).resize({ width: signature ? 400 : 260, height: 130, fit: 'inside', withoutEnlargement: true });
    if (signature) return new Uint8Array(await image.ensureAlpha().toColourspace('b-w').png({ compressionLevel: 9, palette: false }).toBuffer());
    return new Uint8Array(await image.flatten({ background: '#ffffff' }).jpeg({ quality: 80, mozjpeg: true }).toBuffer());
  } catch {
    return bytes; // the painter reports it as unreadable
  }
}
