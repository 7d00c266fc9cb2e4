import { configDefaults, defineConfig } from 'vitest/config';

// Two projects:
//  - "unit":    test/**/*.test.ts except test/browser/  (fast, default timeouts)
//  - "browser": test/browser/**/*.test.ts  (real Chromium + Vite dev server,
//               long timeouts, one file at a time, runs after "unit")
// `npx vitest run <file>` and `--project unit|browser` both work.
export default defineConfig({
  test: {
    environment: 'node',
    // forks (child processes) are the robust choice for native-ish deps and
    // child browsers; at most 2 workers on a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    teardownTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/browser/**'],
          testTimeout: 15_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // each file starts its own Vite server + Chromium: don't overlap them
          fileParallelism: false,
          // run after the unit project so the two don't compete for CPU
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
