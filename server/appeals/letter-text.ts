// The letter body is written in a small Markdown subset. markdown-it parses it; we keep
// only the allowed constructs in the tree the PDF engine takes as its input and render HTML
// from the same tree. Anything outside the allow-list (raw HTML, images, code, tables) stays
// plain text.
import MarkdownIt from 'markdown-it';
import footnotePlugin from 'markdown-it-footnote';
import type { Block, Footnote, Inline, LetterText } from '../letter-pdf/letter-text.ts';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

const markdown = new MarkdownIt('zero', { html: false, linkify: false, typographer: false, breaks: false })
  .enable(['heading', 'lheading', 'list', 'emphasis', 'newline', 'escape', 'link'])
  .use(footnotePlugin);
// Only web and mail links survive; javascript:, data: and relative links are dropped (the text stays).
markdown.validateLink = (url: string) => SAFE_LINK.test(url.trim());

export function parseLetterText(source: string): LetterText {
  const tokens = markdown.parse(source, {});
  const footnotes: Footnote[] = [];
  const blocks = readBlocks(tokens, { index: 0 }, null, footnotes);
  footnotes.sort((a, b) => a.number - b.number);
  return { blocks, footnotes };
}

type Cursor = { index: number };

function readBlocks(tokens: Token[], cursor: Cursor, closeType: string | null, footnotes: Footnote[]): Block[] {
  const blocks: Block[] = [];
  while (cursor.index < tokens.length) {
    const token = tokens[cursor.index]!;
    if (closeType !== null && token.type === closeType) {
      cursor.index += 1;
      return blocks;
    }
    cursor.index += 1;
    switch (token.type) {
      case 'paragraph_open': {
        const inline = tokens[cursor.index];
        cursor.index += 2; // inline + paragraph_close
        const inlines = inline ? readInlines(inline.children ?? []) : [];
        if (inlines.length > 0) blocks.push({ kind: 'paragraph', inlines });
        break;
      }
      case 'heading_open': {
        const inline = tokens[cursor.index];
        cursor.index += 2;
        const level = Math.min(3, Number(token.tag.slice(1)) || 1) as 1 | 2 | 3;
        blocks.push({ kind: 'heading', level, inlines: inline ? readInlines(inline.children ?? []) : [] });
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const ordered = token.type === 'ordered_list_open';
        const start = ordered ? Number(token.attrGet('start') ?? 1) : 1;
        const items: Block[][] = [];
        const close = ordered ? 'ordered_list_close' : 'bullet_list_close';
        while (cursor.index < tokens.length && tokens[cursor.index]!.type !== close) {
          const item = tokens[cursor.index]!;
          cursor.index += 1;
          if (item.type === 'list_item_open') items.push(readBlocks(tokens, cursor, 'list_item_close', footnotes));
        }
        cursor.index += 1;
        blocks.push({ kind: 'list', ordered, start, items });
        break;
      }
      case 'footnote_block_open': {
        while (cursor.index < tokens.length && tokens[cursor.index]!.type !== 'footnote_block_close') {
          const open = tokens[cursor.index]!;
          cursor.index += 1;
          if (open.type === 'footnote_open') {
            const number = Number(open.meta?.id ?? 0) + 1;
            footnotes.push({ number, blocks: readBlocks(tokens, cursor, 'footnote_close', footnotes) });
          }
        }
        cursor.index += 1;
        break;
      }
      default:
        // footnote_anchor and anything not on the allow-list carries no content of its own.
        break;
    }
  }
  return blocks;
}

function readInlines(children: Token[]): Inline[] {
  const inlines: Inline[] = [];
  let bold = 0;
  let italic = 0;
  let href: string | undefined;
  for (const child of children) {
    switch (child.type) {
      case 'text':
        if (child.content !== '') inlines.push({ kind: 'text', text: child.content, bold: bold > 0, italic: italic > 0, ...(href ? { href } : {}) });
        break;
      case 'strong_open':
        bold += 1;
        break;
      case 'strong_close':
        bold -= 1;
        break;
      case 'em_open':
        italic += 1;
        break;
      case 'em_close':
        italic -= 1;
        break;
      case 'link_open':
        href = String(child.attrGet('href') ?? '') || undefined;
        break;
      case 'link_close':
        href = undefined;
        break;
      case 'softbreak':
        inlines.push({ kind: 'text', text: ' ', bold: bold > 0, italic: italic > 0 });
        break;
      case 'hardbreak':
        inlines.push({ kind: 'break' });
        break;
      case 'footnote_ref':
        inlines.push({ kind: 'footnoteRef', number: Number(child.meta?.id ?? 0) + 1 });
        break;
      default:
        if (child.content) inlines.push({ kind: 'text', text: child.content, bold: bold > 0, italic: italic > 0 });
    }
  }
  return inlines;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function inlinesToHtml(inlines: Inline[], idPrefix: string): string {
  return inlines
    .map((inline) => {
      if (inline.kind === 'break') return '<br>';
      if (inline.kind === 'footnoteRef') {
        return `<sup class="footnote-ref"><a href="#${idPrefix}fn${inline.number}" id="${idPrefix}fnref${inline.number}">${inline.number}</a></sup>`;
      }
      let html = escapeHtml(inline.text);
      if (inline.italic) html = `<em>${html}</em>`;
      if (inline.bold) html = `<strong>${html}</strong>`;
      if (inline.href) html = `<a href="${escapeHtml(inline.href)}" rel="nofollow noopener">${html}</a>`;
      return html;
    })
    .join('');
}

/**
 * The HTML heading level of each Markdown level used in the text: letter headings sit below the
 * page's own h1/h2, and consecutive (a text that starts with "##" gets h3, not h4), so that
 * screen readers meet no gap in the outline.
 */
function headingLevels(blocks: Block[]): Map<number, number> {
  const used = [...new Set(blocks.flatMap((block) => (block.kind === 'heading' ? [block.level] : [])))].sort((a, b) => a - b);
  return new Map(used.map((level, rank) => [level, Math.min(6, 3 + rank)]));
}

function blocksToHtml(blocks: Block[], idPrefix: string, levels = headingLevels(blocks)): string {
  return blocks
    .map((block) => {
      switch (block.kind) {
        case 'paragraph':
          return `<p>${inlinesToHtml(block.inlines, idPrefix)}</p>`;
        case 'heading': {
          const level = levels.get(block.level) ?? 3;
          return `<h${level} class="letter-heading">${inlinesToHtml(block.inlines, idPrefix)}</h${level}>`;
        }
        case 'list': {
          const tag = block.ordered ? 'ol' : 'ul';
          const start = block.ordered && block.start !== 1 ? ` start="${block.start}"` : '';
          const items = block.items.map((item) => `<li>${blocksToHtml(item, idPrefix, levels)}</li>`).join('');
          return `<${tag}${start}>${items}</${tag}>`;
        }
      }
    })
    .join('\n');
}

/** Safe HTML for the letter text: only the allowed elements, every text escaped. */
export function renderLetterHtml(text: LetterText, idPrefix = ''): string {
  let html = blocksToHtml(text.blocks, idPrefix);
  if (text.footnotes.length > 0) {
    const items = text.footnotes
      .map((note) => `<li id="${idPrefix}fn${note.number}" value="${note.number}">${blocksToHtml(note.blocks, idPrefix)}</li>`)
      .join('');
    html += `\n<ol class="footnotes">${items}</ol>`;
  }
  return html;
}

// The HTML of a text, by its source: every appeal page and signing page shows the same text
// until it is edited, and parsing it with markdown-it was a fair part of such a request. Keyed
// by the source itself, so an edited text is a new entry; bounded, the oldest entry goes first.
const htmlBySource = new Map<string, string>();
// A text may have 100,000 characters: 32 entries stay within about 13 MB at worst.
const HTML_CACHE_ENTRIES = 32;

/** `renderLetterHtml(parseLetterText(source), idPrefix)`, remembered for the texts seen last. */
export function letterHtml(source: string, idPrefix = ''): string {
  const key = `${idPrefix}\u0000${source}`;
  let html = htmlBySource.get(key);
  if (html === undefined) {
    html = renderLetterHtml(parseLetterText(source), idPrefix);
    if (htmlBySource.size >= HTML_CACHE_ENTRIES) htmlBySource.delete(htmlBySource.keys().next().value!);
    htmlBySource.set(key, html);
  }
  return html;
}

/** Plain text of inlines, e.g. for word diffs and search. */
export function inlinesToPlainText(inlines: Inline[]): string {
  return inlines
    .map((inline) => (inline.kind === 'text' ? inline.text : inline.kind === 'break' ? '\n' : `[${inline.number}]`))
    .join('');
}

/**
 * The text as it reads, without Markdown marks: paragraphs and headings as lines, list items
 * with their bullet or number, footnote references as "[1]" and the footnotes at the end
 * (for the word comparison between two versions).
 */
export function letterPlainText(text: LetterText): string {
  const blockLines = (blocks: Block[], indent = ''): string[] =>
    blocks.flatMap((block) => {
      if (block.kind !== 'list') return [`${indent}${inlinesToPlainText(block.inlines)}`];
      return block.items.flatMap((item, index) => {
        const [first = '', ...rest] = blockLines(item, `${indent}   `).map((line) => line.trimStart());
        return [`${indent}${block.ordered ? `${block.start + index}.` : '•'} ${first}`, ...rest.map((line) => `${indent}   ${line}`)];
      });
    });
  const notes = text.footnotes.map((note) => `[${note.number}] ${blockLines(note.blocks).join(' ')}`);
  return [...blockLines(text.blocks), ...notes].join('\n\n');
}

const SALUTATION_AT_START = /^\s*(sehr geehrte|liebe[rs]?\b|guten tag|hallo\b|moin\b)/i;
const CLOSING_AT_END = /(mit (freundlichen|besten|solidarischen|herzlichen) grüßen|(beste|viele|herzliche|freundliche) grüße)[\s.,!]*$/i;

/**
 * What the writer probably did not mean: the letter sets the salutation for each addressee and
 * the closing formula itself, so one typed into the text would appear twice.
 */
export function letterTextWarnings(body: string): ('salutation' | 'closing')[] {
  const found: ('salutation' | 'closing')[] = [];
  if (SALUTATION_AT_START.test(body)) found.push('salutation');
  if (CLOSING_AT_END.test(body.trim())) found.push('closing');
  return found;
}
