/**
 * Reductions over one or more axes: sum, mean, max. Each is computed by mapping every input
 * element to the output slot it reduces into (the input broadcast from the kept-dims shape),
 * so the backward is that same map read the other way: every input element receives the
 * gradient of its slot (times 1/count for the mean; only the arg-max for max).
 */
import { accumulate, record } from '../autograd';
import { broadcastOffsets } from '../broadcast';
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
  // offsets[k]: the output slot of input element k
  const offsets = broadcastOffsets(a.shape, keptShape);
  return { outShape, count, offsets };
}

/**
 * Sum over `axis` (a number, a list, or all axes when omitted); negative axes count from
 * the end.
 *
 * @param a shape [..., d_axis, ...]
 * @returns the shape of a without the reduced axes (kept as size 1 with keepDims); `[]` for all
 */
export function sum(a: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const { outShape, offsets } = reduction('sum', a, axis, keepDims);
  const x = a.data;
  const out = new Float64Array(shapeSize(outShape));
  for (let k = 0; k < x.length; k++) out[offsets === null ? k : offsets[k]] += x[k];
  return record(new Tensor(out, outShape), 'sum', [a], (g) => {
    const ga = new Float64Array(x.length);
    for (let k = 0; k < ga.length; k++) ga[k] = g[offsets === null ? k : offsets[k]];
    accumulate(a, ga);
  });
}

/**
 * Mean over `axis` (a number, a list, or all axes when omitted).
 *
 * @param a shape [..., d_axis, ...]
 * @returns the shape of a without the reduced axes (kept as size 1 with keepDims)
 */
export function mean(a: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const { outShape, count, offsets } = reduction('mean', a, axis, keepDims);
  const x = a.data;
  const out = new Float64Array(shapeSize(outShape));
  for (let k = 0; k < x.length; k++) out[offsets === null ? k : offsets[k]] += x[k];
  for (let j = 0; j < out.length; j++) out[j] /= count;
  return record(new Tensor(out, outShape), 'mean', [a], (g) => {
    const ga = new Float64Array(x.length);
    for (let k = 0; k < ga.length; k++) ga[k] = g[offsets === null ? k : offsets[k]] / count;
    accumulate(a, ga);
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
  const { outShape, offsets } = reduction('max', a, axis, keepDims);
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
    const ga = new Float64Array(x.length);
    for (let j = 0; j < m; j++) if (argmax[j] >= 0) ga[argmax[j]] += g[j];
    accumulate(a, ga);
  });
}
