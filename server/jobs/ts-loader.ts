import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The app runs TypeScript through tsx; a worker thread or child process needs the loader too.
const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));

/** The URL of tsx's ESM loader, for `--import` in a child process. */
export const tsxLoaderUrl = pathToFileURL(join(tsxDir, 'dist/loader.mjs')).href;

/** The URL of tsx's ESM API (`register()`), for a worker thread that loads a .ts module. */
export const tsxApiUrl = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
