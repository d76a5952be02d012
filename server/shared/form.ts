import type { MessageKey } from '../i18n/index.ts';

/** Field name → message key of the problem with it. */
export type FieldErrors = Record<string, MessageKey>;

/** What a form service returns: the parsed value, or the problems and what the user typed. */
export type FormResult<T> =
  | { ok: true; value: T; values: Record<string, string> }
  | { ok: false; errors: FieldErrors; values: Record<string, string>; params?: FieldErrorParams };

/** Field name → the values a message names ("ein Wort mit {length} Zeichen"). */
export type FieldErrorParams = Record<string, Record<string, string | number>>;

type LineOptions = { required?: boolean; max?: number };

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

export function isValidEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/**
 * What no form field keeps: C0 and C1 control characters (NUL, escape …; tab and line feed
 * stay, the readers below turn them into spaces where a field has one line), the bidi
 * embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E,
 * U+200F and U+061C (they reorder what is shown, e.g. a name that reads backwards), and a
 * byte-order mark. Line and paragraph separators become line breaks.
 */
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** Removes control and bidi-control characters; normalises line endings. */
export function cleanText(value: string): string {
  return value.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(INVISIBLE, '');
}
const clean = cleanText;

/**
 * Reads a parsed form body field by field. Each reader records a German message key for a
 * bad value and keeps the raw input, so that the form can be shown again as it was typed.
 */
export function readForm(body: unknown) {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const values: Record<string, string> = {};

  const raw = (name: string): string => {
    const value = source[name];
    const first = Array.isArray(value) ? value[0] : value;
    const text = typeof first === 'string' ? clean(first) : '';
    values[name] = text;
    return text;
  };

  const params: FieldErrorParams = {};
  const fail = (name: string, key: MessageKey, values?: Record<string, string | number>) => {
    if (errors[name]) return;
    errors[name] = key;
    if (values) params[name] = values;
  };

  return {
    /** One line of text: inner line breaks and runs of spaces collapse to one space. */
    line(name: string, { required = false, max = 200 }: LineOptions = {}): string {
      const value = raw(name).replace(/\s+/g, ' ').trim();
      if (required && value === '') fail(name, 'form.required');
      else if (value.length > max) fail(name, 'form.tooLong');
      return value;
    },
    /** Several lines (letter text, address, cc list); trailing spaces trimmed. */
    text(name: string, { required = false, max = 100_000 }: LineOptions = {}): string {
      const value = raw(name)
        .split('\n')
        .map((l) => l.replace(/\s+$/, ''))
        .join('\n')
        .trim();
      if (required && value === '') fail(name, 'form.required');
      else if (value.length > max) fail(name, 'form.tooLong');
      return value;
    },
    /** Non-empty lines of a textarea, e.g. "Kopie an" entries. */
    lines(name: string, { max = 200 }: { max?: number } = {}): string[] {
      const lines = raw(name)
        .split('\n')
        .map((l) => l.replace(/\s+/g, ' ').trim())
        .filter((l) => l !== '');
      if (lines.some((l) => l.length > max)) fail(name, 'form.lineTooLong');
      return lines;
    },
    email(name: string, { required = false }: { required?: boolean } = {}): string {
      const value = raw(name).trim().toLowerCase();
      if (value === '') {
        if (required) fail(name, 'form.required');
      } else if (!isValidEmail(value)) fail(name, 'form.invalidEmail');
      return value;
    },
    /** A web address; only http and https are accepted (no javascript: or data: links). */
    url(name: string): string {
      let value = raw(name).trim();
      if (value === '') return '';
      if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) value = `https://${value}`;
      try {
        const url = new URL(value);
        if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname.includes('.')) {
          fail(name, 'form.invalidUrl');
          return value;
        }
        return url.toString();
      } catch {
        fail(name, 'form.invalidUrl');
        return value;
      }
    },
    choice<T extends string>(name: string, options: readonly T[], fallback?: T): T {
      const value = raw(name).trim();
      if ((options as readonly string[]).includes(value)) return value as T;
      if (fallback !== undefined && value === '') return fallback;
      fail(name, 'form.invalidChoice');
      return (fallback ?? options[0]) as T;
    },
    checkbox(name: string): boolean {
      const value = raw(name);
      return value !== '' && value !== '0' && value !== 'false';
    },
    /** An ISO calendar date as a date input sends it (2026-11-22); also accepts 22.11.2026. */
    date(name: string, { required = false }: { required?: boolean } = {}): string {
      const value = raw(name).trim();
      if (value === '') {
        if (required) fail(name, 'form.required');
        return '';
      }
      const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(value);
      const iso = german ? `${german[3]}-${german[2]!.padStart(2, '0')}-${german[1]!.padStart(2, '0')}` : value;
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
      const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
      if (!match || !date || date.toISOString().slice(0, 10) !== iso) {
        fail(name, 'form.invalidDate');
        return value;
      }
      return iso;
    },
    /** Records a problem found by a service-level check (e.g. "e-mail already used"). */
    fail,
    result<T>(value: T): FormResult<T> {
      return Object.keys(errors).length === 0 ? { ok: true, value, values } : { ok: false, errors, values, ...(Object.keys(params).length > 0 ? { params } : {}) };
    },
  };
}

/** The values to show in a form that is rendered for the first time. */
export function formValues(record: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === null || value === undefined) values[key] = '';
    else if (Array.isArray(value)) values[key] = value.join('\n');
    else if (typeof value === 'boolean') values[key] = value ? 'on' : '';
    else values[key] = String(value);
  }
  return values;
}
