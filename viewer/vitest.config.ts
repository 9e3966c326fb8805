import { defineConfig } from 'vitest/config';

// Separate from vite.config.ts: tests run in Node and must not load the SvelteKit plugin.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'test/**/*.browser.test.ts'],
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          // Everything that drives Chromium: run one file at a time, after the build.
          include: ['test/browser/**/*.test.ts', 'test/**/*.browser.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          // One Chromium and one collector at a time: the machine has two cores.
          fileParallelism: false,
          testTimeout: 90_000,
          // Conditions are polled; the generous bound only matters on a loaded two-core machine.
          expect: { poll: { timeout: 20_000, interval: 50 } },
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
