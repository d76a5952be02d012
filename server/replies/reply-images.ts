// Images attached to replies (a photo of a letter, a scanned page) are re-encoded before they
// are stored, as logos are: decoded by sharp in the libuv pool (off the event loop), at most two
// at a time, with a pixel limit (a small file may unpack to gigabytes) and a time budget. What
// is stored are fresh pixels: EXIF (GPS position, camera), comments and anything hidden in the
// file stay behind. JPEG stays JPEG; PNG and WebP become PNG.
import type sharpModule from 'sharp';
import type { MessageKey } from '../i18n/index.ts';
import { createGate, GateFullError } from '../jobs/job-gate.ts';
import type { ReplyFileType } from './reply-files.ts';

// Loaded with the first image (about 20 MB a process without replies does not need).
const sharp = async () => (await import('sharp')).default as typeof sharpModule;

/** A scanned A4 page at 300 dpi has 8.7 million pixels; a phone photo up to about 50. */
export const MAX_REPLY_IMAGE_PIXELS = 60_000_000;
/** Stored at most this wide and high (an A4 page at 300 dpi fits). */
const REPLY_IMAGE_BOX = { width: 4000, height: 4000 };
const BUDGET_SECONDS = 10;

const imageJobs = createGate({ concurrency: 2, maxWaiting: 16 });

/** What an attachment is by its bytes when it is an image the replies take. */
export function sniffReplyImage(bytes: Uint8Array): 'png' | 'jpeg' | 'webp' | undefined {
  const head = Buffer.from(bytes.subarray(0, 12));
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  return undefined;
}

export type ReplyImageResult = { ok: true; bytes: Uint8Array; type: ReplyFileType } | { ok: false; error: MessageKey };

/** Re-encodes one image (turned upright by its EXIF orientation, then without any metadata). */
export async function reencodeReplyImage(bytes: Uint8Array, kind: 'png' | 'jpeg' | 'webp'): Promise<ReplyImageResult> {
  const image = await sharp();
  try {
    const out = await imageJobs.run(async () => {
      const pipeline = image(bytes, { limitInputPixels: MAX_REPLY_IMAGE_PIXELS, failOn: 'error' })
        .timeout({ seconds: BUDGET_SECONDS })
        .rotate()
        .resize({ ...REPLY_IMAGE_BOX, fit: 'inside', withoutEnlargement: true });
      return kind === 'jpeg' ? pipeline.jpeg({ quality: 88 }).toBuffer() : pipeline.png({ compressionLevel: 6 }).toBuffer();
    });
    const type: ReplyFileType = kind === 'jpeg' ? { contentType: 'image/jpeg', extension: 'jpg' } : { contentType: 'image/png', extension: 'png' };
    return { ok: true, bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), type };
  } catch (error) {
    if (error instanceof GateFullError) return { ok: false, error: 'replies.error.imageBusy' };
    const message = String(error);
    if (/pixel limit/i.test(message)) return { ok: false, error: 'replies.error.imageTooManyPixels' };
    if (/timeout/i.test(message)) return { ok: false, error: 'replies.error.imageTooSlow' };
    return { ok: false, error: 'replies.error.imageUnreadable' };
  }
}
