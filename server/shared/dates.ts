const pad = (n: number) => String(n).padStart(2, '0');

/** German date as letters and pages show it: 22.11.2026. Uses Europe/Berlin. */
export function formatDate(date: Date): string {
  const parts = berlinParts(date);
  return `${pad(parts.day)}.${pad(parts.month)}.${parts.year}`;
}

/** 22.11.2026, 14:05 */
export function formatDateTime(date: Date): string {
  const parts = berlinParts(date);
  return `${formatDate(date)}, ${pad(parts.hour)}:${pad(parts.minute)}`;
}

/** "2026-11-22" (ISO calendar date in Berlin time), e.g. for file names and date inputs. */
export function isoDate(date: Date): string {
  const parts = berlinParts(date);
  return `${parts.year}-${pad(parts.month)}-${pad(parts.day)}`;
}

/** Formats an ISO calendar date "2026-11-22" as "22.11.2026" without any time-zone shift. */
export function formatIsoDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : iso;
}

const formatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

type BerlinParts = { year: number; month: number; day: number; hour: number; minute: number };

// formatToParts costs tens of microseconds, and a page formats the same few minutes (signing
// times, dates) on every view: the parts are kept per minute, a bounded number of them.
const partsByMinute = new Map<number, BerlinParts>();

function berlinParts(date: Date): BerlinParts {
  const minute = Math.floor(date.getTime() / 60_000);
  let parts = partsByMinute.get(minute);
  if (!parts) {
    if (partsByMinute.size >= 10_000) partsByMinute.clear();
    parts = computeBerlinParts(date);
    if (!Number.isNaN(minute)) partsByMinute.set(minute, parts);
  }
  return parts;
}

function computeBerlinParts(date: Date): BerlinParts {
  const values: Record<string, number> = {};
  for (const part of formatter.formatToParts(date)) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  return {
    year: values.year ?? 0,
    month: values.month ?? 0,
    day: values.day ?? 0,
    hour: values.hour ?? 0,
    minute: values.minute ?? 0,
  };
}
