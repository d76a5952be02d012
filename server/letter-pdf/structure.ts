// Tags (tagged PDF, ISO 32000-1 §14.7–14.8): every drawing operation is painted inside a marked-
// content sequence, either as an /Artifact (fold marks, rules, page furniture, the draft mark)
// or with an MCID that a structure element (/H1, /P, /LI, /Note, /Figure …) points to. The
// structure tree, the /ParentTree (page → elements by MCID) and /MarkInfo are written with
// pdf-lib's low-level objects, because pdf-lib has no tagging API.
//
// Roles come from `Op.tag` where the layout sets it; where it does not, a plain rule decides
// (images → Figure with their alt text, lines and the draft mark → Artifact, text → P) and
// consecutive lines of the same role, style, size and left edge form one element.
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFOperator, PDFString, PDFHexString } from 'pdf-lib';
import type { PDFDocument, PDFPage, PDFRef } from 'pdf-lib';
import { ADDRESS } from './address-field.ts';
import { BODY_BOTTOM, BODY_LEADING, MM, TOP_FOLLOWING } from './page-geometry.ts';
import type { Op } from './page-geometry.ts';
import type { FlowItem } from './pagination.ts';

export type TagRole = 'H1' | 'H2' | 'H3' | 'P' | 'LI' | 'Note' | 'Figure' | 'Artifact';
/** The role of an op in the structure tree; `group` joins ops into one element (the lines of one item). */
export type OpTag = TagRole | { role: TagRole; group?: string; parent?: string };

type Last = { x: number; y: number; size: number; style: string; lineX: number };
type Element = { role: TagRole; page: number; mcids: number[]; alt?: string; group?: string; parent?: string; last?: Last };

let groups = 0;
/** A fresh group name (only compared for equality; never printed). */
export const newGroup = (prefix = 'g') => `${prefix}${(groups += 1)}`;

/**
 * Tags what the flow items from `from` on draw (a paragraph, a list item). Ops an inner block
 * tagged already keep their tag unless `override` (a list item takes over its paragraphs).
 */
export function tagFlow(items: FlowItem[], from: number, tag: OpTag, override = false): void {
  for (const item of items.slice(from)) {
    const draw = item.draw;
    item.draw = (ops, top) => {
      const start = ops.length;
      draw(ops, top);
      for (let i = start; i < ops.length; i += 1) {
        const op = ops[i]!;
        if (op.kind !== 'draft' && (override || !op.tag)) ops[i] = { ...op, tag };
      }
    };
  }
}

/** Tags the ops from index `from` on (a part laid out directly onto a page, such as the subject). */
export function tagOps(ops: Op[], from: number, tag: OpTag): void {
  for (let i = from; i < ops.length; i += 1) {
    const op = ops[i]!;
    if (op.kind !== 'draft' && !op.tag) ops[i] = { ...op, tag };
  }
}

export type PageTagger = {
  /** Opens the marked-content sequence of an op (before it is painted), unless the open one goes on. */
  open(op: Op): void;
  /** Closes the open sequence (after the page's last op). */
  end(): void;
};

const roleOf = (op: Op): { role: TagRole; group?: string; parent?: string } => {
  if (op.kind !== 'draft' && op.tag) return typeof op.tag === 'string' ? { role: op.tag } : op.tag;
  if (op.kind === 'image') return { role: 'Figure' };
  // Page numbers, footer and running head (below the body, or grey at the top edge) are page furniture.
  if (op.kind === 'text') return op.y > BODY_BOTTOM || (op.y < TOP_FOLLOWING - 5 * MM && op.gray !== undefined) ? { role: 'Artifact' } : { role: 'P' };
  return { role: 'Artifact' };
};

/** Text as a PDF string: UTF-16BE for anything beyond ASCII (alt texts of names with accents). */
const pdfText = (value: string) => (/^[\x20-\x7e]*$/.test(value) ? PDFString.of(value.replace(/[\\()]/g, (c) => `\\${c}`)) : PDFHexString.fromText(value));

export type DocumentTags = {
  page(index: number): PageTagger;
  /**
   * An element whose content another stream paints (the personal overlay of a letter): its MCID
   * on that page, placed in reading order before the first element of the page below `beforeY`.
   */
  reserve(pageIndex: number, role: TagRole, beforeY: number): number;
  /** Writes the structure tree, the parent tree and /MarkInfo into the catalog. */
  finish(): void;
  /**
   * For a letter: reserves the address and the salutation that the personal overlay paints (read
   * after the return line, and right before the body), then finishes.
   */
  finishLetter(salutationY: number): OverlayTags;
};

export function tagPages(doc: PDFDocument, pages: PDFPage[]): DocumentTags {
  const elements: Element[] = [];
  const nextMcid = pages.map(() => 0);
  /** Elements placed ahead of the painted ones: [page, beforeY, element]. */
  const reserved: { beforeY: number; element: Element }[] = [];
  /** First y of each painted element (for placing the reserved ones). */
  const firstY = new Map<Element, number>();
  pages.forEach((page, index) => page.node.set(PDFName.of('StructParents'), PDFNumber.of(index)));

  // A marked-content sequence stays open while the ops belong to the same element (one MCID
  // per element and run, not per op: the ParentTree and the file stay small).
  const pageTagger = (index: number): PageTagger => {
    const page = pages[index]!;
    let current: Element | undefined;
    /** What the open sequence is: an artifact, the current element, or nothing. */
    let open: 'artifact' | 'element' | undefined;
    const closeOpen = () => {
      if (open) page.pushOperators(PDFOperator.of('EMC' as never));
      open = undefined;
    };
    return {
      open(op) {
        const { role, group, parent } = roleOf(op);
        if (role === 'Artifact') {
          if (open === 'artifact') return;
          closeOpen();
          page.pushOperators(PDFOperator.of('BMC' as never, ['/Artifact']));
          open = 'artifact';
          return;
        }
        const text = op.kind === 'text' ? { x: op.x, y: op.y, size: op.size, style: op.style, lineX: op.x } : undefined;
        const joins =
          current !== undefined &&
          current.role === role &&
          current.page === index &&
          role !== 'Figure' &&
          (group !== undefined
            ? current.group === group
            : current.group === undefined && text !== undefined && current.last !== undefined && sameBlock(current.last, text));
        if (joins) {
          // A run on the same line keeps the line's left edge for the next line.
          if (text && current!.last) current!.last = { ...text, lineX: Math.abs(text.y - current!.last.y) < 0.5 ? current!.last.lineX : text.x };
          if (open === 'element') return;
          closeOpen();
          const mcid = nextMcid[index]!++;
          page.pushOperators(PDFOperator.of('BDC' as never, [`/${role}`, `<</MCID ${mcid}>>`]));
          open = 'element';
          current!.mcids.push(mcid);
          return;
        }
        closeOpen();
        const mcid = nextMcid[index]!++;
        page.pushOperators(PDFOperator.of('BDC' as never, [`/${role}`, `<</MCID ${mcid}>>`]));
        open = 'element';
        current = { role, page: index, mcids: [mcid], ...(group !== undefined ? { group } : {}), ...(parent !== undefined ? { parent } : {}), ...(text ? { last: text } : {}), ...(op.kind === 'image' ? { alt: op.alt } : {}) };
        elements.push(current);
        firstY.set(current, op.kind === 'text' || op.kind === 'image' ? op.y : op.kind === 'line' ? op.y1 : 0);
      },
      end: closeOpen,
    };
  };

  return {
    page: pageTagger,
    reserve(pageIndex, role, beforeY) {
      const element: Element = { role, page: pageIndex, mcids: [nextMcid[pageIndex]!++] };
      reserved.push({ beforeY, element });
      firstY.set(element, beforeY);
      return element.mcids[0]!;
    },
    finishLetter(salutationY) {
      const overlay = { address: this.reserve(0, 'P', ADDRESS.returnBaseline + 0.5), salutation: this.reserve(0, 'P', salutationY - BODY_LEADING) };
      this.finish();
      return overlay;
    },
    finish() {
      const ordered = [...elements];
      for (const { beforeY, element } of reserved) {
        const at = ordered.findIndex((candidate) => candidate.page === element.page && !reserved.some((r) => r.element === candidate) && (firstY.get(candidate) ?? 0) > beforeY);
        ordered.splice(at === -1 ? ordered.length : at, 0, element);
      }
      writeTree(doc, pages, ordered, nextMcid);
    },
  };
}

/**
 * Untagged text of one paragraph: the next run on the same line, or a line right below with
 * about the same size and the same left edge (a signature cell's lines are one paragraph).
 */
function sameBlock(previous: Last, next: Last): boolean {
  if (Math.abs(next.y - previous.y) < 0.5) return next.x > previous.x && Math.abs(previous.size - next.size) < 0.01;
  const gap = next.y - previous.y;
  return Math.abs(previous.size - next.size) < 1.5 && Math.abs(previous.lineX - next.x) < 0.5 && gap > 0 && gap <= Math.max(previous.size, next.size) * 1.6;
}

function writeTree(doc: PDFDocument, pages: PDFPage[], elements: Element[], mcidCounts: number[]): void {
  const context = doc.context;
  const rootRef = context.nextRef();
  const documentRef = context.nextRef();
  const parentTreeRef = context.nextRef();
  const byPage: PDFRef[][] = pages.map((_, index) => new Array<PDFRef>(mcidCounts[index]!));
  const kids: PDFRef[] = [];
  // Consecutive elements with the same parent (the items of one list) go into one /L.
  let list: { key: string; ref: PDFRef; items: PDFRef[] } | undefined;
  const closeList = () => {
    if (list) context.assign(list.ref, context.obj({ Type: 'StructElem', S: 'L', P: documentRef, K: list.items } as never));
    list = undefined;
  };
  for (const element of elements) {
    const ref = context.nextRef();
    if (element.parent !== list?.key) closeList();
    if (element.parent !== undefined && !list) {
      list = { key: element.parent, ref: context.nextRef(), items: [] };
      kids.push(list.ref);
    }
    // /Type /StructElem is optional (ISO 32000-1 Table 323) and left out: bytes in every letter.
    const dict: Record<string, unknown> = {
      S: PDFName.of(element.role),
      P: list ? list.ref : documentRef,
      Pg: pages[element.page]!.ref,
      K: element.mcids.length === 1 ? PDFNumber.of(element.mcids[0]!) : context.obj(element.mcids),
    };
    if (element.alt !== undefined) dict.Alt = pdfText(element.alt);
    context.assign(ref, context.obj(dict as never));
    if (list) list.items.push(ref);
    else kids.push(ref);
    for (const mcid of element.mcids) byPage[element.page]![mcid] = ref;
  }
  closeList();
  context.assign(documentRef, context.obj({ Type: 'StructElem', S: 'Document', P: rootRef, K: kids, Lang: PDFString.of('de-DE') } as never));
  const nums = PDFArray.withContext(context);
  byPage.forEach((refs, index) => {
    nums.push(PDFNumber.of(index));
    nums.push(context.obj(refs.map((ref) => ref ?? null) as never));
  });
  context.assign(parentTreeRef, context.obj({ Nums: nums } as never));
  context.assign(rootRef, context.obj({ Type: 'StructTreeRoot', K: documentRef, ParentTree: parentTreeRef, ParentTreeNextKey: pages.length } as never));
  doc.catalog.set(PDFName.of('StructTreeRoot'), rootRef);
  doc.catalog.set(PDFName.of('MarkInfo'), context.obj({ Marked: true }) as PDFDict);
}

/** Marked-content ids on page 1 reserved for the personal overlay (address, salutation). */
export type OverlayTags = { address: number; salutation: number };

/** The marked-content operators of the per-letter overlay stream; all empty for an untagged base. */
export function overlayMarks(tags: OverlayTags | undefined) {
  if (!tags) return { address: '', salutation: '', artifact: (_afterSalutation: boolean) => '', end: '' };
  return {
    address: `/P <</MCID ${tags.address}>> BDC\n`,
    salutation: `EMC\n/P <</MCID ${tags.salutation}>> BDC\n`,
    /** Closes the salutation (on page 1) and opens the footer and QR code as an artifact. */
    artifact: (afterSalutation: boolean) => `${afterSalutation ? 'EMC\n' : ''}/Artifact BMC\n`,
    end: 'EMC\n',
  };
}
