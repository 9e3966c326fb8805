import { defineConfig } from 'vitest/config';

// Nothing here is timed: the generous bounds only matter on a loaded two-core CI machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
