import { transliterate } from './transliterate.ts';

/**
 * Words that are (or may become) fixed pages beside the appeals, e.g. /appeals/new. An appeal
 * never gets one of them as its slug, or it could not be opened. test/security checks that
 * every fixed path segment after /appeals/ in the route table is listed here.
 */
export const reservedSlugs: ReadonlySet<string> = new Set([
  'new',
  'edit',
  'delete',
  'import',
  'export',
  'search',
  'settings',
  'mail',
  'outbox',
  'archive',
  'all',
]);

/** A readable ASCII slug: "Integration ist kein Zufall" → "integration-ist-kein-zufall". */
export function slugify(text: string, maxLength = 60): string {
  const ascii = transliterate(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = ascii.slice(0, maxLength).replace(/-+$/g, '');
  return cut || 'aufruf';
}

/** An appeal's slug from its title; a reserved word gets a prefix ("New" → "aufruf-new"). */
export function appealSlug(title: string): string {
  const slug = slugify(title);
  return reservedSlugs.has(slug) ? `aufruf-${slug}` : slug;
}
