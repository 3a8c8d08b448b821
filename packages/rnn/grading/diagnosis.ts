/**
 * The chapter's reading of a failed check. The harness says what is wrong and where; this
 * file adds what the pattern of wrong values usually means in this chapter ("dx is right at
 * the last step and wrong before it: is the gradient from step t+1 being added?"), found by
 * comparing the learner's values with the reference and with the usual mistakes.
 */
import type { Tensor } from '@rnn-course/core';
import { GradingError, hintPointer, withinTolerance } from '@rnn-course/grader/testing';

/** The chapter's reading of a failure, and the hint that teaches the fix (when not the default). */
export interface Reading {
  text: string;
  hint?: number;
}

/**
 * Runs one assertion; when it fails with a grading error, appends the chapter's diagnosis
 * (when `why` finds one) and the hint pointer to its message, and rethrows the same error.
 *
 * @param run   the assertion, e.g. `() => expectGradients({...})`
 * @param why   reads the learner's values and names the likely cause (a string, or a
 *              `Reading` that also names its hint), or returns undefined; it runs only after a
 *              failure, and an exception inside it is ignored
 * @param hint  1-based hint number in the exercise's manifest, used when `why` names none
 */
export function explained(
  run: () => void,
  why: () => string | Reading | undefined,
  hint?: number,
): void {
  try {
    run();
  } catch (error) {
    if (error instanceof GradingError) {
      let reading: Reading | undefined;
      try {
        const r = why();
        reading = typeof r === 'string' ? { text: r } : r;
      } catch {
        reading = undefined;
      }
      const lines = [error.message];
      if (reading !== undefined && reading.text !== '') lines.push(reading.text);
      const pointer = reading?.hint ?? hint;
      if (pointer !== undefined) lines.push(hintPointer(pointer));
      error.message = lines.join('\n');
    }
    throw error;
  }
}

/** A grading failure built by a suite itself, with its diagnosis and hint pointer. */
export function fail(what: string, body: string, hint?: number): never {
  throw new GradingError(what, hint === undefined ? body : `${body}\n${hintPointer(hint)}`);
}

/**
 * True when `actual` is a tensor of `expected`'s shape whose every element is within `tol`
 * (relative, CS231n formula) or `atol` (absolute) of `expected`: the harness's comparison,
 * used here to recognise which known mistake a wrong value matches.
 */
export function agrees(actual: unknown, expected: Tensor, tol = 1e-7, atol = 1e-10): boolean {
  if (!isTensorLike(actual)) return false;
  if (actual.shape.length !== expected.shape.length) return false;
  if (!actual.shape.every((d, i) => d === expected.shape[i])) return false;
  for (let i = 0; i < expected.data.length; i++) {
    if (!withinTolerance(actual.data[i] ?? NaN, expected.data[i] ?? NaN, tol, atol)) return false;
  }
  return true;
}

/** `agrees` for plain numbers and number arrays. */
export function agreesNumbers(
  actual: unknown,
  expected: readonly number[],
  tol = 1e-7,
  atol = 1e-10,
): boolean {
  if (!Array.isArray(actual) || actual.length !== expected.length) return false;
  return expected.every(
    (e, i) => typeof actual[i] === 'number' && withinTolerance(actual[i] as number, e, tol, atol),
  );
}

/**
 * Which time steps of `actual` [.., T, ..] agree with `expected`: entry t is true when every
 * element with index t along `axis` is within tolerance.
 */
export function stepsAgreeing(
  actual: unknown,
  expected: Tensor,
  axis: number,
  tol = 1e-7,
  atol = 1e-10,
): boolean[] {
  const T = expected.shape[axis] ?? 0;
  if (!isTensorLike(actual) || actual.shape.join() !== expected.shape.join())
    return new Array<boolean>(T).fill(false);
  let stride = 1;
  for (let a = axis + 1; a < expected.shape.length; a++) stride *= expected.shape[a] ?? 1;
  const ok = new Array<boolean>(T).fill(true);
  for (let i = 0; i < expected.data.length; i++) {
    const t = Math.floor(i / stride) % T;
    if (!withinTolerance(actual.data[i] ?? NaN, expected.data[i] ?? NaN, tol, atol)) ok[t] = false;
  }
  return ok;
}

/** Tensor-shaped: float64 data and a shape (a Tensor from any copy of the core). */
export function isTensorLike(value: unknown): value is Tensor {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { data?: unknown; shape?: unknown };
  return v.data instanceof Float64Array && Array.isArray(v.shape);
}
