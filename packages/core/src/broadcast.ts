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
 * How one operand is read while walking a broadcast output (see `broadcastBlocks`): in output
 * block o, its elements are at `starts[o] + e * step` for e = 0 .. inner-1, with step 1 (the
 * operand runs along the block) or 0 (it repeats one value across the block).
 */
export interface BlockRead {
  starts: Int32Array;
  step: 0 | 1;
}

/**
 * The walk behind every broadcasting loop of the core, without an index per element: the output
 * (row-major) is cut into `outer` blocks of `inner` consecutive elements, the longest trailing
 * run of axes along which each input either runs with the output or repeats one value. For
 * `[N, T, 4H] + [4H]` that is N·T blocks of 4H, both inputs running (the bias restarting at 0
 * in every block); for `[N, H] * []` one block of N·H, the scalar repeated. A loop then reads
 * input elements `starts[o] + e * step` with no broadcast copy and no Int32Array the size of
 * the output (`broadcastOffsets` builds one).
 *
 * @param outShape the broadcast shape
 * @param inShapes shapes that broadcast to `outShape`
 * @returns outer and inner sizes (outer · inner = size(outShape)) and one read per input
 */
export function broadcastBlocks(
  outShape: Shape,
  inShapes: readonly Shape[],
): { outer: number; inner: number; reads: BlockRead[] } {
  const n = outShape.length;
  // padded[j][axis]: input j's size along output axis `axis` (1 where the input has no axis).
  const padded = inShapes.map((s) => outShape.map((_, axis) => s[axis - (n - s.length)] ?? 1));
  // Along the block every input must keep one behaviour: run (1) or repeat (0); -1 undecided.
  const steps = inShapes.map(() => -1);
  let split = n; // the block is made of axes split .. n-1
  let inner = 1;
  for (let axis = n - 1; axis >= 0; axis--) {
    const d = outShape[axis];
    if (d !== 1) {
      const here = padded.map((s) => (s[axis] === 1 ? 0 : 1));
      if (here.some((h, j) => steps[j] !== -1 && steps[j] !== h)) break;
      here.forEach((h, j) => (steps[j] = h));
    }
    inner *= d;
    split = axis;
  }
  const outerShape = outShape.slice(0, split);
  const reads = padded.map((s, j) => {
    const strides = stridesOf(s);
    // Stride 0 on the outer axes the input repeats.
    const outerStrides = outerShape.map((_, axis) => (s[axis] === 1 ? 0 : strides[axis]));
    return {
      starts: stridedOffsets(outerShape, outerStrides),
      step: (steps[j] === 0 ? 0 : 1) as 0 | 1,
    };
  });
  return { outer: shapeSize(outerShape), inner, reads };
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
