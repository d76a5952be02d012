// The structure tree of a tagged PDF, read back with pdfjs-dist (page.getStructTree) and qpdf.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export type StructNode = { role: string; alt?: string; children: StructNode[]; text: string };

type RawNode = { role?: string; alt?: string; children?: (RawNode | { type: 'content'; id: string })[] };

/** Per page: the structure tree pdfjs reads, each element with the text of its marked content. */
export async function structureTrees(bytes: Uint8Array): Promise<StructNode[]> {
  const doc = await getDocument({ data: new Uint8Array(bytes), verbosity: 0, useSystemFonts: false, isEvalSupported: false }).promise;
  const trees: StructNode[] = [];
  for (let index = 1; index <= doc.numPages; index += 1) {
    const page = await doc.getPage(index);
    const content = await page.getTextContent({ includeMarkedContent: true });
    // Text of each marked-content id ("p<ref>_mc<n>").
    const texts = new Map<string, string>();
    const open: string[] = [];
    for (const item of content.items as ({ type?: string; id?: string; str?: string })[]) {
      if (item.type === 'beginMarkedContentProps' || item.type === 'beginMarkedContent') open.push(item.id ?? '');
      else if (item.type === 'endMarkedContent') open.pop();
      else if (item.str !== undefined && open.at(-1)) texts.set(open.at(-1)!, (texts.get(open.at(-1)!) ?? '') + item.str);
    }
    const convert = (node: RawNode): StructNode => {
      const children: StructNode[] = [];
      let text = '';
      for (const child of node.children ?? []) {
        if ('type' in child && child.type === 'content') text += texts.get(child.id) ?? '';
        else {
          const converted = convert(child as RawNode);
          children.push(converted);
          text += converted.text;
        }
      }
      return { role: node.role ?? '', ...(node.alt !== undefined ? { alt: node.alt } : {}), children, text };
    };
    trees.push(convert((await page.getStructTree()) as RawNode));
  }
  await doc.destroy();
  return trees;
}

/** All elements of a tree in reading order (depth first). */
export const flatten = (node: StructNode): StructNode[] => [node, ...node.children.flatMap(flatten)];

/** `qpdf --check` output; throws when qpdf finds an error (exit code 2). */
export function qpdfCheck(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'mz-qpdf-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, bytes);
    return execFileSync('qpdf', ['--check', file], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
