// Images as the letter prints them (logos, signatures), re-encoded once per batch, and the
// white paper of a scanned or drawn signature made transparent.
import sharp from 'sharp';

/** Pixels at least this light are paper; darker ones keep their ink, fading in between. */
const PAPER = 235;
const INK = 190;

/**
 * A signature image with its paper made transparent (near-white → alpha 0, a soft edge
 * towards the ink), as grey with alpha: it never covers a neighbouring name in the letter.
 */
export async function transparentPaper(input: Uint8Array, resize?: { width: number; height: number }): Promise<Buffer> {
  let image = sharp(input, { failOn: 'error', limitInputPixels: 40_000_000 });
  if (resize) image = image.resize({ ...resize, fit: 'inside', withoutEnlargement: true });
  // Flattened on white first, so an already transparent image keeps its look.
  const { data, info } = await image.flatten({ background: '#ffffff' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  const out = Buffer.alloc(info.width * info.height * 2);
  for (let i = 0, o = 0; i < data.length; i += info.channels, o += 2) {
    const grey = data[i]!;
    out[o] = grey;
    out[o + 1] = grey >= PAPER ? 0 : grey <= INK ? 255 : Math.round((255 * (PAPER - grey)) / (PAPER - INK));
  }
  return sharp(out, { raw: { width: info.width, height: info.height, channels: 2 } }).png({ compressionLevel: 9 }).toBuffer();
}

/**
 * An image as printed: about 300 dpi of its printed size. A signature keeps (or gets) a
 * transparent background, as PNG; a logo is flattened on white as JPEG (pdf-lib copies
 * JPEG bytes as they are).
 */
export async function printImage(bytes: Uint8Array, signature: boolean): Promise<Uint8Array> {
  try {
    if (signature) return new Uint8Array(await transparentPaper(bytes, { width: 400, height: 130 }));
    const image = sharp(bytes, { failOn: 'error', limitInputPixels: 40_000_000 }).resize({ width: 260, height: 130, fit: 'inside', withoutEnlargement: true });
    return new Uint8Array(await image.flatten({ background: '#ffffff' }).jpeg({ quality: 80, mozjpeg: true }).toBuffer());
  } catch {
    return bytes; // the painter reports it as unreadable
  }
}
