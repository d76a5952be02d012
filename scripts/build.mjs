#!/usr/bin/env node
// Compiles the server to plain JavaScript in dist/ (esbuild, a few hundred milliseconds), so that
// `npm start` and the `mitzeichnen` command run without a TypeScript loader (tsx costs about a
// second and 35 MB at every start). `npm run dev`, `npm run cli` and the tests keep running the
// TypeScript sources through tsx / vitest.
//
//   node scripts/build.mjs              build
//   node scripts/build.mjs --if-stale   build only when dist/ is missing or older than the sources (prestart)
//
// What is built: server/index.ts, server/cli.ts, and every module that runs in a worker thread
// or child process — found as `new URL('./x.ts', import.meta.url)` in the sources — each an
// entry of one ESM bundle with shared chunks, all in dist/ (flat, so that every output file is
// one level below the project root). Packages stay imports from node_modules (native modules
// among them). `import.meta.url` keeps meaning the SOURCE file's URL in the bundle (rewritten
// at build time), so paths to views/, static/, migrations/, fonts and worker modules are computed
// the same way in both modes; server/shared/project-root.ts maps a worker module's source URL to
// its compiled file.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const distDir = join(root, 'dist');
const serverDir = join(root, 'server');
const stampFile = join(distDir, 'build-stamp.json');

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') ? [] : sourceFiles(path);
    return /\.(ts|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}

/** A fingerprint of everything the build reads: the sources (names, sizes, times), the lock file and this script. */
function fingerprint() {
  const inputs = [...sourceFiles(serverDir), join(root, 'package.json'), join(root, 'package-lock.json'), fileURLToPath(import.meta.url)];
  const hash = createHash('sha256');
  for (const file of inputs.sort()) {
    if (!existsSync(file)) continue;
    const stat = statSync(file);
    hash.update(`${relative(root, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** Whether dist/ holds a build of the current sources. */
export function isBuildCurrent() {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8')).fingerprint === fingerprint();
  } catch {
    return false;
  }
}

/** The modules started in a worker thread or child process: `new URL('./x.ts', import.meta.url)` in a server source. */
function workerEntries() {
  const found = new Set();
  for (const file of sourceFiles(serverDir).filter((path) => path.endsWith('.ts'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/new URL\('(\.{1,2}\/[^']+\.ts)', import\.meta\.url\)/g)) {
      found.add(join(dirname(file), match[1]));
    }
  }
  return [...found];
}

/** tsx's esbuild (tsx is a dependency; esbuild comes with it). */
const esbuild = () => createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild');

/** `import.meta.url` of a server source becomes that source's URL, computed from where the output file lies (dist/, one level below the root). */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const rel = relative(root, args.path).split(sep).join('/');
      const contents = readFileSync(args.path, 'utf8').replaceAll('import.meta.url', `new URL(${JSON.stringify(`../${rel}`)}, import.meta.url).href`);
      return { contents, loader: 'ts' };
    });
  },
};

export async function build({ quiet = false } = {}) {
  const started = performance.now();
  const stamp = fingerprint();
  const entries = [join(serverDir, 'index.ts'), join(serverDir, 'cli.ts'), ...workerEntries()];
  const names = entries.map((entry) => basename(entry, '.ts'));
  const clash = names.find((name, i) => names.indexOf(name) !== i);
  if (clash) throw new Error(`two entry modules named ${clash}.ts: dist/ is flat, rename one`);
  // Built beside dist/ and swapped in, so that a server started meanwhile never sees half a build.
  const temporary = `${distDir}.${process.pid}.tmp`;
  rmSync(temporary, { recursive: true, force: true });
  await esbuild().build({
    entryPoints: entries,
    outdir: temporary,
    chunkNames: 'chunk-[hash]',
    splitting: true,
    ...commonOptions(quiet),
  });
  writeFileSync(join(temporary, 'build-stamp.json'), `${JSON.stringify({ fingerprint: stamp, builtAt: new Date().toISOString(), entries: names })}\n`);
  const old = `${distDir}.${process.pid}.old`;
  if (existsSync(distDir)) renameSync(distDir, old);
  renameSync(temporary, distDir);
  rmSync(old, { recursive: true, force: true });
  if (!quiet) console.log(`Built dist/ (${names.length} entries) in ${Math.round(performance.now() - started)} ms`);
}

/** What the server's build and a further entry share: ESM for Node 20, dependencies left external. */
function commonOptions(quiet) {
  return {
    entryNames: '[name]',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    define: { MITZEICHNEN_COMPILED: 'true' },
    plugins: [sourceUrls],
    logLevel: quiet ? 'error' : 'warning',
  };
}

/**
 * Compiles one more entry (e.g. the bench's dispatch process, test/bench/dispatch-process.ts) with
 * the same setup as the server, into `outdir` (one level below the root, like dist/), so that it
 * runs as `npm start` runs the app: compiled, its worker modules loaded from dist/. One file, no
 * shared chunks with dist/ (build dist/ first: the workers load it).
 */
export async function buildEntry({ entry, outdir, quiet = true }) {
  await esbuild().build({
    entryPoints: [entry],
    outdir,
    ...commonOptions(quiet),
  });
  return join(outdir, `${basename(entry).replace(/\.ts$/, '')}.js`);
}

/** Builds when dist/ is missing or stale; quick (a few milliseconds) when it is current. */
export async function ensureBuilt({ quiet = false } = {}) {
  if (isBuildCurrent()) return false;
  await build({ quiet });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--if-stale')) await ensureBuilt();
  else await build();
}
