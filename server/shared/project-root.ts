// Where the project's files are, the same from the TypeScript sources (tsx, vitest) and from the
// compiled build in dist/ (scripts/build.mjs keeps `import.meta.url` the source file's URL there).
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Set to true by scripts/build.mjs in the compiled build; undeclared in the sources. */
declare const MITZEICHNEN_COMPILED: boolean | undefined;

/** Whether this process runs the compiled build (dist/), not the TypeScript sources. */
export const isCompiled: boolean = typeof MITZEICHNEN_COMPILED !== 'undefined' && MITZEICHNEN_COMPILED === true;

/** The folder with package.json, views/, static/, migrations/, server/ and dist/. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A path below the project root, e.g. `fromRoot('views')`. */
export const fromRoot = (...parts: string[]) => join(projectRoot, ...parts);

const serverDir = fromRoot('server') + sep;

/**
 * The module a worker thread or child process loads for a server source module (a .ts file
 * URL): in the compiled build its file in dist/ (the build makes every such module an entry of
 * that name), else the source itself. Other URLs are returned as they are.
 */
export function runnableModule(module: string | URL): string {
  const href = typeof module === 'string' ? module : module.href;
  if (!isCompiled || !href.startsWith('file:') || !href.endsWith('.ts')) return href;
  const path = fileURLToPath(href);
  if (!path.startsWith(serverDir)) return href;
  const name = relative(serverDir, path).split(sep).at(-1)!.replace(/\.ts$/, '.js');
  return pathToFileURL(fromRoot('dist', name)).href;
}

/** Whether the module at `moduleUrl` is the script node was started with (its source or its compiled entry). */
export function isMainModule(moduleUrl: string): boolean {
  const started = process.argv[1];
  if (!started) return false;
  return pathToFileURL(started).href === runnableModule(moduleUrl) || pathToFileURL(started).href === moduleUrl;
}
