// The PDF/A-2u checks the README lists, made structurally (veraPDF cannot be installed here):
// used by pdfa.test.ts and by the stress appeal. Not a test file itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import { poppler } from '../helpers/pdf.ts';

const tool = (command: string, bytes: Uint8Array, args: string[]) => {
  const dir = mkdtempSync(join(tmpdir(), 'mz-pdfa-'));
  writeFileSync(join(dir, 'file.pdf'), bytes);
  return spawnSync(command, [...args, join(dir, 'file.pdf')], { encoding: 'utf8' });
};

/** The checks the README lists; returns the parsed XMP fields for further comparison. */
export async function expectPdfA(bytes: Uint8Array, title: string) {
  // XMP metadata, parsed back, with the values of the Info dictionary.
  const xmp = execFileSync('pdfinfo', ['-meta', '-'], { input: bytes, encoding: 'utf8' });
  const field = (name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xmp)?.[1];
  expect(field('pdfaid:part')).toBe('2');
  expect(field('pdfaid:conformance')).toBe('U');
  const decode = (value: string | undefined) => value?.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  expect(decode(field('dc:title'))).toBe(title);
  const info = poppler('pdfinfo', bytes, ['-isodates']);
  const infoField = (name: string) => new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(info)?.[1];
  expect(infoField('Title')).toBe(title);
  expect(field('pdf:Producer')).toBe(infoField('Producer'));
  expect(field('xmp:CreatorTool')).toBe(infoField('Creator'));
  expect(decode(field('dc:creator'))).toBe(infoField('Author'));
  expect(field('xmp:CreateDate')).toBe('2026-11-22T10:00:00Z');
  expect(infoField('CreationDate')).toBe('2026-11-22T10:00:00Z');
  expect(field('xmp:ModifyDate')).toBe(infoField('ModDate'));
  expect(infoField('Encrypted')).toBe('no');

  // The output intent with an sRGB ICC profile.
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const intents = doc.catalog.lookup(PDFName.of('OutputIntents'));
  const intent = (intents as unknown as { lookup(index: number, type: typeof PDFDict): PDFDict }).lookup(0, PDFDict);
  expect(intent.get(PDFName.of('S'))?.toString()).toBe('/GTS_PDFA1');
  const profile = intent.lookup(PDFName.of('DestOutputProfile')) as PDFRawStream;
  expect(profile.dict.get(PDFName.of('N'))?.toString()).toBe('3');
  const icc = Buffer.from(decodePDFRawStream(profile).decode());
  expect(icc.subarray(36, 40).toString('latin1')).toBe('acsp');
  expect(icc.subarray(16, 20).toString('latin1')).toBe('RGB ');

  // Every font embedded, as a tagged subset, with ToUnicode.
  const fonts = poppler('pdffonts', bytes).trim().split('\n').slice(2);
  expect(fonts.length).toBeGreaterThan(0);
  for (const line of fonts) {
    expect(line).toMatch(/^[A-Z]{6}\+\S+\s/);
    expect(line).toMatch(/\s+yes\s+yes\s+yes\s+\d+\s+\d+\s*$/);
  }

  // qpdf's structure check.
  const check = tool('qpdf', bytes, ['--check']);
  expect(check.status).toBe(0);
  expect(check.stdout).toContain('No syntax or stream encoding errors found');
  expect(check.stderr).toBe('');
}

