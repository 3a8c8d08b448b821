/**
 * What every package's own tests share (each package's `vitest.config.ts` spreads it into its
 * `test` options).
 *
 * No test may pass or fail by speed: speed is measured by the benchmarks (`npm run bench`),
 * never asserted. `npm test` runs every package's tests side by side on whatever machine it has,
 * two shared cores here, and at a load average of 30 to 55 a test that takes 0.5 s alone has
 * taken more than Vitest's default 5 s (a chapter 3 lab test did, in a run beside another full
 * `.ci/run`). So a test gets minutes: a limit that only a hang reaches. Tests that train for
 * longer than that set their own, larger limit.
 */
export const TEST_LIMITS = {
  testTimeout: 300_000,
  hookTimeout: 300_000,
} as const;
