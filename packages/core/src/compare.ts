/**
 * Comparing tensors: `allClose` (numpy's elementwise test |a - b| <= atol + rtol |b|) and
 * `maxRelError`, the CS231n relative error max |a - b| / max(1e-8, |a| + |b|), the number the
 * course quotes when it says two gradients agree "to 1e-8".
 */
import { ShapeError, formatShape } from './errors';
import { Tensor, sameShape } from './tensor';

/** Options of `allClose`. */
export interface AllCloseOptions {
  /** relative tolerance, default 1e-5 */
  rtol?: number;
  /** absolute tolerance, default 1e-8 */
  atol?: number;
}

function values(op: string, a: Tensor | number, b: Tensor | number): [Float64Array, Float64Array] {
  const A = typeof a === 'number' ? new Float64Array([a]) : a.data;
  const B = typeof b === 'number' ? new Float64Array([b]) : b.data;
  if (a instanceof Tensor && b instanceof Tensor && !sameShape(a.shape, b.shape)) {
    throw new ShapeError(
      op,
      `two tensors of one shape, a ${formatShape(a.shape)}`,
      `b ${formatShape(b.shape)}`,
    );
  }
  if (A.length !== B.length) {
    throw new ShapeError(op, `${A.length} values in b`, `${B.length}`);
  }
  return [A, B];
}

/**
 * True when |a - b| <= atol + rtol |b| everywhere (numpy.allclose; NaN is never close).
 *
 * @param a a tensor or a number
 * @param b the reference, of a's shape
 */
export function allClose(
  a: Tensor | number,
  b: Tensor | number,
  opts: AllCloseOptions = {},
): boolean {
  const { rtol = 1e-5, atol = 1e-8 } = opts;
  const [A, B] = values('allClose', a, b);
  for (let i = 0; i < A.length; i++) {
    const x = A[i];
    const y = B[i];
    if (x === y) continue; // equal infinities
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) return false;
  }
  return true;
}

/**
 * The CS231n relative error of two numbers, |a - b| / max(1e-8, |a| + |b|): 0 when they are
 * equal, NaN when either is NaN. The 1e-8 keeps two numbers near zero from dividing by zero.
 */
export function relativeError(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(1e-8, Math.abs(a) + Math.abs(b));
}

/**
 * The CS231n relative error, max over elements of |a - b| / max(1e-8, |a| + |b|).
 * 0 for identical values; about 1e-8 or less for a correct float64 gradient; NaN if any value
 * is NaN.
 *
 * @param a a tensor or a number
 * @param b of a's shape
 */
export function maxRelError(a: Tensor | number, b: Tensor | number): number {
  const [A, B] = values('maxRelError', a, b);
  let worst = 0;
  for (let i = 0; i < A.length; i++) {
    const e = relativeError(A[i], B[i]);
    if (Number.isNaN(e)) return NaN;
    if (e > worst) worst = e;
  }
  return worst;
}
