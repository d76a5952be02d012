// How the app's processes run in production: the node flags and the environment that `npm start`
// gives the server (package.json, the one place they are written), for the `mitzeichnen` command
// and the benches, so that they run as the server does.
//
//   --max-semi-space-size=4     a small young generation: about 60 MB less at the peak of a dispatch
//   --heap-growing-percent=50   the heap grows by half before the next full collection (V8 lets a
//                               busy heap grow up to fourfold): 10,000 letters sent with 94 instead
//                               of 136 MB of main-thread heap, at the same speed
//   GLIBC_TUNABLES              buffers of 128 KB and more (every letter PDF and its base64
//                               lines) get memory of their own that goes back to the system when
//                               freed, and at most four malloc arenas: a 10,000-letter ZIP grew by
//                               60–80 MB of freed fragments without. (Lower limits cost the web
//                               server: 64 KB hit every socket read buffer, two arenas made
//                               signing 15 % slower.)
import { readFileSync } from 'node:fs';

export function productionRuntime() {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const words = (scripts.start ?? '').split(/\s+/).filter(Boolean);
  const env = Object.fromEntries(words.filter((word) => /^[A-Z_]+=/.test(word)).map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]));
  return { env, flags: words.filter((word) => word.startsWith('--')) };
}
