// Files attached to replies (a letter of the Landrat as PDF, a scanned page): checked by what
// their bytes are, kept under DATA_DIR/uploads/replies with a random name, and only ever handed
// out as downloads (see replies-inbox.routes.ts).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newFileStem } from '../shared/tokens.ts';
import { transliterate } from '../shared/transliterate.ts';

/** All files of one reply together. */
export const MAX_REPLY_FILES_BYTES = 20 * 1024 * 1024;

export type ReplyFileType = { contentType: 'application/pdf' | 'image/png' | 'image/jpeg'; extension: 'pdf' | 'png' | 'jpg' };

/** What the bytes are by their magic number (PDF, PNG, JPEG), or undefined: the name and the claimed type do not count. */
export function sniffReplyFile(bytes: Uint8Array): ReplyFileType | undefined {
  const head = Buffer.from(bytes.subarray(0, 8));
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return { contentType: 'application/pdf', extension: 'pdf' };
  if (head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { contentType: 'image/png', extension: 'png' };
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { contentType: 'image/jpeg', extension: 'jpg' };
  return undefined;
}

const STORED_NAME = /^[a-f0-9]{32}\.(pdf|png|jpg)$/;

export function createReplyFileStore(uploadsDir: string) {
  const dir = () => {
    const path = join(uploadsDir, 'replies');
    mkdirSync(path, { recursive: true, mode: 0o700 });
    return path;
  };
  return {
    write(bytes: Uint8Array, type: ReplyFileType): string {
      const name = `${newFileStem()}.${type.extension}`;
      writeFileSync(join(dir(), name), bytes, { mode: 0o600 });
      return name;
    },
    read(name: string): Buffer | undefined {
      if (!STORED_NAME.test(name)) return undefined;
      try {
        return readFileSync(join(dir(), name));
      } catch {
        return undefined;
      }
    },
    remove(name: string): void {
      if (STORED_NAME.test(name)) rmSync(join(dir(), name), { force: true });
    },
  };
}

export type ReplyFileStore = ReturnType<typeof createReplyFileStore>;

/** A download name that no header can be broken with: ASCII letters, digits, dot, dash; the extension from the content. */
export function downloadName(original: string, type: Pick<ReplyFileType, 'extension'> | string): string {
  const extension = typeof type === 'string' ? type : type.extension;
  const stem =
    transliterate(original.replace(/\.[A-Za-z0-9]{1,5}$/, ''))
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 80) || 'antwort';
  return `${stem}.${extension}`;
}
