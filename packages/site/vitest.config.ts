import { defineConfig } from 'vitest/config';

// The site's unit tests. The end-to-end test in a browser has its own configuration
// (e2e/vitest.config.ts) and runs after the site is built.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
