/**
 * Random numbers for the crash tests' kill times, from a seed printed at the start, so that a
 * failing run can be repeated with the same kill times: `CRASH_SEED=<seed> npm test -- <file>`.
 * (The processes' own timing still varies; the seed fixes what the test chooses.)
 */
export function seededRandom(testFile: string): () => number {
  const given = process.env.CRASH_SEED;
  if (given !== undefined && given !== '' && !/^\d{1,10}$/.test(given)) throw new Error(`CRASH_SEED must be a whole number, not "${given}".`);
  const seed = given ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  process.stdout.write(`${testFile}: CRASH_SEED=${seed} (repeat with: CRASH_SEED=${seed} npm test -- ${testFile})\n`);
  return mulberry32(seed);
}

/** mulberry32: a small 32-bit PRNG, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
