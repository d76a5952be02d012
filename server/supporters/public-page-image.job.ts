// Runs in a child process (public-page-image.ts): rasterises the share image's SVG with
// sharp/librsvg. A process of its own, so that a slow render can be killed and never holds
// the server's event loop or thread pool.
import sharp from 'sharp';

sharp.cache(false);
sharp.concurrency(1);

export default async function rasteriseShareImage({ svg }: { svg: string }): Promise<Uint8Array> {
  return sharp(Buffer.from(svg, 'utf8'), { density: 72, limitInputPixels: 1200 * 630 * 4, failOn: 'error' })
    .resize({ width: 1200, height: 630, fit: 'fill' })
    .png({ compressionLevel: 9, palette: true })
    .toBuffer();
}
