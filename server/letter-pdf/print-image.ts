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
 * An image as printed: about 300 dpi of its printed size, flattened on white, as JPEG (pdf-lib
 * copies JPEG bytes as they are; a PNG would be decoded and deflated again, slower and larger).
 * A signature is printed in grey and drawn with the Multiply blend mode: its white paper
 * (transparent since upload) leaves whatever is beneath visible, it never covers a name.
 */
export async function printImage(bytes: Uint8Array, signature: boolean): Promise<Uint8Array> {
  try {
    let image = sharp(bytes, { failOn: 'error', limitInputPixels: 40_000_000 })
      .resize({ width: signature ? 400 : 260, height: 130, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' });
    if (signature) image = image.toColourspace('b-w');
    return new Uint8Array(await image.jpeg({ quality: signature ? 60 : 80, mozjpeg: true }).toBuffer());
  } catch {
    return bytes; // the painter reports it as unreadable
  }
}
