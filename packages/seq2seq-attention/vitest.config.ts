import { defineConfig } from 'vitest/config';
import { TEST_LIMITS } from '../../vitest.shared.ts';

// The tests of the reference implementation only. The grading suites (grading/**) are run by
// the course grader against a chosen target, never here.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    ...TEST_LIMITS,
  },
});
