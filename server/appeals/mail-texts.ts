// The organiser's own wording of a mail: placeholders such as {{appeal}} are replaced as plain
// text when the mail is composed. Organiser text never reaches Eta as template code; the HTML
// part is built here from escaped text, so nothing typed can become markup or a header line.
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { FieldErrorParams, FieldErrors } from '../shared/form.ts';
import type { MailTextKind } from './mail-texts.table.ts';

/** Mails with a placeholder set: the three editable ones and the (fixed) request to re-confirm. */
export type MailTextSet = MailTextKind | 'reconfirmation';

const signingPlaceholders = ['organisation', 'representative', 'appeal', 'kind', 'coalition', 'contact', 'deadline', 'link'] as const;

/** The small, documented set of placeholders per mail (README "Mail texts and notifications"). */
export const placeholdersOf: Record<MailTextSet, readonly string[]> = {
  invitation: signingPlaceholders,
  reminder: signingPlaceholders,
  reconfirmation: signingPlaceholders,
  cover: ['letter', 'appeal', 'organisations', 'coalition', 'contact', 'addressee'],
};

/** Placeholders the body must contain: the personal link of a signing request. */
export const requiredIn: Record<MailTextSet, readonly string[]> = { invitation: ['link'], reminder: ['link'], reconfirmation: ['link'], cover: [] };

/** Placeholders whose value is a web address (an <a> in the HTML part). */
const linkPlaceholders = new Set(['link']);
/** A paragraph with one of these left empty is left out ("Bitte antworten Sie bis zum …" without a deadline). */
const optionalPlaceholders = new Set(['deadline']);

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

export type MailTemplate = { subject: string; body: string };

/** The catalogue's wording; the cover mail's subject '' means the generated one. */
export function defaultMailText(kind: MailTextSet): MailTemplate {
  return {
    subject: kind === 'cover' ? '' : t(`mailTexts.default.${kind}.subject` as MessageKey),
    body: t(`mailTexts.default.${kind}.body` as MessageKey),
  };
}

const namesIn = (text: string) => [...text.matchAll(PLACEHOLDER)].map((match) => match[1]!);

/** Problems of an organiser's wording, as field errors of the form (subject, body). */
export function checkMailText(kind: MailTextKind, template: MailTemplate): { errors: FieldErrors; params: FieldErrorParams } {
  const errors: FieldErrors = {};
  const params: FieldErrorParams = {};
  const allowed = placeholdersOf[kind];
  const list = allowed.map((name) => `{{${name}}}`).join(', ');
  const check = (field: 'subject' | 'body', permitted: readonly string[]) => {
    const unknown = namesIn(template[field]).find((name) => !permitted.includes(name));
    if (unknown === undefined) return;
    errors[field] = linkPlaceholders.has(unknown) && field === 'subject' ? 'mailTexts.error.linkInSubject' : 'mailTexts.error.unknown';
    params[field] = { name: `{{${unknown}}}`, allowed: list };
  };
  check('subject', allowed.filter((name) => !linkPlaceholders.has(name)));
  check('body', allowed);
  const missing = requiredIn[kind].find((name) => !namesIn(template.body).includes(name));
  if (!errors.body && missing) {
    errors.body = 'mailTexts.error.required';
    params.body = { name: `{{${missing}}}` };
  }
  return { errors, params };
}

export type MailParagraph = { text: string; html: string; onlyLink: boolean };
export type RenderedMailText = { subject: string; paragraphs: MailParagraph[]; text: string; html: string };

export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

const LINK_STYLE = 'color:#1a5a8e;';
const BUTTON_STYLE = 'display:inline-block;padding:10px 18px;background:#1d4f7a;color:#ffffff;text-decoration:none;border-radius:6px;';

/** One line of a subject: no CR/LF can reach the header, whatever a value holds. */
export const subjectLine = (value: string) => value.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();

/**
 * The mail text with the values filled in: the subject as one line, the body as paragraphs in
 * plain text and in escaped HTML (a paragraph that is only a link becomes a button).
 */
export function renderMailText(template: MailTemplate, values: Record<string, string>, { buttonLabel = '' } = {}): RenderedMailText {
  const fill = (text: string) => text.replace(PLACEHOLDER, (_match, name: string) => values[name] ?? '');
  // "… Kleve e.V.." – a value that ends with a full stop takes the sentence's own.
  const oneFullStop = (text: string) =>
    text.replace(/(\{\{\s*([A-Za-z]+)\s*\}\})\./g, (match, placeholder: string, name: string) => ((values[name] ?? '').endsWith('.') ? placeholder : match));
  const paragraphs = oneFullStop(template.body)
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .filter((paragraph) => !namesIn(paragraph).some((name) => optionalPlaceholders.has(name) && !values[name]))
    .map((paragraph): MailParagraph => {
      const onlyLink = /^\{\{\s*link\s*\}\}$/.test(paragraph);
      let html = '';
      let last = 0;
      for (const match of paragraph.matchAll(PLACEHOLDER)) {
        html += escapeHtml(paragraph.slice(last, match.index));
        const name = match[1]!;
        const value = values[name] ?? '';
        html += linkPlaceholders.has(name) && value ? `<a href="${escapeHtml(value)}" style="${LINK_STYLE}">${escapeHtml(value)}</a>` : escapeHtml(value);
        last = match.index + match[0].length;
      }
      html += escapeHtml(paragraph.slice(last));
      html = html.replace(/\n/g, '<br>');
      if (onlyLink && buttonLabel && values.link) {
        const url = escapeHtml(values.link);
        html = `<a href="${url}" style="${BUTTON_STYLE}">${escapeHtml(buttonLabel)}</a></p><p style="margin:0 0 16px;color:#545c66;font-size:14px;">${escapeHtml(t('mailTexts.copyLink'))}<br><a href="${url}" style="${LINK_STYLE}">${url}</a>`;
      }
      return { text: fill(paragraph), html, onlyLink };
    });
  return {
    subject: subjectLine(fill(oneFullStop(template.subject))),
    paragraphs,
    text: paragraphs.map((paragraph) => paragraph.text).join('\n\n'),
    html: paragraphs.map((paragraph) => `<p style="margin:0 0 16px;">${paragraph.html}</p>`).join('\n'),
  };
}
