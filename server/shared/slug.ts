import { transliterate } from './transliterate.ts';

/** A readable ASCII slug: "Integration ist kein Zufall" → "integration-ist-kein-zufall". */
export function slugify(text: string, maxLength = 60): string {
  const ascii = transliterate(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = ascii.slice(0, maxLength).replace(/-+$/g, '');
  return cut || 'aufruf';
}
