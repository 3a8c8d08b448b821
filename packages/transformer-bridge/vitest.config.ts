import { defineConfig } from 'vitest/config';

// The tests of the reference implementation, the worked solutions, the PyTorch fixtures and the
// labs' quick modes.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
  },
});
