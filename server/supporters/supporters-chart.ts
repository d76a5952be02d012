// Signatures per day as a small bar chart, drawn on the server as SVG (no script, no library):
// a title and description name every number for screen readers; each bar has its own title.
import { formatIsoDate } from '../shared/dates.ts';

const WIDTH = 600;
const HEIGHT = 180;
const TOP = 16;
const BOTTOM = 24;
const LEFT = 36;
const RIGHT = 8;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const number = new Intl.NumberFormat('de-DE');

/** The SVG of one bar per day (oldest left); `label` is the chart's accessible name. */
export function renderDayChart(days: { day: string; count: number }[], { label, id = 'supporter-days' }: { label: string; id?: string }): string {
  const max = Math.max(1, ...days.map((entry) => entry.count));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(1, slot * 0.7);
  const bars = days.map((entry, index) => {
    const height = (entry.count / max) * plotHeight;
    const x = LEFT + index * slot + (slot - barWidth) / 2;
    const y = TOP + plotHeight - height;
    return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${height.toFixed(1)}" fill="#1d4f7a" data-day="${entry.day}" data-count="${entry.count}"><title>${formatIsoDate(entry.day)}: ${number.format(entry.count)}</title></rect>`;
  });
  const description = days.map((entry) => `${formatIsoDate(entry.day)}: ${number.format(entry.count)}`).join('; ');
  const first = days[0]?.day ?? '';
  const last = days.at(-1)?.day ?? '';
  const baseline = TOP + plotHeight;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" class="day-chart">`,
    `<title id="${id}-title">${escapeXml(label)}</title>`,
    `<desc id="${id}-desc">${escapeXml(description)}</desc>`,
    `<line x1="${LEFT}" y1="${baseline}" x2="${WIDTH - RIGHT}" y2="${baseline}" stroke="#545c66" stroke-width="1"/>`,
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${baseline}" stroke="#545c66" stroke-width="1"/>`,
    `<text x="${LEFT - 4}" y="${TOP + 4}" font-size="11" text-anchor="end" fill="#1f2328">${number.format(max)}</text>`,
    `<text x="${LEFT - 4}" y="${baseline}" font-size="11" text-anchor="end" fill="#1f2328">0</text>`,
    ...bars,
    `<text x="${LEFT}" y="${HEIGHT - 6}" font-size="11" fill="#1f2328">${escapeXml(formatIsoDate(first))}</text>`,
    `<text x="${WIDTH - RIGHT}" y="${HEIGHT - 6}" font-size="11" text-anchor="end" fill="#1f2328">${escapeXml(formatIsoDate(last))}</text>`,
    '</svg>',
  ].join('');
}
