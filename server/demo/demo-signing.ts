// How far co-signing has come in the demo, so that a newcomer sees every state at once.
import { createHash } from 'node:crypto';
import sharp from 'sharp';

export type DemoAnswer = { kind: 'typed' | 'drawn' } | { kind: 'declined'; reason: string } | { kind: 'open' };

export type DemoSigning = { state: 'signing' | 'final'; deadline: string; answers: DemoAnswer[] };

const typed: DemoAnswer = { kind: 'typed' };
const drawn: DemoAnswer = { kind: 'drawn' };
const open: DemoAnswer = { kind: 'open' };

/** Answers in the order of the appeal's first signatories (server/demo/demo-content.ts). */
export const demoSigning: Record<string, DemoSigning> = {
  // Five signed (typed and drawn), one declined, two without answer.
  'kleve-aufruf-integration': {
    state: 'signing',
    deadline: '2026-12-11',
    answers: [
      typed,
      drawn,
      typed,
      drawn,
      typed,
      open,
      { kind: 'declined', reason: 'Unser Bezirksverband bereitet eine eigene Stellungnahme vor; wir unterstützen das Anliegen aber ausdrücklich.' },
      open,
    ],
  },
  // All four factions signed; final and ready to send.
  'kleve-antrag-kiz': { state: 'final', deadline: '2026-12-04', answers: [typed, typed, typed, typed] },
};

/**
 * A hand-drawn-looking signature for demo data: a flowing stroke whose shape follows the
 * name, rendered as PNG (never anybody's real signature).
 */
export async function demoSignatureImage(name: string): Promise<Buffer> {
  const digest = createHash('sha256').update(name).digest();
  const width = 900;
  const height = 300;
  let x = 40;
  let path = `M ${x} ${170 + (digest[0]! % 40)}`;
  const strokes = 6 + (digest[1]! % 4);
  for (let i = 0; i < strokes; i += 1) {
    const step = (width - 120) / strokes;
    const up = 60 + (digest[(i * 3 + 2) % 32]! % 90);
    const down = 170 + (digest[(i * 3 + 3) % 32]! % 70);
    path += ` C ${x + step * 0.2} ${up}, ${x + step * 0.6} ${down + 40}, ${x + step} ${down - 20}`;
    x += step;
  }
  const underline = `M 60 ${250 + (digest[4]! % 20)} Q ${width / 2} ${230 + (digest[5]! % 30)} ${width - 80} ${245 + (digest[6]! % 20)}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g fill="none" stroke="#0b1f4d" stroke-linecap="round" stroke-linejoin="round"><path d="${path}" stroke-width="7"/><path d="${underline}" stroke-width="4"/></g></svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 9, palette: true }).toBuffer();
}
