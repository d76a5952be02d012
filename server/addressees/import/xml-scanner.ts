/**
 * A small streaming scanner for the XML inside an XLSX file: start tags, end tags and text,
 * fed in chunks. Only what an XLSX needs: no DTDs (refused), no entity declarations, the five
 * predefined entities and character references. Memory stays bounded: text outside the parts
 * a caller keeps is dropped as it comes, and a tag longer than `maxTagChars` is refused.
 */
export type XmlHandlers = {
  open(name: string, attributes: Record<string, string>, selfClosing: boolean): void;
  close(name: string): void;
  /** Raw text (entities not yet decoded; CDATA already escaped). */
  text(raw: string): void;
};

export class XmlSyntaxError extends Error {}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);
const attributePattern = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower === 'amp') return '&';
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    if (lower === 'quot') return '"';
    if (lower === 'apos') return "'";
    const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function createXmlScanner(handlers: XmlHandlers, { maxTagChars = 1024 * 1024 } = {}) {
  let pending = '';

  function tagEnd(from: number): number {
    let quote = '';
    for (let index = from; index < pending.length; index += 1) {
      const char = pending[index];
      if (quote) {
        if (char === quote) quote = '';
      } else if (char === '"' || char === "'") quote = char;
      else if (char === '>') return index;
    }
    return -1;
  }

  function run(final: boolean) {
    let position = 0;
    while (position < pending.length) {
      const lt = pending.indexOf('<', position);
      if (lt === -1) {
        handlers.text(pending.slice(position));
        position = pending.length;
        break;
      }
      if (lt > position) handlers.text(pending.slice(position, lt));
      position = lt;
      let end: number;
      if (pending.startsWith('<!--', position)) {
        end = pending.indexOf('-->', position + 4);
        if (end === -1) break;
        position = end + 3;
      } else if (pending.startsWith('<![CDATA[', position)) {
        end = pending.indexOf(']]>', position + 9);
        if (end === -1) break;
        handlers.text(escapeText(pending.slice(position + 9, end)));
        position = end + 3;
      } else if (pending.startsWith('<?', position)) {
        end = pending.indexOf('?>', position + 2);
        if (end === -1) break;
        position = end + 2;
      } else if (pending.startsWith('<!', position)) {
        if (pending.length - position < 9 && !final) break;
        throw new XmlSyntaxError('DTDs are not allowed');
      } else {
        end = tagEnd(position + 1);
        if (end === -1) break;
        const body = pending.slice(position + 1, end);
        position = end + 1;
        if (body.startsWith('/')) {
          handlers.close(localName(body.slice(1).trim()));
          continue;
        }
        const selfClosing = body.endsWith('/');
        const inner = selfClosing ? body.slice(0, -1) : body;
        const nameEnd = inner.search(/\s/);
        const name = localName(nameEnd === -1 ? inner : inner.slice(0, nameEnd));
        const attributes: Record<string, string> = {};
        if (nameEnd !== -1) {
          for (const match of inner.slice(nameEnd).matchAll(attributePattern)) {
            attributes[match[1]!] = decodeEntities(match[2] ?? match[3] ?? '');
          }
        }
        handlers.open(name, attributes, selfClosing);
        if (selfClosing) handlers.close(name);
      }
    }
    pending = pending.slice(position);
    if (pending.length > maxTagChars) throw new XmlSyntaxError('tag too long');
    if (final && pending.length > 0) throw new XmlSyntaxError('unexpected end');
  }

  return {
    feed(chunk: string) {
      pending += chunk;
      run(false);
    },
    end() {
      run(true);
    },
  };
}
