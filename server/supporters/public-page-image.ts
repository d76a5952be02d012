// The pictures of the public page: the share image (PNG 1200×630 for OpenGraph, rendered in a
// child process and cached) and the badge (SVG) partner websites embed.
import { createChildJobRunner } from '../jobs/child-job.ts';
import { createGate } from '../jobs/job-gate.ts';
import { t } from '../i18n/index.ts';

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Breaks text into at most `maxLines` lines of about `width` characters (the last one ends in …). */
export function wrapText(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.replace(/\s+/g, ' ').trim().split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if ([...next].length <= width || !line) line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines.map((entry) => ([...entry].length > width ? `${[...entry].slice(0, width - 1).join('')}…` : entry));
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${[...kept[maxLines - 1]!].slice(0, width - 1).join('')}…`;
  return kept;
}

const FONT = "'Source Sans 3', 'DejaVu Sans', sans-serif";

/** The share image as SVG: title, count, coalition. No external references (fonts of the system). */
export function shareImageSvg({ title, coalition, citizens, approximate = false }: { title: string; coalition: string; citizens: number; approximate?: boolean }): string {
  // About 0.65 em per character in a bold sans: 28 characters of 54 px fill the 1040 px.
  const lines = wrapText(title, 28, 4);
  const titleText = lines.map((line, index) => `<text x="80" y="${180 + index * 66}" font-size="54" font-weight="700" fill="#10263b">${escapeXml(line)}</text>`).join('');
  const count = escapeXml(t(approximate ? 'publicPage.share.countOver' : 'publicPage.share.count', { count: citizens }));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630" font-family="${FONT}">
<rect width="1200" height="630" fill="#f6f4ef"/><rect width="1200" height="18" fill="#1d5c8c"/>
<text x="80" y="100" font-size="32" fill="#1d5c8c">${escapeXml(wrapText(coalition, 55, 1)[0] ?? '')}</text>
${titleText}
<rect x="80" y="470" width="1040" height="2" fill="#c9c3b6"/>
<text x="80" y="550" font-size="44" font-weight="700" fill="#1d5c8c">${count}</text>
</svg>`;
}

/** The badge: "1.234 unterstützen", sized to its text, with a title for screen readers. */
export function badgeSvg(citizens: number): string {
  const label = escapeXml(t('publicPage.badge.label'));
  const value = escapeXml(t('publicPage.badge.count', { count: citizens }));
  const labelWidth = 12 + [...t('publicPage.badge.label')].length * 7;
  const valueWidth = 12 + [...t('publicPage.badge.count', { count: citizens })].length * 7;
  const width = labelWidth + valueWidth;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="24" viewBox="0 0 ${width} 24" role="img" aria-label="${label}: ${value}">
<title>${label}: ${value}</title>
<rect width="${labelWidth}" height="24" fill="#10263b"/><rect x="${labelWidth}" width="${valueWidth}" height="24" fill="#1d5c8c"/>
<g fill="#fff" font-family="DejaVu Sans, Verdana, sans-serif" font-size="12"><text x="6" y="16">${label}</text><text x="${labelWidth + 6}" y="16">${value}</text></g>
</svg>`;
}

/**
 * The count as the share image shows it changes in steps (the first two digits), so that the
 * image is rendered again rarely: 1.234 → 1.200, 56.789 → 56.000.
 */
export function roundedCount(count: number): number {
  if (count < 100) return count;
  const step = 10 ** (String(count).length - 2);
  return Math.floor(count / step) * step;
}

const rasterise = createChildJobRunner<{ svg: string }, Uint8Array>(new URL('./public-page-image.job.ts', import.meta.url), { timeoutMs: 5000, maxMemoryMb: 128, spares: 0 });
// One render at a time; a burst of first visits waits briefly or gets the last image.
const renders = createGate({ concurrency: 1, maxWaiting: 8 });

/** Share images by their inputs; a changed title or a new count step renders a new one. */
export function createShareImageCache({ maxEntries = 50 } = {}) {
  const images = new Map<string, Promise<Buffer>>();
  return {
    image(input: { appealId: number; title: string; coalition: string; citizens: number }): Promise<Buffer> {
      const rounded = roundedCount(input.citizens);
      const shown = { ...input, citizens: rounded, approximate: rounded < input.citizens };
      const key = JSON.stringify(shown);
      const cached = images.get(key);
      if (cached) return cached;
      const rendering = (async () => {
        const release = await renders.acquire();
        try {
          return Buffer.from(await rasterise({ svg: shareImageSvg(shown) }));
        } finally {
          release();
        }
      })();
      rendering.catch(() => images.delete(key));
      for (const [other] of images) if (other.startsWith(`{"appealId":${input.appealId},`) || images.size >= maxEntries) images.delete(other);
      images.set(key, rendering);
      return rendering;
    },
  };
}
