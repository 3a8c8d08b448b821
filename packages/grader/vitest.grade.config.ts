/**
 * The Vitest config of a grading run. The grader sets, through the environment:
 *
 * - COURSE_TARGET: `exercises`, `solutions` or a folder; `@target/x` resolves to `<folder>/x`
 * - COURSE_SUITES: the suites to run, comma-separated (default: every chapter's grading suites)
 * - COURSE_EXERCISES: the exercise ids to run inside them (default: all)
 * - COURSE_TIMEOUT_MS: the per-check time limit
 * - COURSE_EVENTS: where the grade reporter writes its events (default: Vitest's own reporter)
 *
 * Run it by hand to see a suite's plain Vitest output:
 * `COURSE_TARGET=solutions npx vitest run --config packages/grader/vitest.grade.config.ts`.
 */
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { GradeReporter } from './src/reporter';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const target = process.env.COURSE_TARGET ?? 'exercises';
const targetDir = resolve(root, target);
const suites = process.env.COURSE_SUITES?.split(',').filter((s) => s !== '');
const timeout = Number(process.env.COURSE_TIMEOUT_MS ?? 10_000);
const events = process.env.COURSE_EVENTS;
// Transforms are kept on disk between runs (Vitest's fsModuleCache, keyed by each file's
// content and the config), which a cold run of one exercise spends most of its time on; not for
// a staged copy, whose folder is new each time and would only fill the cache.
// COURSE_NO_TRANSFORM_CACHE turns it off (the benchmark's peer).
const cacheable =
  process.env.COURSE_NO_TRANSFORM_CACHE === undefined &&
  !targetDir.split(sep).join('/').includes('/.course/targets/');

export default defineConfig({
  resolve: {
    alias: [{ find: /^@target\//, replacement: `${targetDir}/` }],
  },
  test: {
    root,
    include: suites ?? ['packages/*/grading/**/*.grade.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    maxWorkers: 2,
    // one module graph per worker: the core and the reference load once, not once per suite
    isolate: false,
    testTimeout: timeout,
    hookTimeout: timeout,
    passWithNoTests: true,
    reporters: events === undefined ? ['default'] : [new GradeReporter(events)],
    watch: false,
    experimental: { fsModuleCache: cacheable },
  },
});
