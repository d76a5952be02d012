// The letter text as the engine takes it: a small tree of paragraphs, headings, lists and
// footnotes with bold, italic, links and footnote marks. The engine knows no source format;
// the appeal's Markdown subset is parsed into this tree by appeals/letter-text.ts.
export type Inline =
  | { kind: 'text'; text: string; bold: boolean; italic: boolean; href?: string }
  | { kind: 'break' }
  | { kind: 'footnoteRef'; number: number };

export type Block =
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'heading'; level: 1 | 2 | 3; inlines: Inline[] }
  | { kind: 'list'; ordered: boolean; start: number; items: Block[][] };

export type Footnote = { number: number; blocks: Block[] };

export type LetterText = { blocks: Block[]; footnotes: Footnote[] };

const blockTexts = (block: Block): string[] =>
  block.kind === 'list' ? block.items.flat().flatMap(blockTexts) : block.inlines.flatMap((inline) => (inline.kind === 'text' ? [inline.text] : []));

/** Every printed text of the tree, body and footnotes. */
export const printedTexts = (text: LetterText): string[] => [...text.blocks, ...text.footnotes.flatMap((note) => note.blocks)].flatMap(blockTexts);
