import { defineConfig } from 'vitest/config';

/**
 * Browser suite: playwright-core driving the system Chromium against the app started in-process
 * (test/browser/harness.ts). One file at a time: each file runs its own Chromium, and two at once on a
 * 2-core machine only makes both slower and timing-sensitive.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
