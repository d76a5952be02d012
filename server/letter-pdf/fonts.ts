import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const sourceSansDir = join(dirname(require.resolve('source-sans/package.json')), 'TTF');
const dejaVuDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

/**
 * Source Sans 3 (SIL OFL 1.1, licence in node_modules/source-sans/LICENSE.md) is the
 * letter face: it covers Polish, Turkish and Czech names. DejaVu Sans is the fallback for
 * any glyph it lacks.
 */
export const fontFiles = {
  regular: join(sourceSansDir, 'SourceSans3-Regular.ttf'),
  bold: join(sourceSansDir, 'SourceSans3-Bold.ttf'),
  italic: join(sourceSansDir, 'SourceSans3-It.ttf'),
  boldItalic: join(sourceSansDir, 'SourceSans3-BoldIt.ttf'),
  fallback: join(dejaVuDir, 'DejaVuSans.ttf'),
  fallbackBold: join(dejaVuDir, 'DejaVuSans-Bold.ttf'),
} as const;

export type FontName = keyof typeof fontFiles;

const cache = new Map<FontName, Buffer>();

/** The bytes of a font file, read once per process. */
export function fontBytes(name: FontName): Buffer {
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = readFileSync(fontFiles[name]);
    cache.set(name, bytes);
  }
  return bytes;
}
