/**
 * The two building blocks of a grading suite: `exercise(id, fn)` groups the checks of one
 * exercise (a Vitest `describe` named by the id) and `check(name, points, fn, options)` is one
 * graded test carrying its points. The points and the exercise id travel to the grader as Vitest
 * task meta; so does the id of a NotImplementedError, which turns the exercise `not-started`.
 *
 * Points reward correct work only. A check that an implementation doing nothing also passes
 * (inputs unchanged, outputs are new tensors, bad input refused, shapes, finiteness) declares
 * `{ requires: 'values' }`: it still runs and reports its own failure, but it scores only when the
 * value checks of its exercise declared before it have passed. Returning an input, zeros or a
 * constant therefore earns nothing.
 */
import { describe, test } from 'vitest';
import { setCurrentExercise } from './context';
import { GradingError } from './errors';
import { notImplementedId } from './not-implemented';

declare module '@vitest/runner' {
  interface TaskMeta {
    /** The exercise id a check belongs to. */
    exercise?: string;
    /** What the check is worth. */
    points?: number;
    /** Set when the check threw a NotImplementedError: the id that error carried. */
    notImplemented?: string;
  }
}

/** Options of `check`. */
export interface CheckOptions {
  /**
   * What must pass before this check scores: `'values'`, every check of the exercise declared
   * before this one without `requires` of its own (its value checks); or the names of earlier
   * checks of the exercise. Give it to every check that code doing nothing could pass.
   */
  readonly requires?: 'values' | readonly string[];
}

/** How a check ended, as the checks after it see it. */
type Outcome = 'passed' | 'failed' | 'not-started';

/** A check as declared: its name and whether it is gated. */
interface Declared {
  readonly name: string;
  readonly gated: boolean;
}

/** The exercise whose body is being declared, and its checks so far. */
let current: { id: string; checks: Declared[] } | undefined;

/** Outcomes of the checks that ran, by exercise id, then by check name. */
const outcomes = new Map<string, Map<string, Outcome>>();

/** A gated check passed, but what it requires did not: it scores nothing. */
export class GatedCheckError extends GradingError {
  override name = 'GatedCheckError';
  constructor(
    what: string,
    body: string,
    /** The required checks that did not pass. */
    readonly unmet: readonly string[],
  ) {
    super(what, body);
  }
}

/**
 * Declares the checks of one exercise. When the grader asks for some exercises only
 * (`COURSE_EXERCISES`, comma-separated), the others are not registered at all.
 *
 * @param id the exercise id, as in the chapter manifest, e.g. `rnn/rnn-step-forward`
 * @param fn declares the exercise's checks with `check`
 */
export function exercise(id: string, fn: () => void): void {
  const only = process.env.COURSE_EXERCISES;
  if (only !== undefined && only !== '' && !only.split(',').includes(id)) return;
  describe(id, { meta: { exercise: id } }, () => {
    const outer = current;
    current = { id, checks: [] };
    outcomes.set(id, new Map());
    try {
      fn();
    } finally {
      current = outer;
    }
  });
}

/**
 * One graded test: passes or fails as a whole, and is worth `points` when it passes.
 *
 * @param name what the check pins down, e.g. `nextH matches the reference (N=3, D=4, H=5)`
 * @param points what the check is worth (the exercise's checks add up to its manifest points)
 * @param fn throws (an assertion error, usually) to fail the check
 * @param options `requires`: the checks that must pass before this one scores (see `CheckOptions`)
 * @throws Error when called outside `exercise`, or when `requires` names no earlier check
 */
export function check(
  name: string,
  points: number,
  fn: () => void | Promise<void>,
  options: CheckOptions = {},
): void {
  const declaring = current;
  if (declaring === undefined) {
    throw new Error(`check('${name}') must be called inside exercise(id, () => { ... })`);
  }
  const exerciseId = declaring.id;
  const required = requiredChecks(declaring.id, declaring.checks, name, options.requires);
  declaring.checks.push({ name, gated: options.requires !== undefined });
  test(name, { meta: { exercise: exerciseId, points } }, async ({ task }) => {
    const seen = outcomes.get(exerciseId) ?? new Map<string, Outcome>();
    outcomes.set(exerciseId, seen);
    const outer = setCurrentExercise(exerciseId); // failure messages name the exercise's hints
    try {
      await fn();
      const unmet = required.filter((r) => seen.get(r) !== 'passed');
      if (unmet.length > 0) throw gated(name, unmet, seen);
      seen.set(name, 'passed');
    } catch (error) {
      const id = notImplementedId(error);
      if (id !== undefined) task.meta.notImplemented = id;
      seen.set(name, id !== undefined ? 'not-started' : 'failed');
      throw error;
    } finally {
      setCurrentExercise(outer);
    }
  });
}

/** The names of the earlier checks `requires` stands for; throws when it names none. */
function requiredChecks(
  id: string,
  earlier: readonly Declared[],
  name: string,
  requires: CheckOptions['requires'],
): string[] {
  if (requires === undefined) return [];
  if (requires === 'values') {
    const values = earlier.filter((c) => !c.gated).map((c) => c.name);
    if (values.length === 0) {
      throw new Error(
        `${id}: check('${name}') requires the values, but no value check (one without requires) is declared before it`,
      );
    }
    return values;
  }
  const unknown = requires.filter((r) => !earlier.some((c) => c.name === r));
  if (requires.length === 0 || unknown.length > 0) {
    throw new Error(
      `${id}: check('${name}') requires ${unknown.map((r) => `'${r}'`).join(', ') || 'nothing'}; ` +
        `it must name checks declared before it (${earlier.map((c) => `'${c.name}'`).join(', ') || 'none'})`,
    );
  }
  return [...requires];
}

/** The failure of a gated check whose requirements did not all pass. */
function gated(name: string, unmet: readonly string[], seen: Map<string, Outcome>): GradingError {
  const first = unmet[0] ?? '';
  const state = seen.get(first) === undefined ? 'did not run' : 'has not passed';
  const others = unmet.length > 1 ? ` (nor ${unmet.length - 1} more)` : '';
  return new GatedCheckError(
    name,
    `This check passes, but it scores only once the values are right: '${first}' ${state}${others}. ` +
      'Code that does nothing passes this check too, so it counts together with the checks of ' +
      'the values.',
    unmet,
  );
}
