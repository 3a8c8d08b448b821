/**
 * The exercise being graded right now, so that a failure can point at its hints.
 *
 * `check(...)` sets it for the test it declares, while the test runs (Vitest runs describe
 * bodies while collecting and the tests afterwards, so the describe body alone is too early).
 */

let current: string | undefined;

/**
 * Makes `id` (for example 'rnn/rnn-step-backward') the exercise that failure messages name.
 * Returns the previous one, so a caller can restore it; `undefined` clears it.
 */
export function setCurrentExercise(id: string | undefined): string | undefined {
  const previous = current;
  current = id;
  return previous;
}

/** The exercise id failure messages name, or undefined outside an exercise. */
export function currentExercise(): string | undefined {
  return current;
}

/**
 * The last line of a failure:
 * "Read hint tanhOutput: npm run course -- hint rnn/rnn-step-backward tanhOutput".
 * hint: the key of the hint in the exercise's manifest; exercise: its id (defaults to the
 * current exercise).
 */
export function hintPointer(hint: string, exercise: string | undefined = current): string {
  const id = exercise ?? '<exercise-id>';
  return `Read hint ${hint}: npm run course -- hint ${id} ${hint}`;
}
