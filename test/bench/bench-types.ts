export type BenchRow = Record<string, string | number>;
export type BenchCase = { name: string; run: () => Promise<BenchRow[]> };
