/**
 * Numpy broadcasting. Two shapes are aligned at their last axes; sizes must be equal or 1
 * (or missing), and a size-1 axis is repeated to match. The backward of a broadcast is the
 * sum of the gradient over the repeated positions (`sumToShape`).
 */
import { ShapeError, formatShape } from './errors';
import { shapeSize, stridesOf } from './tensor';
import type { Shape } from './tensor';

/**
 * The shape two shapes broadcast to, e.g. `[N, T, H]` and `[H]` -> `[N, T, H]`.
 * Throws ShapeError naming `op` and both shapes when they do not broadcast.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        'shapes that broadcast (equal sizes or 1 in each axis)',
        `${formatShape(a)} and ${formatShape(b)}`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * For each element of `outShape` (row-major), the flat offset of the element of `inShape`
 * that broadcasts onto it; `inShape` must broadcast to `outShape`.
 *
 * @returns Int32Array of length size(outShape), or null when the shapes are equal
 */
export function broadcastOffsets(outShape: Shape, inShape: Shape): Int32Array | null {
  const n = outShape.length;
  if (inShape.length === n && inShape.every((d, i) => d === outShape[i])) return null;
  const inStrides = stridesOf(inShape);
  // Stride 0 on axes the input repeats (missing or size 1).
  const strides = outShape.map((d, i) => {
    const j = i - (n - inShape.length);
    return j < 0 || inShape[j] === 1 ? 0 : inStrides[j];
  });
  return stridedOffsets(outShape, strides);
}

/**
 * Walks `outShape` in row-major order and gives, for each position, the flat offset
 * Σ index[axis] · strides[axis] into some other array: the one walk behind broadcasting
 * (stride 0 repeats an axis) and permuting (strides reordered).
 *
 * @returns Int32Array of length size(outShape)
 */
export function stridedOffsets(outShape: Shape, strides: readonly number[]): Int32Array {
  const n = outShape.length;
  const offsets = new Int32Array(shapeSize(outShape));
  const counter = new Array<number>(n).fill(0);
  let off = 0;
  for (let k = 0; k < offsets.length; k++) {
    offsets[k] = off;
    // Advance the odometer by one position, updating the offset incrementally.
    for (let axis = n - 1; axis >= 0; axis--) {
      counter[axis]++;
      off += strides[axis];
      if (counter[axis] < outShape[axis]) break;
      off -= strides[axis] * counter[axis];
      counter[axis] = 0;
    }
  }
  return offsets;
}

/**
 * Sums a gradient of shape `fromShape` down to `toShape` (the backward of broadcasting
 * `toShape` up to `fromShape`).
 *
 * @param g flat, size(fromShape) entries
 * @returns flat, size(toShape) entries (`g` itself when the shapes are equal)
 */
export function sumToShape(g: Float64Array, fromShape: Shape, toShape: Shape): Float64Array {
  const offsets = broadcastOffsets(fromShape, toShape);
  if (offsets === null) return g;
  const out = new Float64Array(shapeSize(toShape));
  for (let k = 0; k < g.length; k++) out[offsets[k]] += g[k];
  return out;
}
