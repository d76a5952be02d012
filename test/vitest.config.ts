import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The slow group: the crash tests (real processes killed with SIGKILL) and the browser tests
 * (Chromium). `npm test` runs the fast group, then this one (groupOrder); `npm run test:fast`
 * runs only the fast group.
 */
const slow = ['test/dispatch/dispatch-crash.test.ts', 'test/mail/mail-crash.test.ts', 'test/security/kill-after-303.test.ts', 'test/browser/**/*.test.ts'];

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    setupFiles: ['test/helpers/setup.ts'],
    // Argon2 hashing and PDF rendering are CPU-bound; two workers match the two cores.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...slow], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'slow', include: slow, sequence: { groupOrder: 1 }, globalSetup: ['test/helpers/build.global.ts'] } },
    ],
  },
});
