/**
 * The two building blocks of a grading suite: `exercise(id, fn)` groups the checks of one
 * exercise (a Vitest `describe` named by the id) and `check(name, points, fn)` is one graded
 * test carrying its points. The points and the exercise id travel to the grader as Vitest task
 * meta; so does the id of a NotImplementedError, which turns the exercise `not-started`.
 */
import { describe, test } from 'vitest';
import { setCurrentExercise } from './context';
import { GradingError, InputMutationError } from './errors';
import { withCallLog, type LearnerCall } from './learner-calls';
import { callerInputMutation } from './mutation';
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

let current: string | undefined;

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
    current = id;
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
 * @param fn throws (an assertion error, usually) to fail the check; when it fails a comparison
 *   after a call into the learner's code changed an input the suite passed, the check fails with
 *   that change instead
 */
export function check(name: string, points: number, fn: () => void | Promise<void>): void {
  const exerciseId = current;
  if (exerciseId === undefined) {
    throw new Error(`check('${name}') must be called inside exercise(id, () => { ... })`);
  }
  test(name, { meta: { exercise: exerciseId, points } }, async ({ task }) => {
    const outer = setCurrentExercise(exerciseId); // failure messages name the exercise's hints
    const calls: LearnerCall[] = [];
    try {
      await withCallLog(calls, fn);
    } catch (error) {
      const id = notImplementedId(error);
      if (id !== undefined) task.meta.notImplemented = id;
      // A comparison that failed after the learner's code changed an input it was given reads
      // values computed from that change: the change is the finding, reported first.
      if (error instanceof GradingError && !(error instanceof InputMutationError)) {
        throw callerInputMutation(calls) ?? error;
      }
      throw error;
    } finally {
      setCurrentExercise(outer);
    }
  });
}
