import { defineConfig } from 'vitest/config';
import { TEST_LIMITS } from '../../vitest.shared.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    ...TEST_LIMITS,
  },
});
