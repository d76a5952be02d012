// The seams of the code base, checked on the source: which folder may import which, who writes
// the appeal's state, what the PDF engine may know, how large a file may grow, and that every
// route with parameters validates them with a schema.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.ts';

const serverDir = fileURLToPath(new URL('../server', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(serverDir).map((path) => {
  const rel = relative(serverDir, path);
  const text = readFileSync(path, 'utf8');
  const imports = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"`;]*?from\s+'([^']+)'/g)].map((match) => match[1]!);
  return { rel, text, folder: rel.includes('/') ? rel.split('/')[0]! : '', imports };
});

/** Folders every part may use; a cycle through them does not count. */
const foundations = new Set(['shared', 'db', 'i18n', '']);
const isConfig = (rel: string) => rel === 'config.ts';

function folderOf(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = relative(serverDir, join(serverDir, file, '..', specifier));
  if (target.startsWith('..')) return undefined;
  return target.includes('/') ? target.split('/')[0] : '';
}

describe('the seams of the code base', () => {
  it('mail/ is infrastructure: it imports no domain', () => {
    const offending = files
      .filter((file) => file.folder === 'mail')
      .flatMap((file) => file.imports.map((specifier) => ({ file: file.rel, folder: folderOf(file.rel, specifier), specifier })))
      .filter(({ folder }) => folder !== undefined && folder !== 'mail' && !foundations.has(folder));
    expect(offending.filter(({ specifier }) => !specifier.endsWith('config.ts'))).toEqual([]);
  });

  it('no import cycle between folders, except through shared/, db/, config and i18n/', () => {
    const edges = new Map<string, Set<string>>();
    for (const file of files) {
      if (foundations.has(file.folder) || isConfig(file.rel)) continue;
      for (const specifier of file.imports) {
        const target = folderOf(file.rel, specifier);
        if (target === undefined || target === file.folder || foundations.has(target)) continue;
        if (!edges.has(file.folder)) edges.set(file.folder, new Set());
        edges.get(file.folder)!.add(target);
      }
    }
    // Every pair of folders that reach each other, with one witness file for each direction.
    const reaches = (from: string, to: string) => {
      const seen = new Set<string>();
      const stack = [from];
      while (stack.length > 0) {
        const current = stack.pop()!;
        for (const next of edges.get(current) ?? []) {
          if (next === to) return true;
          if (!seen.has(next)) {
            seen.add(next);
            stack.push(next);
          }
        }
      }
      return false;
    };
    const cycles: string[] = [];
    for (const [from, targets] of edges) for (const to of targets) if (reaches(to, from)) cycles.push(`${from} → ${to}`);
    expect(cycles.sort()).toEqual([]);
  });

  it('exactly one function writes appeals.state', () => {
    const writers = files.filter((file) => /\.update\(appeals\)/.test(file.text)).map((file) => file.rel);
    expect(writers).toEqual(['appeals/appeals.repository.ts']);
    const repository = files.find((file) => file.rel === 'appeals/appeals.repository.ts')!.text;
    expect(repository.match(/\bstate: /g)?.length).toBe(1);
  });

  it('the PDF engine (letter-pdf/) imports no repository and no database', () => {
    const offending = files
      .filter((file) => file.folder === 'letter-pdf')
      .flatMap((file) => file.imports.filter((specifier) => /repository|\/db\/|drizzle/.test(specifier)).map((specifier) => `${file.rel}: ${specifier}`));
    expect(offending).toEqual([]);
  });

  it('no server file over 350 lines, except the i18n catalogue, demo data and config', () => {
    const exempt = new Set(['i18n/de.ts', 'demo/demo-content.ts', 'config.ts']);
    const long = files.filter((file) => !exempt.has(file.rel) && file.text.split('\n').length > 350).map((file) => `${file.rel}: ${file.text.split('\n').length}`);
    expect(long).toEqual([]);
  });

  it('every route with parameters validates them with a schema', async () => {
    const { app } = await buildTestApp();
    const withParams = app.routeTable.filter((route) => route.url.includes(':'));
    expect(withParams.length).toBeGreaterThan(20);
    expect(withParams.filter((route) => !route.hasParamsSchema && !route.url.startsWith('/static/')).map((route) => `${route.method} ${route.url}`)).toEqual([]);
  });
});
