/**
 * The core's two error types. A shape mismatch says which operation failed and what it
 * expected against what it received; a stub that has not been written yet throws a
 * NotImplementedError carrying its exercise id, so the grader can report "not-started"
 * instead of a crash.
 */
import type { Tensor } from './tensor';

/**
 * Formats a shape the way every message in the course prints it: `[2, 3]`; `null` (any size)
 * prints as `*`.
 */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? '*' : String(d))).join(', ')}]`;
}

/** Thrown when a tensor's shape does not fit an operation. The message names the op. */
export class ShapeError extends Error {
  override name = 'ShapeError';
  /** The operation that rejected the shape, e.g. `matmul`. */
  readonly op: string;

  /**
   * @param op the operation's name, e.g. `matmul`
   * @param expected what the operation needed, e.g. `a [M, K] and b [K, N] with equal K`,
   *   or a shape (printed `[2, *]`)
   * @param received what it got, e.g. `a [2, 3] and b [4, 5]`, or a shape (printed `[2, 3]`)
   */
  constructor(
    op: string,
    expected: string | readonly (number | null)[],
    received: string | readonly (number | null)[],
  ) {
    const show = (s: string | readonly (number | null)[]): string =>
      typeof s === 'string' ? s : formatShape(s);
    super(`${op}: expected ${show(expected)}, received ${show(received)}`);
    this.op = op;
  }
}

/** Thrown by an exercise stub that has not been implemented yet. */
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';
  /** The exercise id, e.g. `rnn/rnn-step-forward`. */
  readonly exerciseId: string;

  constructor(exerciseId: string) {
    super(`${exerciseId}: not implemented yet (replace the TODO in the exercise file)`);
    this.exerciseId = exerciseId;
  }
}

/**
 * The last line of every exercise stub: throws a NotImplementedError carrying the exercise id.
 *
 * @param exerciseId e.g. `rnn/rnn-step-forward`
 */
export function notImplemented(exerciseId: string): never {
  throw new NotImplementedError(exerciseId);
}

/**
 * Checks `t.shape` against `expected`, axis by axis; `null` accepts any size in that axis.
 * Throws `ShapeError: ${op}: expected x [*, 4], received [2, 3]` on a mismatch.
 *
 * @param op the operation doing the check, named in the message
 * @param t the tensor to check
 * @param expected one entry per axis: a size, or null for any size
 * @param name the tensor's name in the message, e.g. `Wx`
 */
export function assertShape(
  op: string,
  t: Tensor,
  expected: readonly (number | null)[],
  name?: string,
): void {
  const ok =
    t.shape.length === expected.length && expected.every((d, i) => d === null || d === t.shape[i]);
  if (!ok) {
    const label = name === undefined ? '' : `${name} `;
    throw new ShapeError(op, `${label}${formatShape(expected)}`, formatShape(t.shape));
  }
}
