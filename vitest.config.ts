import { defineConfig } from 'vitest/config';

// Host unit tests: fast, no kernel. The kernel suite has its own config (test/kernel/vitest.config.ts).
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
  },
});
