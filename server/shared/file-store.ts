import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newFileStem } from './tokens.ts';

export type FileKind = 'logos' | 'signatures';

const STORED_NAME = /^[a-f0-9]{32}\.(png|jpg)$/;

/** Whether a name can be one the store generated (guards every path built from a URL). */
export const isStoredName = (name: string) => STORED_NAME.test(name);

/**
 * Files under DATA_DIR/uploads/<kind>/ with generated names; never the uploaded name or
 * bytes as uploaded (callers store only re-encoded images).
 */
export function createFileStore(uploadsDir: string) {
  const dir = (kind: FileKind) => {
    const path = join(uploadsDir, kind);
    mkdirSync(path, { recursive: true, mode: 0o700 });
    return path;
  };
  return {
    write(kind: FileKind, bytes: Uint8Array, extension: 'png' | 'jpg'): string {
      const name = `${newFileStem()}.${extension}`;
      // Only the app's user reads them (signature images are personal data).
      writeFileSync(join(dir(kind), name), bytes, { mode: 0o600 });
      return name;
    },
    read(kind: FileKind, name: string): Buffer | undefined {
      if (!isStoredName(name)) return undefined;
      try {
        return readFileSync(join(dir(kind), name));
      } catch {
        return undefined;
      }
    },
    remove(kind: FileKind, name: string): void {
      if (isStoredName(name)) rmSync(join(dir(kind), name), { force: true });
    },
  };
}

export type FileStore = ReturnType<typeof createFileStore>;
