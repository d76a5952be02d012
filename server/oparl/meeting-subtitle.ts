// The subtitle line of an Antrag from the meetings it is for: "Antrag zur Sitzung des
// Kreisausschusses am 25.2.2027 und des Kreistages am 17.3.2027". Pure.

/** Words whose genitive is "des …es" (Kreistag → des Kreistages, Ausschuss → des Ausschusses, Rat → des Rates). */
const MASCULINE_ES = /(ausschuss|tag|rat|stand|kreis|konvent)$/i;
/** Words taken with "der" unchanged (Bezirksvertretung → der Bezirksvertretung). */
const FEMININE = /(vertretung|versammlung|kommission|konferenz|fraktion|gruppe|runde|kammer|deputation)$/i;

/**
 * The organisation's name in the genitive with its article ("des Kreistages", "des Ausschusses
 * für Schule und Sport", "der Bezirksvertretung Mitte"), or undefined when no common rule fits.
 */
export function genitiveOf(name: string): string | undefined {
  const clean = name.replace(/\s+/g, ' ').trim();
  const [first = '', ...rest] = clean.split(' ');
  const word = first.replace(/[^\p{L}-]/gu, '');
  if (word === '' || word !== first) return undefined;
  const tail = rest.length > 0 ? ` ${rest.join(' ')}` : '';
  if (MASCULINE_ES.test(word)) return `des ${word}es${tail}`;
  if (FEMININE.test(word)) return `der ${word}${tail}`;
  return undefined;
}

/** "2027-02-25" → "25.2.2027", as an Antrag names its meetings. */
export function shortGermanDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? `${Number(match[3])}.${Number(match[2])}.${match[1]}` : iso;
}

export type SubtitleMeeting = { organizationName: string; day: string };

/** One line naming every picked meeting, earliest first; undefined without meetings. */
export function meetingSubtitle(meetings: SubtitleMeeting[]): string | undefined {
  if (meetings.length === 0) return undefined;
  const sorted = [...meetings].sort((a, b) => a.day.localeCompare(b.day));
  const parts = sorted.map(({ organizationName, day }, index) => {
    const genitive = genitiveOf(organizationName);
    const date = shortGermanDate(day);
    if (genitive) return `${genitive} am ${date}`;
    // No rule for the name: it is quoted ("zur Sitzung „Arbeitskreis Inklusion“ am …").
    return index === 0 ? `„${organizationName}“ am ${date}` : `der Sitzung „${organizationName}“ am ${date}`;
  });
  const joined = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} und ${parts.at(-1)!}`;
  return `Antrag zur Sitzung ${joined}`;
}

/** The subtitle with the meeting line put in place of an earlier "Antrag zur Sitzung …" line (or first). */
export function withMeetingLine(subtitle: string, line: string): string {
  const lines = subtitle.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const kept = lines.filter((l) => !/^Antrag zur Sitzung\b/.test(l));
  return [line, ...kept].join('\n');
}

/** The picked meetings from a query ("2027-02-25|Kreisausschuss", once per checkbox); anything else is dropped. */
export function readPickedMeetings(value: unknown): { picked: string[]; meetings: SubtitleMeeting[] } {
  const raw = (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string').slice(0, 20);
  const meetings: SubtitleMeeting[] = [];
  const picked: string[] = [];
  for (const item of raw) {
    const match = /^(\d{4}-\d{2}-\d{2})\|([^|\u0000-\u001F]{1,200})$/.exec(item);
    if (!match) continue;
    picked.push(item);
    meetings.push({ day: match[1]!, organizationName: match[2]!.trim() });
  }
  return { picked, meetings };
}
