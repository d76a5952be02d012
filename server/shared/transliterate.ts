// Plain ASCII for addresses, file names and slugs: German umlauts and ß are spelled out
// (ä → ae, Ä → Ae), other accents are dropped (é → e, ł → l). Case is kept; callers lowercase.
const spelledOut: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' };

/** "Bürgermeisterin Łucja Müller-Sévigné" → "Buergermeisterin Lucja Mueller-Sevigne". */
export function transliterate(text: string): string {
  return text
    .replace(/[äöüßÄÖÜ]/g, (c) => spelledOut[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ı/g, 'i');
}
