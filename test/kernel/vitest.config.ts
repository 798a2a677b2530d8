import { defineConfig } from 'vitest/config';

// The kernel suite shares one kernel: run its files one at a time, in one process.
export default defineConfig({
  test: {
    include: ['test/kernel/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The guest is emulated on a shared machine: a timing-bound test (traffic, fail-over, a
    // daemon's start) can miss a deadline once. A failed test runs once more; a test broken for
    // good fails both times. test/run.mjs lists the tests that passed only on their retry.
    retry: 1,
  },
});
