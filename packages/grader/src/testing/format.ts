/**
 * How grading messages write numbers, indices and values.
 *
 * A failure message is read by a learner who has to find the bug from it, so every number
 * is printed with just enough digits to show the difference, and every index in the same
 * `[1, 0, 2]` notation the chapters use for shapes.
 */
import { Tensor } from '@rnn-course/core';

/** `[2, 3]`: a shape or a multi-index, written as the chapters write them. */
export function formatIndex(index: readonly number[]): string {
  return `[${index.join(', ')}]`;
}

/**
 * The multi-index of a row-major flat offset.
 * flat: offset into `data`; shape: the tensor's shape. Returns one index per axis.
 */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis] ?? 1;
    index[axis] = rest % size;
    rest = Math.floor(rest / size);
  }
  return index;
}

/**
 * A number with `digits` significant digits, trailing zeros dropped: 0.5, -1.25e-7, NaN.
 */
export function formatNumber(x: number, digits = 6): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e7) return String(Number(x.toPrecision(digits)));
  return x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
}

/**
 * Significant digits needed to see two numbers differ when their relative error is
 * `relError`: about -log10(relError) digits agree, so print three more (at least 6, at
 * most the 17 a float64 holds).
 */
export function digitsToShow(relError: number): number {
  if (!(relError > 0) || !Number.isFinite(relError)) return 6;
  return Math.min(17, Math.max(6, Math.ceil(-Math.log10(relError)) + 3));
}

/** A relative error with two significant digits: 3.2e-5, 0.077, 1. */
export function formatError(e: number): string {
  if (Number.isNaN(e)) return 'NaN';
  if (e === 0) return '0';
  if (e >= 0.01) return String(Number(e.toPrecision(2)));
  return e.toExponential(1);
}

/** A tolerance as written in the source: 1e-8, 2.5e-7; 0 is "0: an exact match". */
export function formatTolerance(t: number): string {
  if (t === 0) return '0: an exact match';
  return t.toExponential().replace('e+', 'e');
}

/**
 * Ranges of consecutive integers, for time steps: [0, 1, 2, 3, 5] -> "0-3, 5".
 */
export function formatRanges(values: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === (values[j] ?? 0) + 1) j++;
    const first = values[i] ?? 0;
    const last = values[j] ?? 0;
    parts.push(
      first === last ? `${first}` : last === first + 1 ? `${first}, ${last}` : `${first}-${last}`,
    );
    i = j + 1;
  }
  return parts.join(', ');
}

/**
 * True for a core Tensor, or for a tensor-like object from another copy of the core (a
 * submission with its own node_modules): float64 `data` and an array `shape`.
 */
export function isTensor(value: unknown): value is Tensor {
  if (value instanceof Tensor) return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { data?: unknown; shape?: unknown };
  return v.data instanceof Float64Array && Array.isArray(v.shape);
}

/**
 * What a value is, in words a learner recognises: "a number (0.5)", "a number[][]",
 * "an object with keys { h, cache }", "a Tensor of shape [2, 3]", "undefined".
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined (did the function forget to return?)';
  if (value === null) return 'null';
  if (isTensor(value)) return `a Tensor of shape ${formatIndex(value.shape)}`;
  switch (typeof value) {
    case 'number':
      return `a number (${formatNumber(value)})`;
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)})`;
    case 'boolean':
    case 'bigint':
      return `a ${typeof value} (${String(value)})`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      break;
  }
  if (Array.isArray(value)) return describeArray(value);
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name;
    const kind = name === 'Float32Array' ? ' (the course computes in float64: Float64Array)' : '';
    return `a ${name}${kind}`;
  }
  const obj = value as Record<string, unknown>;
  if (typeof obj['then'] === 'function') {
    return 'a Promise (the function should be synchronous: remove async/await)';
  }
  const data = obj['data'];
  if (Array.isArray(obj['shape']) && ArrayBuffer.isView(data)) {
    return `a tensor-like object whose data is a ${data.constructor.name} (the course uses Float64Array)`;
  }
  const keys = Object.keys(obj);
  if (keys.length === 0) return 'an empty object';
  const shown = keys.slice(0, 8).join(', ') + (keys.length > 8 ? ', ...' : '');
  return `an object with keys { ${shown} }`;
}

/** "a number[][]", "a Tensor[] of length 4", "an empty array", "an array". */
function describeArray(value: unknown[]): string {
  if (value.length === 0) return 'an empty array';
  if (value.every(isTensor))
    return `a Tensor[] of length ${value.length} (an array, not one Tensor)`;
  let depth = 0;
  let level: unknown = value;
  while (Array.isArray(level)) {
    depth++;
    level = level[0];
  }
  const brackets = '[]'.repeat(depth);
  if (typeof level === 'number') return `a number${brackets}`;
  return 'an array';
}
