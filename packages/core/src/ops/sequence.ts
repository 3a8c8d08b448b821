/**
 * Helpers for batch-first sequences: x is [N, T, D] (N sequences, T time steps, D features);
 * token ids are [N][T] integers. Taking one time step, stacking per-step states back into a
 * sequence, looking up embeddings, one-hot codes and masks for padded sequences.
 */
import { accumulate, accumulateRows, record } from '../autograd';
import { outputBuffer, zeroBuffer } from '../buffers';
import { ShapeError, formatShape } from '../errors';
import { Tensor, shapeSize } from '../tensor';
import type { Shape } from '../tensor';
import { stack } from './shape';

/** Token ids: nested [N][T] arrays, a flat list, an Int32Array, or a tensor of integers. */
export type Ids = readonly (readonly number[])[] | readonly number[] | Int32Array | Tensor;

/**
 * Flattens ids to a row-major list and their shape: [N][T] arrays -> shape [N, T]; a flat list
 * or Int32Array -> [length] unless `shape` says otherwise; a tensor -> its shape.
 * Throws when the arrays are ragged or a value is not an integer.
 */
export function flattenIds(
  op: string,
  ids: Ids,
  shape?: Shape,
): { values: Int32Array; shape: number[] } {
  let values: Int32Array;
  let idsShape: number[];
  if (ids instanceof Tensor) {
    values = new Int32Array(ids.size);
    idsShape = [...ids.shape];
    ids.data.forEach((v, k) => {
      if (!Number.isInteger(v)) {
        throw new RangeError(`${op}: ids must be integers, received ${v} at flat index ${k}`);
      }
      values[k] = v;
    });
  } else if (ids instanceof Int32Array) {
    values = ids;
    idsShape = [ids.length];
  } else if (ids.length > 0 && Array.isArray(ids[0])) {
    const rows = ids as readonly (readonly number[])[];
    const T = rows[0].length;
    values = new Int32Array(rows.length * T);
    rows.forEach((row, n) => {
      if (!Array.isArray(row) || row.length !== T) {
        throw new ShapeError(
          op,
          `ids [N][T] with every row of length ${T}`,
          `row ${n} of length ${Array.isArray(row) ? row.length : 'not an array'}`,
        );
      }
      row.forEach((v, t) => {
        if (!Number.isInteger(v)) {
          throw new RangeError(`${op}: ids must be integers, received ${v} at [${n}, ${t}]`);
        }
        values[n * T + t] = v;
      });
    });
    idsShape = [rows.length, T];
  } else {
    const flat = ids as readonly number[];
    values = new Int32Array(flat.length);
    flat.forEach((v, k) => {
      if (!Number.isInteger(v)) {
        throw new RangeError(`${op}: ids must be integers, received ${v} at ${k}`);
      }
      values[k] = v;
    });
    idsShape = [flat.length];
  }
  if (shape !== undefined) {
    if (shapeSize(shape) !== values.length) {
      throw new ShapeError(
        op,
        `ids with ${shapeSize(shape)} entries for shape ${formatShape(shape)}`,
        `${values.length} ids`,
      );
    }
    idsShape = [...shape];
  }
  return { values, shape: idsShape };
}

/** Throws unless every id is in 0..V-1. */
function checkRange(op: string, values: Int32Array, V: number): void {
  values.forEach((v, k) => {
    if (v < 0 || v >= V) {
      throw new RangeError(`${op}: id ${v} at flat index ${k} is outside 0..${V - 1}`);
    }
  });
}

/**
 * The rows of W picked by ids: out[..., :] = W[ids[...], :]. The backward adds each row of
 * dout into dW at its id, so repeated ids accumulate.
 *
 * @param W [V, D] embedding matrix
 * @param ids [N][T] ids in 0..V-1 (or flat ids with `shape`)
 * @param shape optional shape of flat ids, e.g. [N, T]
 * @returns [...ids shape, D], e.g. [N, T, D]
 */
export function embedding(W: Tensor, ids: Ids, shape?: Shape): Tensor {
  if (W.ndim !== 2) throw new ShapeError('embedding', 'W [V, D]', formatShape(W.shape));
  const [V, D] = W.shape;
  const { values, shape: idsShape } = flattenIds('embedding', ids, shape);
  checkRange('embedding', values, V);
  const out = outputBuffer(values.length * D);
  values.forEach((id, k) => out.set(W.data.subarray(id * D, id * D + D), k * D));
  return record(new Tensor(out, [...idsShape, D]), 'embedding', [W], (g) => {
    const gW = zeroBuffer(V * D);
    values.forEach((id, k) => {
      for (let d = 0; d < D; d++) gW[id * D + d] += g[k * D + d];
    });
    accumulate(W, gW, true);
  });
}

/**
 * Rows of W at the given ids, as a matrix.
 *
 * @param W [V, D]
 * @param ids n ids in 0..V-1
 * @returns [n, D]
 */
export function gatherRows(W: Tensor, ids: readonly number[] | Int32Array): Tensor {
  return embedding(W, ids, [ids.length]);
}

/**
 * One-hot codes: out[..., v] = 1 if ids[...] == v else 0 (a constant, no gradient).
 *
 * @param ids [N][T] ids in 0..V-1 (or any Ids)
 * @param V the number of classes
 * @returns [...ids shape, V], e.g. [N, T, V]
 */
export function oneHot(ids: Ids, V: number): Tensor {
  const { values, shape } = flattenIds('oneHot', ids);
  checkRange('oneHot', values, V);
  const out = new Float64Array(values.length * V);
  values.forEach((id, k) => (out[k * V + id] = 1));
  return new Tensor(out, [...shape, V]);
}

/**
 * The slice of a sequence at time step t.
 *
 * @param x [N, T, D]
 * @param t 0..T-1
 * @returns x[:, t, :] as [N, D]
 */
export function timeStep(x: Tensor, t: number): Tensor {
  if (x.ndim !== 3) throw new ShapeError('timeStep', 'x [N, T, D]', formatShape(x.shape));
  const [N, T, D] = x.shape;
  if (!Number.isInteger(t) || t < 0 || t >= T) {
    throw new RangeError(`timeStep: t = ${t} is outside 0..${T - 1}`);
  }
  const out = outputBuffer(N * D);
  for (let n = 0; n < N; n++) out.set(x.data.subarray((n * T + t) * D, (n * T + t + 1) * D), n * D);
  return record(new Tensor(out, [N, D]), 'timeStep', [x], (g) => {
    // Only step t of x receives a gradient: add into that slice, O(N·D) per step.
    accumulateRows(x, g, N, D, t * D, T * D);
  });
}

/**
 * Per-step states stacked into a sequence (the inverse of `timeStep` over all t).
 *
 * @param hs T tensors [N, H]
 * @returns [N, T, H]
 */
export function stepsToSequence(hs: readonly Tensor[]): Tensor {
  if (hs.length === 0) {
    throw new ShapeError('stepsToSequence', 'at least one step [N, H]', 'an empty list');
  }
  if (hs[0].ndim !== 2) {
    throw new ShapeError('stepsToSequence', 'steps [N, H]', formatShape(hs[0].shape));
  }
  return stack(hs, 1);
}

/**
 * The mask of valid positions of padded sequences: mask[n, t] = 1 if t < lengths[n] else 0.
 *
 * @param lengths N lengths in 0..T
 * @param T the padded length
 * @returns [N, T] of 0/1
 */
export function sequenceMask(lengths: readonly number[], T: number): Tensor {
  const out = new Float64Array(lengths.length * T);
  lengths.forEach((len, n) => {
    if (!Number.isInteger(len) || len < 0 || len > T) {
      throw new RangeError(`sequenceMask: length ${len} at ${n} is outside 0..${T}`);
    }
    out.fill(1, n * T, n * T + len);
  });
  return new Tensor(out, [lengths.length, T]);
}

/**
 * The mask of non-padding tokens: mask[n, t] = 1 if ids[n][t] != padId else 0.
 *
 * @param ids [N][T]
 * @returns [N, T] of 0/1 (the shape of ids)
 */
export function paddingMask(ids: Ids, padId: number): Tensor {
  const { values, shape } = flattenIds('paddingMask', ids);
  return new Tensor(
    Float64Array.from(values, (v) => (v === padId ? 0 : 1)),
    shape,
  );
}

/**
 * Each sequence reversed in time within its own length: out[n, t] = x[n, len_n − 1 − t] for
 * t < len_n, and out[n, t] = x[n, t] (padding left in place) for t >= len_n. Without lengths
 * every row is reversed whole. Applying it twice gives x back, so its backward is the same
 * reversal of the gradient. The backward direction of a bidirectional RNN reads its input
 * through this op and writes its outputs back through it (TensorFlow's `reverse_sequence`).
 *
 * @param x       [N, T, D]
 * @param lengths N lengths in 0..T (default: T for every row)
 * @returns [N, T, D]
 */
export function reverseSequence(x: Tensor, lengths?: readonly number[]): Tensor {
  if (x.ndim !== 3) throw new ShapeError('reverseSequence', 'x [N, T, D]', formatShape(x.shape));
  const [N, T, D] = x.shape as [number, number, number];
  const lens = lengths ?? new Array<number>(N).fill(T);
  if (lens.length !== N) {
    throw new ShapeError(
      'reverseSequence',
      `${N} lengths (one per row of x ${formatShape(x.shape)})`,
      `${lens.length} lengths`,
    );
  }
  lens.forEach((len, n) => {
    if (!Number.isInteger(len) || len < 0 || len > T) {
      throw new RangeError(`reverseSequence: length ${len} at ${n} is outside 0..${T}`);
    }
  });
  // source[n * T + t]: the time step of row n that lands at step t.
  const source = new Int32Array(N * T);
  for (let n = 0; n < N; n++) {
    const len = lens[n]!;
    for (let t = 0; t < T; t++) source[n * T + t] = t < len ? len - 1 - t : t;
  }
  const permuted = (from: Float64Array): Float64Array => {
    const out = outputBuffer(from.length); // every row and step is written below
    for (let n = 0; n < N; n++) {
      for (let t = 0; t < T; t++) {
        const at = (n * T + source[n * T + t]!) * D;
        out.set(from.subarray(at, at + D), (n * T + t) * D);
      }
    }
    return out;
  };
  return record(new Tensor(permuted(x.data), [N, T, D]), 'reverseSequence', [x], (g) =>
    accumulate(x, permuted(g), true),
  );
}
