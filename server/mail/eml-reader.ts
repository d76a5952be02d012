/**
 * A small MIME reader for the mail viewer: enough for the messages nodemailer writes
 * (multipart/mixed, /alternative and /related; base64, quoted-printable, 7bit and 8bit;
 * RFC 2047 encoded words; RFC 2231 file names). Not a general-purpose parser.
 */

export type EmlHeader = { name: string; value: string };
export type EmlAttachment = { filename: string; contentType: string; size: number; content: Buffer };
export type EmlMessage = {
  headers: EmlHeader[];
  header(name: string): string;
  text: string | undefined;
  html: string | undefined;
  attachments: EmlAttachment[];
};

type Part = { headers: EmlHeader[]; body: Buffer };

export function readEml(raw: Buffer): EmlMessage {
  const root = splitPart(raw);
  const message: EmlMessage = {
    headers: root.headers,
    header: (name) => headerValue(root.headers, name),
    text: undefined,
    html: undefined,
    attachments: [],
  };
  walk(root, message);
  return message;
}

function headerValue(headers: EmlHeader[], name: string): string {
  return headers.find((header) => header.name.toLowerCase() === name.toLowerCase())?.value ?? '';
}

/** Headers (unfolded, encoded words decoded) and the raw body of one part. */
function splitPart(raw: Buffer): Part {
  const text = raw.toString('latin1');
  const match = /\r?\n\r?\n/.exec(text);
  const headerText = match ? text.slice(0, match.index) : text;
  const bodyStart = match ? match.index + match[0].length : raw.length;
  const headers: EmlHeader[] = [];
  for (const line of headerText.split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const value = Buffer.from(line.slice(colon + 1).replace(/\r?\n[ \t]/g, ' '), 'latin1').toString('utf8');
    headers.push({ name: line.slice(0, colon).trim(), value: decodeWords(value.trim()) });
  }
  return { headers, body: raw.subarray(bodyStart) };
}

/** Content-Type and Content-Disposition: the value and its parameters (RFC 2231 too). */
function parseStructured(value: string): { value: string; params: Record<string, string> } {
  const [first = '', ...rest] = value.split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  const params: Record<string, string> = {};
  const continued: Record<string, string[]> = {};
  for (const item of rest) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim().toLowerCase();
    let paramValue = item.slice(eq + 1).trim().replace(/^"(.*)"$/s, '$1');
    const extended = /^([^*]+)\*(\d+)?(\*)?$/.exec(key);
    if (extended) {
      const [, base = '', index, encoded] = extended;
      if (encoded || index === undefined) {
        const charsetMatch = /^([^']*)'[^']*'(.*)$/.exec(paramValue);
        if (charsetMatch) paramValue = charsetMatch[2] ?? '';
        try {
          paramValue = decodeURIComponent(paramValue);
        } catch {
          // keep as is
        }
      }
      (continued[base] ??= [])[Number(index ?? 0)] = paramValue;
      continue;
    }
    params[key] = paramValue;
  }
  for (const [key, pieces] of Object.entries(continued)) params[key] = pieces.join('');
  return { value: first.trim().toLowerCase(), params };
}

function decodeBody(part: Part): Buffer {
  const encoding = headerValue(part.headers, 'content-transfer-encoding').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body.toString('latin1'));
  return part.body;
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const clean = text.replace(/[ \t]+(?=\r?\n)/g, '').replace(/=\r?\n/g, '');
  for (let i = 0; i < clean.length; i += 1) {
    const char = clean[i]!;
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(clean.slice(i + 1, i + 3))) {
      bytes.push(parseInt(clean.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(char.charCodeAt(0) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=" → "Grüße" (whitespace between encoded words dropped). */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?[^?]+\?[BbQq]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g, (_match, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : decodeQuotedPrintable(text.replace(/_/g, ' '));
      return decodeCharset(bytes, charset);
    });
}

function walk(part: Part, message: EmlMessage): void {
  const type = parseStructured(headerValue(part.headers, 'content-type') || 'text/plain; charset=utf-8');
  const disposition = parseStructured(headerValue(part.headers, 'content-disposition'));
  if (type.value.startsWith('multipart/')) {
    const boundary = type.params.boundary;
    if (!boundary) return;
    for (const child of splitMultipart(part.body, boundary)) walk(splitPart(child), message);
    return;
  }
  const filename = disposition.params.filename ?? type.params.name;
  const isAttachment = disposition.value === 'attachment' || filename !== undefined;
  const content = decodeBody(part);
  if (!isAttachment && type.value === 'text/plain' && message.text === undefined) {
    message.text = decodeCharset(content, type.params.charset ?? 'utf-8').replace(/\r\n/g, '\n');
  } else if (!isAttachment && type.value === 'text/html' && message.html === undefined) {
    message.html = decodeCharset(content, type.params.charset ?? 'utf-8').replace(/\r\n/g, '\n');
  } else {
    message.attachments.push({
      filename: decodeWords(filename ?? 'anhang'),
      contentType: type.value || 'application/octet-stream',
      size: content.length,
      content,
    });
  }
}

function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const parts: Buffer[] = [];
  let position = text.indexOf(delimiter);
  while (position >= 0) {
    const start = text.indexOf('\n', position);
    if (start < 0 || text.startsWith(`${delimiter}--`, position)) break;
    const next = text.indexOf(`\n${delimiter}`, start);
    const end = next < 0 ? text.length : next;
    const chunk = text.slice(start + 1, end).replace(/\r$/, '');
    parts.push(Buffer.from(chunk, 'latin1'));
    position = next < 0 ? -1 : next + 1;
  }
  return parts;
}
