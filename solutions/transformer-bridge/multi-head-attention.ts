/**
 * Multi-head attention, forward and backward, written by hand (CS231n style), in the layout of
 * PyTorch's `nn.MultiheadAttention`: head i reads features i·dk … (i+1)·dk − 1 of the projected
 * queries, keys and values, and the heads' outputs are concatenated in head order before the
 * output projection.
 *
 * Chapter 4, "Multi-head attention" — packages/transformer-bridge/README.md#multi-head-attention
 */
import {
  ShapeError,
  add,
  assertShape,
  formatShape,
  matmul,
  permute,
  reshape,
  sum,
  transpose,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  scaledDotProductAttentionBackward,
  scaledDotProductAttentionForward,
} from './scaled-dot-product-attention';
import type { ScaledDotProductAttentionCache } from './scaled-dot-product-attention';

/** The eight parameters of a layer of width E. */
export interface MultiHeadAttentionParams {
  Wq: Tensor; // [E, E]
  Wk: Tensor; // [E, E]
  Wv: Tensor; // [E, E]
  bq: Tensor; // [E]
  bk: Tensor; // [E]
  bv: Tensor; // [E]
  Wo: Tensor; // [E, E]
  bo: Tensor; // [E]
}

/** What `multiHeadAttentionBackward` needs from the forward pass. */
export interface MultiHeadAttentionCache {
  // BEGIN SOLUTION: the fields your backward reads, filled in by your forward.
  readonly query: Tensor; // [N, Tq, E]
  readonly key: Tensor; // [N, Tk, E]
  readonly value: Tensor; // [N, Tk, E]
  readonly p: MultiHeadAttentionParams;
  readonly numHeads: number;
  readonly merged: Tensor; // [N, Tq, E], the heads side by side, before Wo
  readonly attention: ScaledDotProductAttentionCache; // of the [N, h, T, dk] heads
  // END SOLUTION
}

/** The gradients with respect to the inputs and the eight parameters. */
export interface MultiHeadAttentionGrads {
  dquery: Tensor; // [N, Tq, E]
  dkey: Tensor; // [N, Tk, E]
  dvalue: Tensor; // [N, Tk, E]
  dWq: Tensor; // [E, E]
  dWk: Tensor; // [E, E]
  dWv: Tensor; // [E, E]
  dbq: Tensor; // [E]
  dbk: Tensor; // [E]
  dbv: Tensor; // [E]
  dWo: Tensor; // [E, E]
  dbo: Tensor; // [E]
}

// BEGIN SOLUTION: helpers to write: splitHeads [N, T, E] -> [N, h, T, dk], and mergeHeads back.
/** `[N, T, E]` -> `[N, h, T, dk]`: head i takes features i·dk … (i+1)·dk − 1. */
function splitHeads(x: Tensor, h: number): Tensor {
  const [N, T, E] = x.shape as [number, number, number];
  return permute(reshape(x, [N, T, h, E / h]), [0, 2, 1, 3]); // [N, T, h, dk] -> [N, h, T, dk]
}

/** `[N, h, T, dk]` -> `[N, T, h·dk]`, head 0 first: the inverse of `splitHeads`. */
function mergeHeads(x: Tensor): Tensor {
  const [N, h, T, dk] = x.shape as [number, number, number, number];
  return reshape(permute(x, [0, 2, 1, 3]), [N, T, h * dk]); // [N, T, h, dk] -> [N, T, E]
}
// END SOLUTION

/** Given: x [N, T, E] W [E, E] + b [E], the affine map of eq. 4.1 and of the output projection. */
function affine(x: Tensor, W: Tensor, b: Tensor): Tensor {
  return add(matmul(x, W), b); // [N, T, E]
}

/** Given: the backward of `affine` over all N·T rows: dx = dy Wᵀ, dW = Σ xᵀ dy, db = Σ dy. */
function affineBackward(dy: Tensor, x: Tensor, W: Tensor): { dx: Tensor; dW: Tensor; db: Tensor } {
  const rows = (t: Tensor): Tensor => reshape(t, [-1, t.shape[2] as number]); // [N·T, E]
  return {
    dx: matmul(dy, transpose(W)), // [N, T, E]·[E, E] = [N, T, E]
    dW: matmul(transpose(rows(x)), rows(dy)), // [E, N·T]·[N·T, E] = [E, E]
    db: sum(rows(dy), 0), // [E], the bias is shared by every row
  };
}

/**
 * eq. 4.7: multi-head attention of `query` over `key`/`value` (self-attention when the three
 * are one tensor).
 *
 * Chapter 4, "Multi-head attention" — packages/transformer-bridge/README.md#multi-head-attention
 *
 * @param query    `[N, Tq, E]`
 * @param key      `[N, Tk, E]`
 * @param value    `[N, Tk, E]`
 * @param p        `Wq, Wk, Wv, Wo [E, E]`, `bq, bk, bv, bo [E]`
 * @param numHeads h, dividing E; each head has dk = E / h features
 * @param mask     optional 0/1 that broadcasts to `[N, Tq, Tk]`, shared by every head
 * @returns `out [N, Tq, E]`, every head's weights `weights [N, h, Tq, Tk]`, and the cache
 * @throws ShapeError naming the function when `query`, `key` or `value` is not `[N, T, E]` with
 *   the E of the parameters, or when `mask` does not broadcast to the scores `[N, Tq, Tk]`
 * @throws RangeError when `numHeads` does not divide E
 */
export function multiHeadAttentionForward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  p: MultiHeadAttentionParams,
  numHeads: number,
  mask?: Tensor,
): { out: Tensor; weights: Tensor; cache: MultiHeadAttentionCache } {
  // BEGIN SOLUTION: check shapes and numHeads; project, split, attend per head, merge, project.
  const op = 'multiHeadAttentionForward';
  assertShape(op, p.Wq, [null, null], 'Wq');
  const E = p.Wq.shape[0] as number;
  for (const name of ['Wq', 'Wk', 'Wv', 'Wo'] as const) assertShape(op, p[name], [E, E], name);
  for (const name of ['bq', 'bk', 'bv', 'bo'] as const) assertShape(op, p[name], [E], name);
  if (!Number.isInteger(numHeads) || numHeads < 1 || E % numHeads !== 0) {
    throw new RangeError(`${op}: numHeads must divide E = ${E}, received ${numHeads}`);
  }
  assertShape(op, query, [null, null, E], 'query');
  const [N, Tq] = query.shape as [number, number];
  assertShape(op, key, [N, null, E], 'key');
  const Tk = key.shape[1] as number;
  assertShape(op, value, [N, Tk, E], 'value');

  // eq. 4.1, then h heads of dk features each; the head axis becomes a batch axis.
  const Q = splitHeads(affine(query, p.Wq, p.bq), numHeads); // [N, h, Tq, dk]
  const K = splitHeads(affine(key, p.Wk, p.bk), numHeads); // [N, h, Tk, dk]
  const V = splitHeads(affine(value, p.Wv, p.bv), numHeads); // [N, h, Tk, dk]
  let headMask = mask;
  if (mask !== undefined) {
    const scores = [N, Tq, Tk];
    const fits =
      mask.ndim <= 3 && mask.shape.every((d, i) => d === 1 || d === scores[3 - mask.ndim + i]);
    if (!fits) {
      throw new ShapeError(
        op,
        `a mask that broadcasts to the scores ${formatShape(scores)} [N, Tq, Tk]`,
        `mask ${formatShape(mask.shape)}`,
      );
    }
    if (mask.ndim === 3) {
      const [m0, m1, m2] = mask.shape as [number, number, number];
      headMask = reshape(mask, [m0, 1, m1, m2]); // [N, Tq, Tk] -> [N, 1, Tq, Tk], every head
    }
  }
  const attn = scaledDotProductAttentionForward(Q, K, V, headMask); // out [N, h, Tq, dk]
  // eq. 4.7: concatenate the heads in order, then mix them with Wo.
  const merged = mergeHeads(attn.out); // [N, Tq, E]
  const out = affine(merged, p.Wo, p.bo); // [N, Tq, E]
  return {
    out,
    weights: attn.weights,
    cache: { query, key, value, p, numHeads, merged, attention: attn.cache },
  };
  // END SOLUTION
}

/**
 * Backward pass of multi-head attention: through the output projection, the merge, every
 * head's attention (eq. 4.6) and the three input projections. For self-attention (query, key
 * and value one tensor x) the gradient of x is dquery + dkey + dvalue.
 *
 * Chapter 4, "Multi-head attention" — packages/transformer-bridge/README.md#multi-head-attention
 *
 * @param dout  `[N, Tq, E]` gradient with respect to `out`
 * @param cache from `multiHeadAttentionForward`
 * @returns `dquery [N, Tq, E]`, `dkey`, `dvalue [N, Tk, E]`, `dWq, dWk, dWv, dWo [E, E]`,
 *   `dbq, dbk, dbv, dbo [E]`
 * @throws ShapeError naming the function when `dout` is not the shape of out
 */
export function multiHeadAttentionBackward(
  dout: Tensor,
  cache: MultiHeadAttentionCache,
): MultiHeadAttentionGrads {
  // BEGIN SOLUTION: back through Wo, the merge, every head's attention and the three projections.
  const { query, key, value, p, numHeads, merged, attention } = cache;
  assertShape('multiHeadAttentionBackward', dout, merged.shape, 'dout');
  const o = affineBackward(dout, merged, p.Wo); // dx = d(merged) [N, Tq, E]
  // The merge only moved features, so its backward moves the gradient back: a split.
  const dheads = splitHeads(o.dx, numHeads); // [N, h, Tq, dk]
  const g = scaledDotProductAttentionBackward(dheads, attention); // dQ, dK, dV [N, h, T, dk]
  const q = affineBackward(mergeHeads(g.dQ), query, p.Wq); // [N, Tq, E]
  const k = affineBackward(mergeHeads(g.dK), key, p.Wk); // [N, Tk, E]
  const v = affineBackward(mergeHeads(g.dV), value, p.Wv); // [N, Tk, E]
  return {
    dquery: q.dx,
    dkey: k.dx,
    dvalue: v.dx,
    dWq: q.dW,
    dWk: k.dW,
    dWv: v.dW,
    dbq: q.db,
    dbk: k.db,
    dbv: v.db,
    dWo: o.dW,
    dbo: o.db,
  };
  // END SOLUTION
}
