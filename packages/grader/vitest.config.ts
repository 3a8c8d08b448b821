/**
 * The harness's own tests. Each test file starts grading runs (child Vitest processes with
 * two workers each), so the files run one at a time on this 2-core machine.
 */
import { defineConfig } from 'vitest/config';
import { TEST_LIMITS } from '../../vitest.shared.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    ...TEST_LIMITS,
    fileParallelism: false,
  },
});
