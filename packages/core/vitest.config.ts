import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Some tests train small models or walk deep graphs: seconds on an idle machine, several
    // times that when `npm test` runs other packages' tasks beside them on two cores.
    testTimeout: 120_000,
  },
});
