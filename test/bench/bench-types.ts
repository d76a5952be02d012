export type BenchRow = Record<string, string | number>;
/** `id`: a short name for `npm run bench -- --only <id>`; rows say their `target` and whether it is `met`. */
export type BenchCase = { id?: string; name: string; run: () => Promise<BenchRow[]> };
