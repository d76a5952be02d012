const transliterations: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', Ä: 'ae', Ö: 'oe', Ü: 'ue' };

/** A readable ASCII slug: "Integration ist kein Zufall" → "integration-ist-kein-zufall". */
export function slugify(text: string, maxLength = 60): string {
  const ascii = text
    .replace(/[äöüßÄÖÜ]/g, (c) => transliterations[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ł/g, 'l')
    .replace(/ı/g, 'i')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = ascii.slice(0, maxLength).replace(/-+$/g, '');
  return cut || 'aufruf';
}
