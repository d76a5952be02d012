// What a message read from the mailbox is: a reply, a delivery status notification (RFC 3464),
// an auto-reply, or something else; and the IncomingMessage handed over for it. Pure: it takes
// the message as postal-mime parsed it and runs in the parser's worker thread.
import type { Email } from 'postal-mime';
import type { IncomingMessage } from './incoming.ts';

type Part = Email['attachments'][number];

const decoder = new TextDecoder('utf-8');
const partText = (part: Part, limit = 256 * 1024): string =>
  typeof part.content === 'string' ? part.content.slice(0, limit) : decoder.decode(new Uint8Array(part.content instanceof ArrayBuffer ? part.content : part.content.buffer, part.content instanceof ArrayBuffer ? 0 : part.content.byteOffset, Math.min(limit, part.content.byteLength)));
const partBytes = (part: Part): Uint8Array =>
  typeof part.content === 'string' ? new TextEncoder().encode(part.content) : part.content instanceof ArrayBuffer ? new Uint8Array(part.content) : part.content;

const header = (email: Email, key: string): string | undefined => email.headers.find((entry) => entry.key === key)?.value.trim();

/** `<id@host>` as the outbox stores it; anything without an @ is no Message-ID. */
export function normaliseMessageId(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const match = /<([^<>\s]+@[^<>\s]+)>/.exec(raw) ?? /^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(raw);
  return match ? `<${match[1]}>` : null;
}

const messageIdsIn = (raw: string | undefined): string[] => [...(raw ?? '').matchAll(/<([^<>\s]+@[^<>\s]+)>/g)].map((match) => `<${match[1]}>`);

const reportTypes = ['message/delivery-status', 'message/global-delivery-status'];
const originalTypes = ['message/rfc822', 'message/global', 'text/rfc822-headers', 'message/rfc822-headers', 'message/global-headers'];

/** Subjects of out-of-office and other automatic answers (German and English mail programs). */
const autoReplySubject = /^\s*(?:(?:AW|RE|WG|FW|Antwort):\s*)*(?:Abwesenheitsnotiz|Automatische Antwort|Automatic reply|Auto(?:matic)?[- ]?Reply|Autoreply|Auto-Response|Out of (?:the )?Office|Abwesend|Ich bin nicht im Büro|Réponse automatique)\b/i;

function isAutoReply(email: Email): boolean {
  const autoSubmitted = header(email, 'auto-submitted')?.toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return true;
  if (header(email, 'x-autoreply') !== undefined || header(email, 'x-autorespond') !== undefined) return true;
  if (/^auto[_-]reply$/i.test(header(email, 'precedence') ?? '')) return true;
  return autoReplySubject.test(email.subject ?? '');
}

/** The header block of a delivery-status part: folded lines joined, split into field groups. */
function statusGroups(text: string): Map<string, string>[] {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
        if (match && !fields.has(match[1]!.toLowerCase())) fields.set(match[1]!.toLowerCase(), match[2]!.trim());
      }
      return fields;
    })
    .filter((fields) => fields.size > 0);
}

/** `rfc822; someone@example.org` → `someone@example.org`. */
const typedValue = (value: string | undefined): string | null => (value ? value.replace(/^[a-z0-9-]+\s*;\s*/i, '').trim() || null : null);

/** What a DSN says: the failed recipient, its status and the server's diagnostic, and the original's Message-ID. */
function readBounce(email: Email): IncomingMessage['bounce'] {
  const report = email.attachments.find((part) => reportTypes.includes(part.mimeType));
  const groups = report ? statusGroups(partText(report)) : [];
  const recipients = groups.filter((fields) => fields.has('final-recipient') || fields.has('original-recipient'));
  const failed = recipients.find((fields) => /^failed$/i.test(fields.get('action') ?? '')) ?? recipients[0];
  const original = email.attachments.find((part) => originalTypes.includes(part.mimeType));
  const originalHead = original ? partText(original, 64 * 1024).split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ') : '';
  const originalMessageId = normaliseMessageId(/^Message-ID:\s*(.+)$/im.exec(originalHead)?.[1]);
  return {
    originalMessageId,
    recipient: typedValue(failed?.get('final-recipient') ?? failed?.get('original-recipient'))?.toLowerCase() ?? null,
    status: failed?.get('status') ?? null,
    diagnostic: typedValue(failed?.get('diagnostic-code')),
  };
}

/** A delivery status notification that reports a failure (not a delay or a success). */
function bounceKind(email: Email): 'bounce' | 'other' | null {
  const contentType = header(email, 'content-type') ?? '';
  const isReport = /multipart\/report/i.test(contentType) && /report-type\s*=\s*"?(?:global-)?delivery-status/i.test(contentType);
  const report = email.attachments.find((part) => reportTypes.includes(part.mimeType));
  if (!isReport && !report) return null;
  const actions = report ? statusGroups(partText(report)).map((fields) => (fields.get('action') ?? '').toLowerCase()).filter(Boolean) : [];
  // "delayed" (still trying) and "delivered"/"relayed"/"expanded" (success notices) are no bounce.
  if (actions.length > 0 && !actions.includes('failed')) return 'other';
  return 'bounce';
}

/** The entities of German office mail; numeric ones are decoded too. */
const namedEntities: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', quot: '"', apos: "'", amp: '&', auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß', euro: '€', sect: '§', ndash: '–', mdash: '—', bdquo: '„', ldquo: '“', rdquo: '”', sbquo: '‚', lsquo: '‘', rsquo: '’', hellip: '…', copy: '©', shy: '' };

/** The text of an HTML-only message: no tags, no scripts or styles, the common entities decoded. */
export function textOfHtml(html: string): string {
  return html
    .replace(/<(script|style|head|template)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(?:p|div|li|tr|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (entity, name: string) => {
      const code = name[0] === '#' ? (name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1))) : undefined;
      if (code !== undefined) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      return namedEntities[name] ?? namedEntities[name.toLowerCase()] ?? entity;
    })
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const senderAddress = (email: Email): string => {
  const from = email.from;
  const address = from && 'address' in from && from.address ? from.address : from?.group?.[0]?.address;
  return (address ?? header(email, 'return-path')?.replace(/[<>]/g, '') ?? '').trim().toLowerCase();
};

const dateOf = (raw: string | undefined): Date | null => {
  if (!raw) return null;
  const date = new Date(raw);
  return Number.isNaN(date.getTime()) ? null : date;
};

/** The IncomingMessage of a parsed message. */
export function classifyMessage(email: Email): IncomingMessage {
  const bounce = bounceKind(email);
  const inReplyTo = normaliseMessageId(messageIdsIn(email.inReplyTo)[0] ?? email.inReplyTo);
  const references = messageIdsIn(email.references);
  const subject = (email.subject ?? '').trim();
  const kind: IncomingMessage['kind'] = bounce ?? (isAutoReply(email) ? 'auto-reply' : inReplyTo || references.length > 0 || subject ? 'reply' : 'other');
  const html = email.html ?? null;
  return {
    kind,
    messageId: normaliseMessageId(email.messageId),
    inReplyTo,
    references,
    subject,
    from: senderAddress(email),
    date: dateOf(email.date),
    text: (email.text ?? (html ? textOfHtml(html) : '')).trim(),
    html,
    attachments:
      kind === 'bounce'
        ? []
        : email.attachments.map((part, index) => ({ filename: part.filename ?? `anhang-${index + 1}`, contentType: part.mimeType, bytes: partBytes(part) })),
    bounce: kind === 'bounce' ? readBounce(email) : null,
  };
}
