import { defineConfig } from 'vitest/config';

// The fuzz campaign (test/fuzz/run.mjs starts it in the guest): one file, no time limit of its own.
export default defineConfig({
  test: {
    include: ['test/fuzz/campaign.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 0,
    hookTimeout: 120_000,
  },
});
