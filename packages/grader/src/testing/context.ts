/**
 * The exercise being graded right now, so that a failure can point at its hints.
 *
 * `exercise(id, ...)` sets it for the tests it declares. Vitest runs describe bodies while
 * collecting and the tests afterwards, so the setter belongs at the start of each test (or
 * in a `beforeEach`), not in the describe body alone.
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
 * The last line of a failure: "Read hint 2: npm run course -- hint rnn/rnn-step-backward".
 * hint: 1-based number of the hint in the exercise's manifest; exercise: its id (defaults
 * to the current exercise).
 */
export function hintPointer(hint: number, exercise: string | undefined = current): string {
  return `Read hint ${hint}: npm run course -- hint ${exercise ?? '<exercise-id>'}`;
}
