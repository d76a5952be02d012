// A worker thread of the pool loads its task module as plain JavaScript: the TypeScript module
// and the app's own modules it imports are bundled once (by tsx's esbuild; packages stay
// imports), so the worker needs no TypeScript loader. tsx in a worker costs about 50 MB
// (its loader thread and esbuild service); a bundled worker is about 20 MB.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Esbuild = {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { contents: Uint8Array }[] }>;
};

/** tsx's own esbuild (tsx is how the app runs TypeScript; its esbuild comes with it). */
const esbuild = () => createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild') as Esbuild;

/**
 * Beside the server's sources (so that the bundle finds the app's node_modules), named by the
 * hash of its content: a changed source gives a new file, and several processes may build the
 * same one at once (each writes a temporary file and renames it).
 */
const bundleDir = fileURLToPath(new URL('./.bundles/', import.meta.url));

const bundles = new Map<string, Promise<string>>();

/** The URL of a plain-JavaScript bundle of `module` (a .ts file URL); other URLs are returned as they are. */
export function bundledTaskModule(module: string): Promise<string> {
  if (!module.startsWith('file:') || !module.endsWith('.ts')) return Promise.resolve(module);
  let bundle = bundles.get(module);
  if (!bundle) {
    bundle = build(fileURLToPath(module));
    bundles.set(module, bundle);
    // A build that failed (e.g. a read-only install) is not tried again in this process: the
    // pool then gives the worker the .ts itself, which it loads through tsx.
    bundle.catch(() => {});
  }
  return bundle;
}

async function build(entry: string): Promise<string> {
  const result = await esbuild().build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = join(bundleDir, `${basename(entry, '.ts')}.${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(temporary, code);
    renameSync(temporary, file);
  }
  return pathToFileURL(file).href;
}
