/**
 * Value assertions for grading suites: shape, closeness to the reference, finiteness.
 *
 * Each helper throws a `GradingError` whose message says what was checked, where it went
 * wrong (worst index, time step), expected and received values, the relative error against
 * its tolerance, and which hint to read. Comparisons use the relative error of the CS231n
 * assignments (see `compare.ts`).
 */
import { Rng, type Tensor } from '@rnn-course/core';
import { compareByStep, compareData } from './compare';
import {
  describeValue,
  digitsToShow,
  formatError,
  formatIndex,
  formatNumber,
  formatTolerance,
  isTensor,
  unravelIndex,
} from './format';
import {
  NonFiniteError,
  NotCloseError,
  WrongShapeError,
  WrongTypeError,
  type HintOptions,
} from './errors';
import { classifyTimePattern, describeTimePattern } from './time-pattern';

export { currentExercise, hintPointer, setCurrentExercise } from './context';
export {
  GradientError,
  GradingError,
  InputMutationError,
  NonFiniteError,
  NotCloseError,
  WrongShapeError,
  WrongTypeError,
  type HintOptions,
} from './errors';
export { relativeError, withinTolerance } from './compare';

/**
 * Relative-error tolerances, one per kind of check, for
 * relError = max |a - b| / max(1e-8, |a| + |b|), all in float64.
 *
 * Calibrated on the values the CS231n RNN assignment expects (Stanford CS231n, assignment 3,
 * "RNN_Captioning": about 1e-8 for a step forward, 1e-7 for a sequence forward and the
 * temporal softmax loss, 1e-6 to 1e-8 for BPTT gradients against central differences with
 * h = 1e-5) and on the CS231n notes on gradient checks (cs231n.github.io/neural-networks-3,
 * "Gradient checks"). A suite passes one of these as `tol`; a tighter number is welcome
 * where the math allows it.
 */
export const TOLERANCES = {
  /** One step of a layer against the reference: a few float64 operations per element. */
  stepForward: 1e-8,
  /** A whole sequence against the reference: T steps of rounding compound. */
  sequenceForward: 1e-7,
  /** A loss value, and the softmax loss gradient dlogits, against the reference. */
  loss: 1e-7,
  /**
   * A hand-written backward against central differences of the learner's own forward with
   * h = 1e-5: the difference has truncation error O(h^2) and rounding error O(eps / h).
   */
  gradientVsNumeric: 1e-6,
  /** A hand-written backward against the reference's autograd: both exact up to rounding. */
  gradientVsReference: 1e-8,
  /** A whole model's loss gradient against central differences (h = 1e-6 in CS231n). */
  modelGradientVsNumeric: 1e-5,
} as const;

/**
 * Absolute floors under the relative tolerances: an element also passes when
 * |a - b| <= floor. Relative error says nothing for elements near zero, where it compares
 * two roundings of almost nothing.
 *
 * - reference: two float64 computations of the same sums differ by about 1e-16 times the
 *   size of the terms; measured on a BPTT with N = 4, T = 20, H = 8: at most 1.1e-14.
 * - numeric: a central difference at h = 1e-5 is off by about eps |f| / h + h^2 |f'''| / 6,
 *   with f = sum(out * dout) of size 10 to 100; measured on the same BPTT: up to 7e-9
 *   absolute. The floor sits above that; a real bug moves gradients by far more, and the
 *   comparison with the reference (floor 1e-12) still sees small errors.
 */
export const ABSOLUTE_FLOORS = {
  /** Values and gradients compared with a reference computation. */
  reference: 1e-12,
  /** Gradients compared with central differences. */
  numeric: 1e-7,
} as const;

/** The tolerance `expectClose` uses when the suite gives none. */
export const DEFAULT_TOLERANCE: number = TOLERANCES.sequenceForward;

/** Options shared by the value assertions. */
export interface WhatOptions extends HintOptions {
  /** The value's name in the message: 'nextH', 'dx', 'loss'. */
  what: string;
}

/** Options of `expectClose`. */
export interface CloseOptions extends WhatOptions {
  /** Largest relative error accepted (default `DEFAULT_TOLERANCE`). */
  tol?: number;
  /** Absolute floor for elements near zero (default `ABSOLUTE_FLOORS.reference`). */
  atol?: number;
  /** Axis of time, if the value runs over time ([N, T, H]: 1): the message names the steps. */
  timeAxis?: number;
}

/**
 * Asserts that `actual` is a Tensor of shape `expected`.
 * Rejects non-tensors by name: "h: expected a Tensor of shape [2, 3], received a number[]".
 * actual: anything the learner returned; expected: the shape, e.g. [N, T, H].
 */
export function expectShape(
  actual: unknown,
  expected: readonly number[],
  what: string,
  options: HintOptions = {},
): asserts actual is Tensor {
  const want = `a Tensor of shape ${formatIndex(expected)}`;
  if (!isTensor(actual)) {
    throw new WrongTypeError(
      what,
      `${what}: expected ${want}, received ${describeValue(actual)}`,
      options,
    );
  }
  const shape = actual.shape;
  const same = shape.length === expected.length && shape.every((d, i) => d === expected[i]);
  if (same) return;
  let note = '';
  if (shape.length === expected.length && sameMultiset(shape, expected)) {
    note = ' (the same sizes in another order: are two axes swapped?)';
  } else if (product(shape) === product(expected)) {
    note = ' (the right number of elements in another shape: a missing reshape?)';
  }
  throw new WrongShapeError(
    what,
    `${what}: expected ${want}, received a Tensor of shape ${formatIndex(shape)}${note}`,
    expected,
    shape,
    options,
  );
}

/**
 * Asserts that every element of `t` is finite; names the first NaN or Infinity:
 * "dx contains NaN at [1, 0] (3 of 12 elements are not finite)".
 * t: a Tensor (checked to be one) or a number.
 */
export function expectFinite(t: unknown, what: string, options: HintOptions = {}): void {
  if (typeof t === 'number') {
    if (!Number.isFinite(t)) {
      throw new NonFiniteError(
        what,
        `${what} is ${formatNumber(t)}, expected a finite number`,
        [],
        options,
      );
    }
    return;
  }
  if (!isTensor(t)) {
    throw new WrongTypeError(
      what,
      `${what}: expected a Tensor, received ${describeValue(t)}`,
      options,
    );
  }
  let first = -1;
  let count = 0;
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i] ?? NaN)) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return;
  const index = unravelIndex(first, t.shape);
  const value = formatNumber(t.data[first] ?? NaN);
  const where = t.shape.length === 0 ? '' : ` at ${formatIndex(index)}`;
  const tally = t.size === 1 ? '' : ` (${count} of ${t.size} elements are not finite)`;
  throw new NonFiniteError(what, `${what} contains ${value}${where}${tally}`, index, options);
}

/**
 * Asserts that `actual` is close to `expected` in relative error. Checks, in order: type,
 * shape, NaN/Infinity, then values; on failure names the worst element: its index (and time
 * step), expected, received, relative error and tolerance.
 * actual: the learner's Tensor or number; expected: the reference, same shape.
 */
export function expectClose(
  actual: unknown,
  expected: Tensor | number,
  options: CloseOptions,
): void {
  const { what } = options;
  const tol = options.tol ?? DEFAULT_TOLERANCE;
  const atol = options.atol ?? ABSOLUTE_FLOORS.reference;
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') {
      throw new WrongTypeError(
        what,
        `${what}: expected a number, received ${describeValue(actual)}`,
        options,
      );
    }
    expectFinite(actual, what, options);
    const result = compareData([actual], [expected], tol, atol);
    if (result.ok) return;
    throw notClose(what, [], undefined, expected, actual, result.relError, tol, '', options);
  }
  expectShape(actual, expected.shape, what, options);
  expectFinite(actual, what, options);
  const result = compareData(actual.data, expected.data, tol, atol);
  if (result.ok) return;
  const index = unravelIndex(result.worst, expected.shape);
  let summary = `${result.failing} of ${result.count} elements differ from the expected values`;
  const axis = options.timeAxis;
  if (axis !== undefined && axis >= 0 && axis < expected.shape.length) {
    const steps = compareByStep(actual.data, expected.data, expected.shape, axis, tol, atol);
    const wrong = steps.flatMap((s, t) => (s.ok ? [] : [t]));
    const right = steps.flatMap((s, t) => (s.ok ? [t] : []));
    const kind = classifyTimePattern(wrong, steps.length);
    summary = describeTimePattern({ kind, wrong, right, steps: steps.length });
  }
  throw notClose(
    what,
    index,
    axis,
    expected.data[result.worst] ?? NaN,
    actual.data[result.worst] ?? NaN,
    result.relError,
    tol,
    summary,
    options,
  );
}

/**
 * A generator seeded for a suite: the core's Rng, bit-identical on every machine.
 * seed: any integer; the same seed always yields the same inputs.
 */
export function seeded(seed: number): Rng {
  return new Rng(seed);
}

/**
 * "worst element [1, 0, 2] (time step 0): expected 0.25, received 0.125, relative error
 * 3.3e-1 (tolerance 1e-7)": the detail line shared by value and gradient messages.
 * index: multi-index of the worst element ([] for a number); timeAxis: its time axis.
 */
export function describeWorst(
  index: readonly number[],
  timeAxis: number | undefined,
  expected: number,
  received: number,
  relError: number,
  tol: number,
): string {
  const digits = digitsToShow(relError);
  const step =
    timeAxis !== undefined && index.length > timeAxis ? ` (time step ${index[timeAxis]})` : '';
  const where = index.length === 0 ? '' : `worst element ${formatIndex(index)}${step}: `;
  return (
    `${where}expected ${formatNumber(expected, digits)}, received ${formatNumber(received, digits)}, ` +
    `relative error ${formatError(relError)} (tolerance ${formatTolerance(tol)})`
  );
}

function notClose(
  what: string,
  index: readonly number[],
  timeAxis: number | undefined,
  expected: number,
  received: number,
  relError: number,
  tol: number,
  summary: string,
  options: HintOptions,
): NotCloseError {
  const detail = describeWorst(index, timeAxis, expected, received, relError, tol);
  const body = summary === '' ? `${what}: ${detail}` : `${what}: ${summary}\n  ${detail}`;
  return new NotCloseError(what, body, index, expected, received, relError, tol, options);
}

function sameMultiset(a: readonly number[], b: readonly number[]): boolean {
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  return sa.every((d, i) => d === sb[i]);
}

function product(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}
