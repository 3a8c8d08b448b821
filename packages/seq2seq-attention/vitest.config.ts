import { defineConfig } from 'vitest/config';

// The tests of the reference implementation only. The grading suites (grading/**) are run by
// the course grader against a chosen target, never here.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
  },
});
