import * as cheerio from 'cheerio';

export const parseHtml = (html: string) => cheerio.load(html);

/** The CSRF token of the first form on the page. */
export function csrfToken(html: string): string {
  const token = cheerio.load(html)('input[name="_csrf"]').first().attr('value');
  if (!token) throw new Error('The page has no CSRF token');
  return token;
}

/** The message shown at a field, or undefined. */
export function fieldError(html: string, field: string): string | undefined {
  const text = cheerio.load(html)(`#f-${field}-error`).text().replace(/^\s*Fehler:\s*/, '').trim();
  return text || undefined;
}

export function fieldValue(html: string, field: string): string | undefined {
  const $ = cheerio.load(html);
  const element = $(`#f-${field}`);
  return element.is('textarea') ? element.text() : element.attr('value');
}

export function pageText(html: string): string {
  return cheerio.load(html)('main').text().replace(/\s+/g, ' ').trim();
}
