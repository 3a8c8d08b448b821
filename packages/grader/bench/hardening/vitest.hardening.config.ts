/**
 * The Vitest run hardening.bench.ts times: the forks pool and one module graph per worker, as
 * the grading config, with SES `lockdown()` in a setup file when `HARDENING_SES=1`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  test: {
    root: resolve(here, '../../../..'),
    include: [resolve(here, 'probe.suite.ts')],
    pool: 'forks',
    maxWorkers: 1,
    isolate: false,
    setupFiles: process.env.HARDENING_SES === '1' ? [resolve(here, 'ses-setup.ts')] : [],
    testTimeout: 120_000,
    watch: false,
  },
});
