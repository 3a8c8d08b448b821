import { defineConfig } from 'vitest/config';
import { TEST_LIMITS } from '../../vitest.shared.ts';

// The site's unit tests. The end-to-end test in a browser has its own configuration
// (e2e/vitest.config.ts) and runs after the site is built.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    ...TEST_LIMITS,
  },
});
