// Runs in a child process (see logos.ts): rasterises an SVG with sharp/librsvg and re-encodes
// it as a PNG. A process of its own, because librsvg cannot be interrupted in the middle of
// rendering, but a process can be killed.
import sharp from 'sharp';

export type SvgRasterInput = { svg: Uint8Array; box: { width: number; height: number }; maxInputPixels: number; density: number };

sharp.cache(false);
sharp.concurrency(1);

export default async function rasteriseSvg({ svg, box, maxInputPixels, density }: SvgRasterInput): Promise<Uint8Array> {
  return sharp(Buffer.from(svg), { limitInputPixels: maxInputPixels, failOn: 'error', density })
    .rotate()
    .resize({ ...box, fit: 'inside', withoutEnlargement: true })
    .png({ compressionLevel: 9, palette: true, quality: 90, effort: 7 })
    .toBuffer();
}
