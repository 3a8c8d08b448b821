/**
 * Reductions over one or more axes: sum, mean, max. Each is computed by mapping every input
 * element to the output slot it reduces into (the input broadcast from the kept-dims shape,
 * walked by blocks as `broadcastBlocks` gives them), so the backward is that same map read the
 * other way: every input element receives the
 * gradient of its slot (times 1/count for the mean; only the arg-max for max).
 */
import { accumulate, record } from '../autograd';
import { outputBuffer, zeroBuffer } from '../buffers';
import { broadcastBlocks, broadcastOffsets } from '../broadcast';
import { Tensor, normalizeAxis, shapeSize } from '../tensor';

/** Axes to reduce (sorted, nonnegative) and the kept-dims and final shapes. */
function reduction(
  op: string,
  a: Tensor,
  axis: number | readonly number[] | undefined,
  keepDims: boolean,
) {
  const all = a.shape.map((_, i) => i);
  const axes =
    axis === undefined
      ? all
      : (typeof axis === 'number' ? [axis] : [...axis]).map((ax) => normalizeAxis(op, ax, a.ndim));
  if (new Set(axes).size !== axes.length) {
    throw new RangeError(`${op}: repeated axis in [${axes.join(', ')}]`);
  }
  const keptShape = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape = keepDims ? keptShape : a.shape.filter((_, i) => !axes.includes(i));
  const count = axes.reduce((n, i) => n * a.shape[i], 1);
  // The input seen as the output broadcast up to it: in block o, input elements k .. k+inner-1
  // reduce into slots starts[o] + e * step (step 0: all into one slot).
  const { outer, inner, reads } = broadcastBlocks(a.shape, [keptShape]);
  const { starts, step } = reads[0];
  return { outShape, keptShape, count, outer, inner, starts, step };
}

/** out[slot of k] += x[k] for every input element k, slots as `reduction` gives them. */
function sumInto(
  x: Float64Array,
  out: Float64Array,
  outer: number,
  inner: number,
  starts: Int32Array,
  step: number,
): void {
  for (let o = 0, k = 0; o < outer; o++) {
    const end = k + inner;
    for (let j = starts[o]; k < end; k++, j += step) out[j] += x[k];
  }
}

/** ga[k] = g[slot of k] · factor for every input element k (the backward of a sum). */
function spread(
  g: Float64Array,
  ga: Float64Array,
  outer: number,
  inner: number,
  starts: Int32Array,
  step: number,
  factor: number,
): void {
  for (let o = 0, k = 0; o < outer; o++) {
    const end = k + inner;
    for (let j = starts[o]; k < end; k++, j += step) ga[k] = g[j] * factor;
  }
}

/**
 * Sum over `axis` (a number, a list, or all axes when omitted); negative axes count from
 * the end.
 *
 * @param a shape [..., d_axis, ...]
 * @returns the shape of a without the reduced axes (kept as size 1 with keepDims); `[]` for all
 */
export function sum(a: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const { outShape, outer, inner, starts, step } = reduction('sum', a, axis, keepDims);
  const x = a.data;
  const out = zeroBuffer(shapeSize(outShape));
  sumInto(x, out, outer, inner, starts, step);
  return record(new Tensor(out, outShape), 'sum', [a], (g) => {
    const ga = outputBuffer(x.length); // spread writes every entry
    spread(g, ga, outer, inner, starts, step, 1);
    accumulate(a, ga, true);
  });
}

/**
 * Mean over `axis` (a number, a list, or all axes when omitted).
 *
 * @param a shape [..., d_axis, ...]
 * @returns the shape of a without the reduced axes (kept as size 1 with keepDims)
 */
export function mean(a: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const { outShape, count, outer, inner, starts, step } = reduction('mean', a, axis, keepDims);
  const x = a.data;
  const out = zeroBuffer(shapeSize(outShape));
  sumInto(x, out, outer, inner, starts, step);
  for (let j = 0; j < out.length; j++) out[j] /= count;
  return record(new Tensor(out, outShape), 'mean', [a], (g) => {
    const ga = outputBuffer(x.length); // spread writes every entry
    spread(g, ga, outer, inner, starts, step, 1 / count);
    accumulate(a, ga, true);
  });
}

/**
 * Maximum over `axis` (a number, a list, or all axes when omitted). The gradient flows to
 * the first position holding the maximum of each slot.
 *
 * @param a shape [..., d_axis, ...]
 * @returns the shape of a without the reduced axes (kept as size 1 with keepDims)
 */
export function max(a: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const { outShape, keptShape } = reduction('max', a, axis, keepDims);
  // offsets[k]: the output slot of input element k
  const offsets = broadcastOffsets(a.shape, keptShape);
  const x = a.data;
  const m = shapeSize(outShape);
  const out = new Float64Array(m).fill(-Infinity);
  const argmax = new Int32Array(m).fill(-1);
  for (let k = 0; k < x.length; k++) {
    const j = offsets === null ? k : offsets[k];
    const v = x[k];
    // NaN wins and sticks, as in numpy
    if (argmax[j] === -1 || v > out[j] || (v !== v && out[j] === out[j])) {
      out[j] = v;
      argmax[j] = k;
    }
  }
  return record(new Tensor(out, outShape), 'max', [a], (g) => {
    const ga = zeroBuffer(x.length);
    for (let j = 0; j < m; j++) if (argmax[j] >= 0) ga[argmax[j]] += g[j];
    accumulate(a, ga, true);
  });
}
