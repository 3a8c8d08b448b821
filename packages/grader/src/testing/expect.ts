/**
 * Value assertions for grading suites: shape, closeness to the reference, finiteness.
 *
 * Each helper throws a `GradingError` whose message says what was checked, where it went
 * wrong (worst index, time step), expected and received values, the relative error against
 * its tolerance, and which hint to read. Comparisons use the relative error of the CS231n
 * assignments (see `compare.ts`).
 */
import { sameShape, shapeSize, type Tensor } from '@rnn-course/core';
import { compareByStep, compareData } from './compare';
import {
  NonFiniteError,
  NotCloseError,
  WrongShapeError,
  WrongTypeError,
  type HintOptions,
} from './errors';
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
import { classifyTimePattern, describeTimePattern, type TimePattern } from './time-pattern';
import { ABSOLUTE_FLOORS, TOLERANCES } from './tolerances';

/** Options shared by the value assertions. */
export interface WhatOptions extends HintOptions {
  /** The value's name in the message: 'nextH', 'dx', 'loss'. */
  what: string;
}

/** Options of `expectClose`. */
export interface CloseOptions extends WhatOptions {
  /** Largest relative error accepted (default `TOLERANCES.value`). */
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
  if (sameShape(shape, expected)) return;
  let note = '';
  if (shape.length === expected.length && sameMultiset(shape, expected)) {
    note = ' (the same sizes in another order: are two axes swapped?)';
  } else if (shapeSize(shape) === shapeSize(expected)) {
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
  const tol = options.tol ?? TOLERANCES.value;
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
  let pattern: TimePattern | undefined;
  const axis = options.timeAxis;
  if (axis !== undefined && axis >= 0 && axis < expected.shape.length) {
    const steps = compareByStep(actual.data, expected.data, expected.shape, axis, tol, atol);
    const wrong = steps.flatMap((s, t) => (s.ok ? [] : [t]));
    const right = steps.flatMap((s, t) => (s.ok ? [t] : []));
    pattern = {
      gradient: what,
      kind: classifyTimePattern(wrong, steps.length),
      steps: steps.length,
      wrong,
      right,
      stepErrors: steps.map((s) => s.relError),
      against: 'reference',
    };
    summary = describeTimePattern(pattern);
  }
  const detail = describeWorst(
    index,
    axis,
    expected.data[result.worst] ?? NaN,
    actual.data[result.worst] ?? NaN,
    result.relError,
    tol,
  );
  throw new NotCloseError(
    what,
    `${what}: ${summary}\n  ${detail}`,
    index,
    expected.data[result.worst] ?? NaN,
    actual.data[result.worst] ?? NaN,
    result.relError,
    tol,
    options,
    pattern === undefined ? {} : { pattern },
  );
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
