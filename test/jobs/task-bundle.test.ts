// The PDF workers load their task as one plain-JavaScript bundle, not TypeScript through tsx
// (tsx in a worker costs about 50 MB), and do not inherit the parent's `--import tsx`.
import { describe, expect, it } from 'vitest';
import { createWorkerPool } from '../../server/jobs/worker-pool.ts';

describe('worker pool tasks', () => {
  it('runs a TypeScript task from its bundle, with the app modules it imports, without tsx flags', async () => {
    const pool = createWorkerPool({ threads: 1, timeoutMs: 20_000, memoryMb: 128 });
    try {
      const task = new URL('./fixtures/where-task.ts', import.meta.url).href;
      const answer = await pool.run<{ url: string; execArgv: string[]; lines: number }>(task, 'where', {});
      expect(answer.url).toMatch(/\/server\/jobs\/\.bundles\/where-task\.[0-9a-f]{16}\.mjs$/);
      expect(answer.execArgv.join(' ')).not.toContain('tsx');
      // The engine module it imports works in the bundle (fonts and hyphenation found from there).
      expect(answer.lines).toBe(3);
    } finally {
      await pool.close();
    }
  });
});
