/**
 * The Vitest config of a grading run. The grader sets, through the environment:
 *
 * - COURSE_TARGET: `exercises`, `solutions` or a folder (for a run by hand: the workers bundle it)
 * - COURSE_SUITES: the suites to run, comma-separated (default: every chapter's grading suites)
 * - COURSE_EXERCISES: the exercise ids to run inside them (default: all)
 * - COURSE_TIMEOUT_MS: the learner's time limit per call (the sandbox's); a check gets more
 *   (src/limits.ts)
 * - COURSE_REPORT: `ipc` to send events to the grader over its IPC channel, `memory` to hand them
 *   to the grader in the same process (watch's warm instance), default Vitest's own reporter;
 *   see src/results-channel.ts
 * - COURSE_STAGED_SUITES: the staged suite folders and their originals (src/staged-suites.ts)
 * - COURSE_SANDBOX_DIR: the run's sandbox bundles, for the workers (src/sandbox/worker.ts)
 * - COURSE_SEED: the seed of the suites' inputs (src/testing/seed.ts)
 *
 * No learner code loads in a worker: suites reach it through `targetModule`, which runs it in the
 * sandbox, and an import of `@target/...` that survives to run time (anything but a type) is
 * refused where it resolves.
 *
 * Run it by hand to see a suite's plain Vitest output:
 * `COURSE_TARGET=solutions npx vitest run --config packages/grader/vitest.grade.config.ts`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';
import { checkLimitMs } from './src/limits';
import { GradeReporter } from './src/reporter';
import { ipcSink, memorySink } from './src/results-channel';
import { STAGED_SUITES_ENV, stagedSuitesPlugin } from './src/staged-suites';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const suites = process.env.COURSE_SUITES?.split(',').filter((s) => s !== '');
const timeout = Number(process.env.COURSE_TIMEOUT_MS ?? 10_000);
// where events go: over IPC to the grader that started this process, or (watch's warm instance,
// which loads this config in the grader's own process) to the grader in memory
const sink =
  process.env.COURSE_REPORT === 'ipc'
    ? ipcSink()
    : process.env.COURSE_REPORT === 'memory'
      ? memorySink()
      : undefined;
// Transforms are kept on disk between runs (Vitest's fsModuleCache, keyed by each file's
// content and the config): the suites, the core and the reference, which a cold run of one
// exercise spends most of its time on (the learner's code is not transformed here: the sandbox
// runs its own bundle). COURSE_NO_TRANSFORM_CACHE turns it off (the benchmark's peer).
const cacheable = process.env.COURSE_NO_TRANSFORM_CACHE === undefined;

/** Refuses a run-time import of the learner's code: `typeof import('@target/...')` only. */
function noTargetImports(): Plugin {
  return {
    name: 'course-no-target-imports',
    enforce: 'pre',
    resolveId(id, importer) {
      if (!id.startsWith('@target/')) return null;
      this.error(
        `${importer ?? 'a suite'} imports '${id}' at run time: grading suites reach the learner's ` +
          "code through targetModule(file), which runs it in the sandbox; '@target/...' is for types only",
      );
    },
  };
}

export default defineConfig({
  plugins: [noTargetImports(), stagedSuitesPlugin(process.env[STAGED_SUITES_ENV])],
  test: {
    root,
    include: suites ?? ['packages/*/grading/**/*.grade.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    maxWorkers: 2,
    // one module graph per worker: the core and the reference load once, not once per suite
    isolate: false,
    // a backstop: the sandbox's limit per call strikes first and says why (src/limits.ts)
    testTimeout: checkLimitMs(timeout),
    hookTimeout: checkLimitMs(timeout),
    passWithNoTests: true,
    reporters: sink === undefined ? ['default'] : [new GradeReporter(sink)],
    watch: false,
    experimental: { fsModuleCache: cacheable },
  },
});
