import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMitzeichnen } from '../helpers/cli.ts';
import { fileDatabaseWithFinalAppeal } from '../helpers/dispatch.ts';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

describe('mitzeichnen render', () => {
  it('writes every letter as its own file, also when addressees share a file name', async () => {
    // Three letters to one person at the town hall (three addresses) share one file name.
    const s = await fileDatabaseWithFinalAppeal(1, {
      addressees: [
        { institution: 'Stadt Kleve', firstName: 'Anna', lastName: 'Beispiel', email: 'buergermeister@kleve.example' },
        { institution: 'Stadt Kleve', firstName: 'Anna', lastName: 'Beispiel', email: 'integration@kleve.example' },
        { institution: 'Stadt Kleve', firstName: 'Anna', lastName: 'Beispiel', email: 'rat@kleve.example' },
      ],
    });
    const out = mkdtempSync(join(tmpdir(), 'mitzeichnen-render-'));
    dirs.push(out);
    const run = await runMitzeichnen(['render', '--appeal', s.appeal.slug, '--out', out], { env: s.env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(4);
    expect(files.filter((name) => name.includes('stadt-kleve'))).toHaveLength(3);
    expect(files.some((name) => name.endsWith('stadt-kleve-anna-beispiel-2.pdf'))).toBe(true);
    expect(files.some((name) => name.endsWith('stadt-kleve-anna-beispiel-3.pdf'))).toBe(true);
    expect(run.stdout).toContain('Wrote 4 PDF(s)');
  });
});
