import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { TEST_LIMITS } from '../../vitest.shared.ts';

// The tests of the reference implementation, the PyTorch fixtures and the labs' quick modes. The
// grading suites (grading/**) are run by the course grader against a chosen target, never here.
// Here the implementation under test, `@target/`, is the worked solutions, which the tests hold
// against the reference and PyTorch.
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export default defineConfig({
  resolve: {
    alias: [{ find: /^@target\//, replacement: `${root}/solutions/` }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    ...TEST_LIMITS,
  },
});
