import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Rendering a chart loads Vega once per worker, which takes a second or two.
    testTimeout: 30_000,
  },
});
