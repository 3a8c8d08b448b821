/**
 * Multi-head attention, forward and backward, written by hand (CS231n style), in the layout of
 * PyTorch's `nn.MultiheadAttention`: head i reads features i·dk … (i+1)·dk − 1 of the projected
 * queries, keys and values, and the heads' outputs are concatenated in head order before the
 * output projection.
 *
 * Chapter 4, "Multi-head attention" — packages/transformer-bridge/README.md#multi-head-attention
 */
import { add, matmul, reshape, sum, transpose, notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

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
  // TODO: the fields your backward reads, filled in by your forward.
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

// TODO: helpers to write: splitHeads [N, T, E] -> [N, h, T, dk], and mergeHeads back.

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
  // TODO: check shapes and numHeads; project, split, attend per head, merge, project.
  notImplemented('transformer-bridge/multi-head-attention-forward');
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
  // TODO: back through Wo, the merge, every head's attention and the three projections.
  notImplemented('transformer-bridge/multi-head-attention-backward');
}
