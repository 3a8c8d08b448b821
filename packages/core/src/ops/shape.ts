/**
 * Ops that move values without changing them: reshape, permute, transpose, concat, stack,
 * split, narrow. Their backward moves the gradient back the same way (a reshape's gradient is
 * reshaped back, a permute's is permuted by the inverse permutation, a slice's gradient is
 * written into zeros at the slice's place).
 *
 * Many of them see a shape as [outer, d, inner] around one axis: `outer` is the product of
 * the sizes before the axis, `inner` the product after it, and a block of d * inner values is
 * contiguous in row-major order.
 */
import { accumulate, accumulateRows, passGradient, record } from '../autograd';
import { outputBuffer } from '../buffers';
import { stridedOffsets } from '../broadcast';
import { ShapeError, formatShape } from '../errors';
import { Tensor, normalizeAxis, sameShape, shapeSize, stridesOf } from '../tensor';
import type { Shape } from '../tensor';

/** Products of the sizes before and after `axis`. */
function outerInner(shape: Shape, axis: number): { outer: number; inner: number } {
  return { outer: shapeSize(shape.slice(0, axis)), inner: shapeSize(shape.slice(axis + 1)) };
}

/**
 * The same values in a new shape (row-major order is kept; the storage is shared). One entry
 * may be -1, meaning "whatever size makes the element count match".
 *
 * @param a any shape with size S
 * @param shape the new shape, size S
 */
export function reshape(a: Tensor, shape: Shape): Tensor {
  const free = shape.filter((d) => d === -1).length;
  const known = shape.reduce((n, d) => (d === -1 ? n : n * d), 1);
  if (free > 1 || shape.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new ShapeError(
      'reshape',
      'a shape of sizes >= 0 with at most one -1',
      formatShape(shape),
    );
  }
  const target = shape.map((d) => (d === -1 ? (known === 0 ? 0 : a.size / known) : d));
  if (shapeSize(target) !== a.size || target.some((d) => !Number.isInteger(d))) {
    throw new ShapeError(
      'reshape',
      `a shape with ${a.size} elements like ${formatShape(a.shape)}`,
      formatShape(shape),
    );
  }
  return record(new Tensor(a.data, target), 'reshape', [a], (g) => passGradient(a, g));
}

/** Side of the square tiles `transposeInto` copies: 32 × 32 values, 8 KiB, stay in the L1 cache. */
const TILE = 32;

/**
 * out[j, i] = data[i, j] for a row-major [R, C] matrix at `from`, written at `to` as [C, R]. In
 * square tiles: a column of a matrix whose rows are a page apart (512 float64) would otherwise
 * cost an address translation and a cache miss per value.
 */
function transposeInto(
  data: Float64Array,
  from: number,
  out: Float64Array,
  to: number,
  R: number,
  C: number,
): void {
  for (let i0 = 0; i0 < R; i0 += TILE) {
    const i1 = Math.min(R, i0 + TILE);
    for (let j0 = 0; j0 < C; j0 += TILE) {
      const j1 = Math.min(C, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const row = from + i * C;
        for (let j = j0; j < j1; j++) out[to + j * R + i] = data[row + j];
      }
    }
  }
}

/** The values of `data` (of `shape`) with axes reordered: output axis i is input axis axes[i]. */
function permuteData(data: Float64Array, shape: Shape, axes: readonly number[]): Float64Array {
  const n = axes.length;
  const out = outputBuffer(data.length);
  if (data.length === 0) return out;
  // The matrix transpose of the last two axes, batched over leading axes kept in order.
  const batched = axes.every((ax, i) =>
    i < n - 2 ? ax === i : ax === (i === n - 2 ? n - 1 : n - 2),
  );
  if (n >= 2 && batched) {
    const R = shape[n - 2];
    const C = shape[n - 1];
    for (let at = 0; at < data.length; at += R * C) transposeInto(data, at, out, at, R, C);
    return out;
  }
  const inStrides = stridesOf(shape);
  const outShape = axes.map((ax) => shape[ax]);
  const offsets = stridedOffsets(
    outShape,
    axes.map((ax) => inStrides[ax]),
  );
  for (let k = 0; k < out.length; k++) out[k] = data[offsets[k]];
  return out;
}

/**
 * Reorders the axes: output axis i is input axis `axes[i]` (numpy `transpose(a, axes)`).
 *
 * @param a shape [d_0, ..., d_{n-1}]
 * @param axes a permutation of 0..n-1 (negative axes allowed)
 * @returns shape [d_axes[0], ..., d_axes[n-1]], e.g. permute([N, T, H], [1, 0, 2]) -> [T, N, H]
 */
export function permute(a: Tensor, axes: readonly number[]): Tensor {
  const perm = axes.map((ax) => normalizeAxis('permute', ax, a.ndim));
  if (perm.length !== a.ndim || new Set(perm).size !== perm.length) {
    throw new ShapeError(
      'permute',
      `a permutation of the ${a.ndim} axes of ${formatShape(a.shape)}`,
      `axes [${axes.join(', ')}]`,
    );
  }
  const outShape = perm.map((ax) => a.shape[ax]);
  const inverse = new Array<number>(perm.length);
  perm.forEach((ax, i) => (inverse[ax] = i));
  return record(new Tensor(permuteData(a.data, a.shape, perm), outShape), 'permute', [a], (g) =>
    accumulate(a, permuteData(g, outShape, inverse), true),
  );
}

/**
 * Swaps the last two axes (the matrix transpose, batched over leading axes).
 *
 * @param a shape [..., M, N]
 * @returns shape [..., N, M]
 */
export function transpose(a: Tensor): Tensor {
  if (a.ndim < 2) {
    throw new ShapeError(
      'transpose',
      'a tensor with at least 2 axes [..., M, N]',
      formatShape(a.shape),
    );
  }
  const axes = a.shape.map((_, i) => i);
  axes[a.ndim - 2] = a.ndim - 1;
  axes[a.ndim - 1] = a.ndim - 2;
  return permute(a, axes);
}

/**
 * Joins tensors of shape [outer..., d_i, inner...] along `axis` into one.
 * `sizes[i]` is d_i; every other axis must agree (checked by the callers).
 */
function join(
  op: string,
  ts: readonly Tensor[],
  outShape: number[],
  axis: number,
  sizes: readonly number[],
): Tensor {
  const { outer, inner } = outerInner(outShape, axis);
  const total = outShape[axis];
  const out = outputBuffer(shapeSize(outShape)); // every block is written below
  let start = 0;
  const starts = sizes.map((d) => {
    const s = start;
    start += d;
    return s;
  });
  ts.forEach((t, i) => {
    const block = sizes[i] * inner;
    for (let o = 0; o < outer; o++)
      out.set(t.data.subarray(o * block, (o + 1) * block), (o * total + starts[i]) * inner);
  });
  return record(new Tensor(out, outShape), op, ts, (g) => {
    ts.forEach((t, i) => {
      if (!t.requiresGrad) return;
      const block = sizes[i] * inner;
      const gt = outputBuffer(t.size); // every block is written below
      for (let o = 0; o < outer; o++) {
        const from = (o * total + starts[i]) * inner;
        gt.set(g.subarray(from, from + block), o * block);
      }
      accumulate(t, gt, true);
    });
  });
}

/**
 * Concatenates along an existing axis; all other axes must match.
 *
 * @param ts shapes [..., d_i, ...], at least one
 * @returns shape [..., sum of d_i, ...]
 */
export function concat(ts: readonly Tensor[], axis: number): Tensor {
  if (ts.length === 0) throw new ShapeError('concat', 'at least one tensor', 'an empty list');
  const first = ts[0];
  const ax = normalizeAxis('concat', axis, first.ndim);
  for (const t of ts) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(
        'concat',
        `shapes equal to ${formatShape(first.shape)} except in axis ${ax}`,
        formatShape(t.shape),
      );
    }
  }
  const sizes = ts.map((t) => t.shape[ax]);
  const outShape = [...first.shape];
  outShape[ax] = sizes.reduce((s, d) => s + d, 0);
  return join('concat', ts, outShape, ax, sizes);
}

/**
 * Stacks same-shaped tensors along a new axis.
 *
 * @param ts K tensors of one shape [d_0, ..., d_{n-1}]
 * @param axis where the new axis goes, 0..n (negative counts from the end of the result)
 * @returns shape with K inserted at `axis`, e.g. stack(T tensors [N, H], 1) -> [N, T, H]
 */
export function stack(ts: readonly Tensor[], axis: number): Tensor {
  if (ts.length === 0) throw new ShapeError('stack', 'at least one tensor', 'an empty list');
  const first = ts[0];
  const ax = normalizeAxis('stack', axis, first.ndim + 1);
  for (const t of ts) {
    if (!sameShape(t.shape, first.shape)) {
      throw new ShapeError(
        'stack',
        `every tensor of shape ${formatShape(first.shape)}`,
        formatShape(t.shape),
      );
    }
  }
  const outShape = [...first.shape];
  outShape.splice(ax, 0, ts.length);
  return join(
    'stack',
    ts,
    outShape,
    ax,
    ts.map(() => 1),
  );
}

/**
 * A slice of `length` entries along `axis`, starting at `start`: for instance the gate block
 * narrow(gates, 1, H, H) of gates [N, 4H].
 *
 * @param a shape [..., d, ...]
 * @returns shape [..., length, ...]
 */
export function narrow(a: Tensor, axis: number, start: number, length: number): Tensor {
  const ax = normalizeAxis('narrow', axis, a.ndim);
  const d = a.shape[ax];
  const fits = Number.isInteger(start) && Number.isInteger(length) && start >= 0 && length >= 0;
  if (!fits || start + length > d) {
    throw new ShapeError(
      'narrow',
      `start >= 0 and start + length <= ${d} (axis ${ax} of ${formatShape(a.shape)})`,
      `start ${start}, length ${length}`,
    );
  }
  const { outer, inner } = outerInner(a.shape, ax);
  const outShape = [...a.shape];
  outShape[ax] = length;
  const block = length * inner;
  const out = outputBuffer(outer * block);
  for (let o = 0; o < outer; o++) {
    const from = (o * d + start) * inner;
    out.set(a.data.subarray(from, from + block), o * block);
  }
  return record(new Tensor(out, outShape), 'narrow', [a], (g) => {
    // Only the slice receives a gradient: add into it, O(slice) rather than O(size of a).
    accumulateRows(a, g, outer, block, start * inner, d * inner);
  });
}

/**
 * Splits along `axis` into consecutive pieces. `sizes` is either the list of piece sizes
 * (summing to the axis size) or one number: the size of every piece, the last one taking
 * what remains (as `torch.split`). E.g. split(gates [N, 4H], H, 1) -> 4 tensors [N, H].
 *
 * @param a shape [..., d, ...]
 * @returns tensors of shape [..., sizes[i], ...]
 */
export function split(a: Tensor, sizes: number | readonly number[], axis: number): Tensor[] {
  const ax = normalizeAxis('split', axis, a.ndim);
  const d = a.shape[ax];
  let pieces: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes < 1) {
      throw new ShapeError('split', 'a piece size that is an integer >= 1', String(sizes));
    }
    pieces = [];
    for (let s = 0; s < d; s += sizes) pieces.push(Math.min(sizes, d - s));
  } else {
    pieces = [...sizes];
    if (pieces.reduce((s, n) => s + n, 0) !== d) {
      throw new ShapeError(
        'split',
        `sizes summing to ${d} (axis ${ax} of ${formatShape(a.shape)})`,
        `[${pieces.join(', ')}]`,
      );
    }
  }
  let start = 0;
  return pieces.map((n) => {
    const piece = narrow(a, ax, start, n);
    start += n;
    return piece;
  });
}
