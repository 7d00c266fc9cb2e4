import { configDefaults, defineConfig } from 'vitest/config';

// Vitest 5 targets Node ≥ 22 and its reporter calls Map.groupBy / Object.groupBy (Node 21+) when it
// prints failures; on Node 20 that crash would hide the failure itself. Supply them here (this file
// runs in Vitest's main process, before any reporter).
type GroupBy = <K, T>(items: Iterable<T>, key: (item: T, i: number) => K) => Map<K, T[]>;
const M = Map as unknown as { groupBy?: GroupBy };
M.groupBy ??= (items, key) => {
  const out = new Map();
  let i = 0;
  for (const item of items) {
    const k = key(item, i++);
    if (!out.has(k)) out.set(k, []);
    out.get(k).push(item);
  }
  return out;
};
const O = Object as unknown as { groupBy?: (items: Iterable<unknown>, key: (item: unknown, i: number) => PropertyKey) => Record<PropertyKey, unknown[]> };
O.groupBy ??= (items, key) => Object.fromEntries(M.groupBy!(items, key));

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
