import { defineConfig } from 'vitest/config';

// Load tests (`*.load.test.ts`): they assert how fast the service answers and files under a surge, so they run
// after the other tests, one file at a time, with the machine to themselves (`npm test` runs them as their own
// suite). Sharing two cores with other test files would measure the neighbours.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'hono/jsx' } },
  test: {
    include: ['test/**/*.load.test.ts'],
    exclude: ['node_modules/**'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
