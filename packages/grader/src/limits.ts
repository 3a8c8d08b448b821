/**
 * The time limits of a grading run, in one place. Three clocks, from the innermost:
 *
 * 1. The learner's limit (`timeoutMs`, 10 s by default, `--timeout`): each call into the
 *    learner's code, and its import, in the sandbox (src/sandbox/sandbox.ts). This is the limit a
 *    learner meets: an endless loop or a promise that never settles is stopped there and called
 *    that, "timed out after 10s".
 * 2. The check's limit (`checkLimitMs`): Vitest's own limit on one check, which spends most of
 *    its time in the course's code (reference values, finite differences around many calls into
 *    the sandbox), not the learner's. A check only waits for the learner through the sandbox,
 *    whose limit strikes first, so this one is a backstop and is generous: on a machine at a load
 *    average of 35, an honest LSTM backward check took more than the 11 s it once had (the
 *    learner's limit and a second) and lost its points.
 * 3. The watchdog's silence (`silenceLimit`): how long a run may send no event before its whole
 *    process tree is killed (run-vitest.ts, warm.ts). Events come at the end of each check, so it
 *    is the check's limit and a grace (more before the first event, for Vitest's start-up).
 */

/** The check's limit for a learner's limit of `timeoutMs`: six times it, and at least a minute. */
export function checkLimitMs(timeoutMs: number): number {
  return Math.max(6 * timeoutMs, 60_000);
}

/** Extra silence before the first event: Vitest's start-up and the first suite's import. */
const STARTUP_MS = 20_000;
/** Extra silence after a check's limit: results travel from the workers in batches. */
const GRACE_MS = 10_000;

/** How long a run may go without an event before the watchdog stops it (cold or warm). */
export function silenceLimit(timeoutMs: number, eventsSoFar: number): number {
  return checkLimitMs(timeoutMs) + (eventsSoFar === 0 ? STARTUP_MS : GRACE_MS);
}
