/**
 * The end-to-end test of the built site in headless Chromium (`npm run e2e`, after
 * `npm run site:build`; `npm test` runs both through Turborepo). Apart from the package's unit
 * tests (../vitest.config.ts), because it needs a browser and the built site.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
