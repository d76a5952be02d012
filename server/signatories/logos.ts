// The images of a signatory, checked and re-encoded before they are stored: the organisation's
// logo and the representative's drawn or uploaded signature.
import { createHash } from 'node:crypto';
import type fontkitModule from '@pdf-lib/fontkit';
import type sharpModule from 'sharp';
import type { MessageKey } from '../i18n/index.ts';
import { createChildJobRunner } from '../jobs/child-job.ts';
import type { FieldErrors } from '../shared/form.ts';
import { createGate, GateFullError } from '../jobs/job-gate.ts';
import type { UploadedFile } from '../shared/uploaded-file.ts';
import { JobFailedError, JobTimeoutError } from '../jobs/worker-job.ts';
import { fontBytes } from '../letter-pdf/fonts.ts';
import { transparentPaper } from '../letter-pdf/print-image.ts';
import type { SvgRasterInput } from './svg-raster.job.ts';

// sharp is loaded with the first logo, not at start (about 20 MB and 0.3 s that a server process
// without uploads does not need); fontkit likewise where nothing else has loaded it yet.
const sharp = async () => (await import('sharp')).default as typeof sharpModule;
const fontkit = async () => (await import('@pdf-lib/fontkit')).default as typeof fontkitModule;

export const MAX_LOGO_BYTES = 5 * 1024 * 1024;
// Pixel-flood guard: a small file may still decode to gigabytes of pixels.
const MAX_INPUT_PIXELS = 40_000_000;
// Logos are printed about 25 mm wide; 600 × 300 px is ample and keeps letters small.
const LOGO_BOX = { width: 600, height: 300 };
/** Time an SVG may take to rasterise; librsvg cannot be stopped, so it runs in a process that is killed. */
export const SVG_BUDGET_MS = 1000;
/** Time a PNG or JPEG may take to decode and re-encode (sharp stops it). */
export const RASTER_BUDGET_SECONDS = 3;
const SVG_DENSITY = 150;

// Heavy image jobs wait in line: at most two SVG processes (two cores) and two PNG/JPEG jobs in
// sharp (of the four threads of the libuv pool) at a time, so that a burst of hostile images
// leaves room for everything else. Beyond the line, an upload is refused with a message.
const svgJobs = createGate({ concurrency: 2, maxWaiting: 16 });
const rasterJobs = createGate({ concurrency: 2, maxWaiting: 32 });
const rasteriseSvg = createChildJobRunner<SvgRasterInput, Uint8Array>(new URL('./svg-raster.job.ts', import.meta.url), { timeoutMs: SVG_BUDGET_MS, maxMemoryMb: 256 });

type ImageType = 'png' | 'jpeg' | 'svg';

/** The image type by content, whatever the file is called. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const head = Buffer.from(bytes.subarray(0, 4096))
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .replace(/<\?xml[\s\S]*?\?>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!DOCTYPE[^>[]*>/i, '')
    .trimStart();
  if (/^<svg[\s>]/i.test(head)) return 'svg';
  return undefined;
}

export type ImageProblem = 'tooLarge' | 'empty' | 'notAnImage' | 'unreadable' | 'tooManyPixels' | 'tooSlow' | 'busy';
export type ImageResult = { ok: true; png: Buffer } | { ok: false; problem: ImageProblem };

/**
 * Checks an uploaded image by its content and re-encodes it as a PNG inside `box`: scripts in
 * an SVG, metadata and anything else in the original never reach storage.
 */
export async function reencodeImage(
  file: Pick<UploadedFile, 'bytes' | 'tooLarge'>,
  { box, allowSvg }: { box: { width: number; height: number }; allowSvg: boolean },
): Promise<ImageResult> {
  if (file.tooLarge) return { ok: false, problem: 'tooLarge' };
  if (file.bytes.length === 0) return { ok: false, problem: 'empty' };
  const type = sniffImageType(file.bytes);
  if (!type || (type === 'svg' && !allowSvg)) return { ok: false, problem: 'notAnImage' };
  // Entity declarations are how XML bombs start; an image never needs them.
  if (type === 'svg' && /<!ENTITY/i.test(file.bytes.toString('utf8'))) return { ok: false, problem: 'unreadable' };
  try {
    if (type === 'svg') {
      const input: SvgRasterInput = { svg: file.bytes, box, maxInputPixels: MAX_INPUT_PIXELS, density: SVG_DENSITY };
      const png = await svgJobs.run(() => rasteriseSvg(input));
      return { ok: true, png: Buffer.from(png.buffer, png.byteOffset, png.byteLength) };
    }
    const image = await sharp();
    const png = await rasterJobs.run(() =>
      image(file.bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
        .timeout({ seconds: RASTER_BUDGET_SECONDS })
        .rotate()
        .resize({ ...box, fit: 'inside', withoutEnlargement: true })
        .png({ compressionLevel: 9, palette: true, quality: 90, effort: 7 })
        .toBuffer(),
    );
    return { ok: true, png };
  } catch (error) {
    if (error instanceof GateFullError) return { ok: false, problem: 'busy' };
    if (error instanceof JobTimeoutError || /timeout/i.test(String(error))) return { ok: false, problem: 'tooSlow' };
    const message = error instanceof JobFailedError ? error.message : String(error);
    return { ok: false, problem: /pixel limit/i.test(message) ? 'tooManyPixels' : 'unreadable' };
  }
}

const logoProblems: Record<ImageProblem, MessageKey> = {
  tooLarge: 'logo.tooLarge',
  empty: 'logo.empty',
  notAnImage: 'logo.notAnImage',
  unreadable: 'logo.unreadable',
  tooManyPixels: 'logo.tooManyPixels',
  tooSlow: 'logo.tooSlow',
  busy: 'logo.busy',
};

export type LogoResult = { ok: true; png: Buffer } | { ok: false; error: MessageKey };

/** A logo: PNG, JPEG or SVG, re-encoded to at most 600 × 300 px. */
export async function reencodeLogo(file: UploadedFile): Promise<LogoResult> {
  const result = await reencodeImage(file, { box: LOGO_BOX, allowSvg: true });
  return result.ok ? result : { ok: false, error: logoProblems[result.problem] };
}

export const MAX_SIGNATURE_BYTES = 5 * 1024 * 1024;
// A signature is printed about 50 mm wide; 900 × 300 px is plenty.
const SIGNATURE_BOX = { width: 900, height: 300 };

const signatureProblems: Record<ImageProblem, MessageKey> = {
  tooLarge: 'signing.image.tooLarge',
  empty: 'signing.image.empty',
  notAnImage: 'signing.image.notAnImage',
  unreadable: 'signing.image.unreadable',
  tooManyPixels: 'signing.image.unreadable',
  tooSlow: 'signing.image.unreadable',
  busy: 'signing.image.busy',
};

/**
 * A drawn signature (a PNG data URL from the signing page) or an uploaded image (PNG or
 * JPEG, never SVG), re-encoded to at most 900 × 300 px with its paper transparent; or the
 * problem at its form field.
 */
export async function reencodeSignature({
  kind,
  drawn,
  upload,
}: {
  kind: 'drawn' | 'image';
  drawn: string;
  upload: UploadedFile | undefined;
}): Promise<{ ok: true; png: Buffer } | { ok: false; errors: FieldErrors }> {
  const field = kind === 'drawn' ? 'signatureKind' : 'signatureImage';
  let source: Pick<UploadedFile, 'bytes' | 'tooLarge'>;
  if (kind === 'drawn') {
    const match = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(drawn);
    if (!match) return { ok: false, errors: { signatureKind: 'signing.drawnMissing' } };
    source = { bytes: Buffer.from(match[1]!, 'base64'), tooLarge: false };
  } else {
    if (!upload) return { ok: false, errors: { signatureImage: 'signing.image.missing' } };
    source = upload;
  }
  const image = await reencodeImage(source, { box: SIGNATURE_BOX, allowSvg: false });
  if (!image.ok) return { ok: false, errors: { [field]: signatureProblems[image.problem] } };
  // The paper of a scan or photo is made transparent, so the signature never covers a name beside it.
  try {
    return { ok: true, png: await rasterJobs.run(() => transparentPaper(image.png)) };
  } catch (error) {
    return { ok: false, errors: { [field]: signatureProblems[error instanceof GateFullError ? 'busy' : 'unreadable'] } };
  }
}

// Calm, dark colours with white text at a contrast above 4.5:1.
const PLACEHOLDER_COLOURS = ['#1d4f7a', '#7a2e1d', '#2f5d3a', '#5b3a78', '#7a5a1d', '#1d6a6a', '#4a4a4a', '#8a2846'];

/**
 * A placeholder logo for demo data and organisations without one: the short name in white
 * on a coloured field. The letters are drawn as outlines from the bundled font, so the
 * result does not depend on fonts installed on the server.
 */
export async function placeholderLogo(label: string): Promise<Buffer> {
  const text = label.trim().slice(0, 8) || '?';
  const font = (await fontkit()).create(fontBytes('bold'));
  const run = font.layout(text);
  const width = 480;
  const height = 240;
  const advance = run.positions.reduce((sum, position) => sum + position.xAdvance, 0);
  const scale = Math.min((height * 0.5) / font.capHeight, (width * 0.8) / advance);
  let x = (width - advance * scale) / 2;
  const baseline = height / 2 + (font.capHeight * scale) / 2;
  const paths = run.glyphs.map((glyph, index) => {
    const d = glyph.path.toSVG();
    const path = `<path transform="translate(${x.toFixed(2)} ${baseline.toFixed(2)}) scale(${scale.toFixed(5)} ${(-scale).toFixed(5)})" d="${d}"/>`;
    x += (run.positions[index]?.xAdvance ?? 0) * scale;
    return path;
  });
  const digest = createHash('sha256').update(text).digest();
  const colour = PLACEHOLDER_COLOURS[(digest[0] ?? 0) % PLACEHOLDER_COLOURS.length];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="${width}" height="${height}" rx="24" fill="${colour}"/><g fill="#ffffff">${paths.join('')}</g></svg>`;
  return (await sharp())(Buffer.from(svg)).png({ compressionLevel: 9, palette: true }).toBuffer();
}
