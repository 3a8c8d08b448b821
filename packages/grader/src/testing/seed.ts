/**
 * The seeds of the suites' inputs. Every seeded input of every suite takes its seed through
 * `inputSeed(n)`, with the suite's own number `n`:
 *
 *   const rng = new Rng(inputSeed(201)); // x, prevH, Wx, ... of one check
 *
 * A learner's run keeps the default run seed, 0, under which `inputSeed(n)` is `n`: the same
 * inputs on every run, so a failure can be studied and fixed. An instructor grading a class
 * chooses the run seed at grading time (`grade --seed random`, or `--seed N` to reproduce a
 * grade), and every input changes with it: a submission that hard-codes the outputs of the
 * default inputs fails. The grader passes the run seed to the workers in `COURSE_SEED` and
 * records it in every report.
 */

/** The environment variable that carries the run seed to the workers. */
export const SEED_ENV = 'COURSE_SEED';

/** The largest run seed: seeds are 32-bit unsigned integers. */
export const MAX_SEED = 0xffff_ffff;

/**
 * Reads a run seed: a whole number from 0 to 2^32 − 1. Throws a message naming what was given
 * and what is expected.
 */
export function parseSeed(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= 0 && n <= MAX_SEED)) {
    throw new RangeError(
      `a grading seed is a whole number from 0 to ${MAX_SEED} (or 'random'), received '${text}'`,
    );
  }
  return n;
}

/** This run's seed: `COURSE_SEED`, 0 when unset. */
export function runSeed(): number {
  const text = process.env[SEED_ENV];
  return text === undefined || text === '' ? 0 : parseSeed(text);
}

/**
 * The seed of one input of a suite, `n` being the suite's own number for it: `n` itself under
 * the default run seed 0; otherwise a 32-bit hash of the run seed and `n`, different for
 * different `n` (the hash is a bijection of `n` for a given run seed), so that the inputs of a
 * suite stay distinct from one another.
 */
export function inputSeed(n: number): number {
  const run = runSeed();
  if (run === 0) return n;
  return mixSeeds(run, n);
}

/** MurmurHash3's finaliser of (run ⊕ golden ratio) ⊕ n: a bijection in n, in [0, 2^32). */
export function mixSeeds(run: number, n: number): number {
  let h = Math.imul(run ^ 0x9e3779b9, 0x85ebca6b) ^ n;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
