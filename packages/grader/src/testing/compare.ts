/**
 * Element-by-element comparison with the relative error of the CS231n assignments (the core's
 * `relativeError`, |a - b| / max(1e-8, |a| + |b|)), plus an absolute floor `atol`: an element
 * also passes when |a - b| <= atol. The floor only matters for elements near zero, where the
 * relative error of two float64 results that agree to rounding (or of a central difference,
 * whose error is absolute) is large.
 */
import { relativeError, sameShape, stridesOf, type Tensor } from '@rnn-course/core';
import { ABSOLUTE_FLOORS, TOLERANCES } from './tolerances';
import { isTensor } from './format';

/** True when `received` is within `tol` (relative) or `atol` (absolute) of `expected`. */
export function withinTolerance(
  received: number,
  expected: number,
  tol: number,
  atol: number,
): boolean {
  if (received === expected) return true; // equal infinities too
  if (!Number.isFinite(received) || !Number.isFinite(expected)) return false;
  return Math.abs(received - expected) <= atol || relativeError(received, expected) <= tol;
}

/** The outcome of comparing two arrays (or one time step of them). */
export interface Comparison {
  /** Every compared element is within tolerance. */
  ok: boolean;
  /** Number of elements outside tolerance, and of elements compared. */
  failing: number;
  count: number;
  /**
   * Flat offset of the worst element: the failing one with the largest relative error, or,
   * when all pass, the element with the largest relative error. -1 when nothing was compared.
   */
  worst: number;
  /** Relative error at `worst`. */
  relError: number;
}

/**
 * Compares `received` with `expected` element by element.
 * received, expected: same length (flat row-major data); keep(i): which offsets to compare
 * (all by default).
 */
export function compareData(
  received: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  atol: number,
  keep: (offset: number) => boolean = () => true,
): Comparison {
  let failing = 0;
  let count = 0;
  let worstFailing = -1;
  let worstFailingError = -1;
  let worstAny = -1;
  let worstAnyError = -1;
  for (let i = 0; i < expected.length; i++) {
    if (!keep(i)) continue;
    count++;
    const r = received[i] ?? NaN;
    const e = expected[i];
    const rel = relativeError(r, e);
    const err = Number.isNaN(rel) ? Infinity : rel;
    if (err > worstAnyError) {
      worstAnyError = err;
      worstAny = i;
    }
    if (!withinTolerance(r, e, tol, atol)) {
      failing++;
      if (err > worstFailingError) {
        worstFailingError = err;
        worstFailing = i;
      }
    }
  }
  return failing > 0
    ? { ok: false, failing, count, worst: worstFailing, relError: worstFailingError }
    : { ok: true, failing, count, worst: worstAny, relError: Math.max(0, worstAnyError) };
}

/**
 * One comparison per time step: entry t compares the elements whose index along `axis`
 * is t. shape: the shape both arrays share; axis: the time axis.
 */
export function compareByStep(
  received: ArrayLike<number>,
  expected: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  tol: number,
  atol: number,
): Comparison[] {
  const steps = shape[axis] ?? 0;
  const stride = stridesOf(shape)[axis] ?? 1;
  const result: Comparison[] = [];
  for (let t = 0; t < steps; t++) {
    result.push(
      compareData(received, expected, tol, atol, (i) => Math.floor(i / stride) % steps === t),
    );
  }
  return result;
}

/**
 * True when `actual` has the form of `expected` (a Tensor of its shape, a number, or an array of
 * numbers of its length) and every element is within `tol` (relative) or `atol` (absolute).
 * Suites use it to recognise which known mistake a wrong value matches; it never throws.
 */
export function agrees(
  actual: unknown,
  expected: Tensor | number | readonly number[],
  tol: number = TOLERANCES.recognise,
  atol: number = ABSOLUTE_FLOORS.recognise,
): boolean {
  let received: ArrayLike<number>;
  let wanted: ArrayLike<number>;
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return false;
    [received, wanted] = [[actual], [expected]];
  } else if (isTensor(expected)) {
    if (!isTensor(actual) || !sameShape(actual.shape, expected.shape)) return false;
    [received, wanted] = [actual.data, expected.data];
  } else {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    if (!actual.every((v) => typeof v === 'number')) return false;
    [received, wanted] = [actual as number[], expected];
  }
  return compareData(received, wanted, tol, atol).ok;
}
