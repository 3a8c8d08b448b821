import { defineConfig } from 'vitest/config';

// Running `npx vitest` at the root runs every package's own tests, one project per package.
// The grading suites (packages/*/grading) are not here: the course grader runs them
// against a chosen target (see packages/grader).
export default defineConfig({
  test: {
    projects: ['packages/*'],
  },
});
