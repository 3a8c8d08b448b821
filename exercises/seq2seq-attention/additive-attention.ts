/**
 * Additive attention (Bahdanau et al. 2014), forward and backward, written by hand.
 *
 * Chapter 3, "Additive attention" — packages/seq2seq-attention/README.md#additive-attention
 */
import {
  ShapeError,
  assertShape,
  formatShape,
  matmul,
  reshape,
  notImplemented,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/** What the weighted sum c = Σ_t α_t values_t needs for its backward. */
export interface WeightedSumCache {
  readonly weights: Tensor; // [N, T]
  readonly values: Tensor; // [N, T, Hv]
}

/**
 * eq. 3.13: c_n = Σ_t α_{n,t} values_{n,t}, the context vector.
 *
 * @param weights `[N, T]`
 * @param values  `[N, T, Hv]`
 * @returns `context [N, Hv]`
 */
export function weightedSumForward(
  weights: Tensor,
  values: Tensor,
): { context: Tensor; cache: WeightedSumCache } {
  const [N, T, Hv] = values.shape as [number, number, number];
  const context = reshape(matmul(reshape(weights, [N, 1, T]), values), [N, Hv]); // [N, 1, Hv] -> [N, Hv]
  return { context, cache: { weights, values } };
}

/**
 * The backward of eq. 3.13: dα_{n,t} = dc_n · values_{n,t}, dvalues_{n,t} = α_{n,t} dc_n.
 *
 * @param dcontext `[N, Hv]`
 * @returns `dweights [N, T]` and `dvalues [N, T, Hv]`
 */
export function weightedSumBackward(
  dcontext: Tensor,
  cache: WeightedSumCache,
): { dweights: Tensor; dvalues: Tensor } {
  const { weights, values } = cache;
  const [N, T, Hv] = values.shape as [number, number, number];
  const dweights = reshape(matmul(values, reshape(dcontext, [N, Hv, 1])), [N, T]); // [N, T, 1] -> [N, T]
  const dvalues = matmul(reshape(weights, [N, T, 1]), reshape(dcontext, [N, 1, Hv])); // [N, T, Hv]
  return { dweights, dvalues };
}

/** Checks query, keys, values and mask against one another; returns their sizes. */
export function checkAttentionShapes(
  op: string,
  query: Tensor,
  keys: Tensor,
  values: Tensor,
  mask: Tensor,
): { N: number; T: number; Hq: number; Hk: number; Hv: number } {
  assertShape(op, query, [null, null], 'query');
  const [N, Hq] = query.shape as [number, number];
  assertShape(op, keys, [N, null, null], 'keys');
  const [, T, Hk] = keys.shape as [number, number, number];
  assertShape(op, values, [N, T, null], 'values');
  if (mask.ndim !== 2 || mask.shape[0] !== N || mask.shape[1] !== T) {
    throw new ShapeError(op, `mask [${N}, ${T}]`, formatShape(mask.shape));
  }
  return { N, T, Hq, Hk, Hv: values.shape[2] as number };
}

/** What `additiveAttentionBackward` needs from the forward pass. */
export interface AdditiveAttentionCache {
  // TODO: the fields your additiveAttentionBackward reads, filled in by your additiveAttentionForward.
}

/** The gradients of additive attention, one per input of the forward. */
export interface AdditiveAttentionGrads {
  dquery: Tensor; // [N, Hq]
  dkeys: Tensor; // [N, T, Hk]
  dvalues: Tensor; // [N, T, Hv]
  dWq: Tensor; // [Hq, A]
  dWk: Tensor; // [Hk, A]
  dv: Tensor; // [A]
}

/**
 * Additive attention, eqs. 3.14, 3.11 and 3.13:
 *
 *   u_{n,t} = tanh(q_n Wq + k_{n,t} Wk),  e_{n,t} = u_{n,t} · v,
 *   α = maskedSoftmax(e, mask),  c_n = Σ_t α_{n,t} values_{n,t}
 *
 * @param query  `[N, Hq]`
 * @param keys   `[N, T, Hk]`
 * @param values `[N, T, Hv]`
 * @param mask   `[N, T]` 1 for real positions, 0 for padding
 * @param Wq `[Hq, A]`, Wk `[Hk, A]`, v `[A]`
 * @returns `context [N, Hv]`, `weights [N, T]` and the cache
 * @throws ShapeError naming `additiveAttentionForward` when `query` is not 2-D, or when `keys`,
 *   `values`, `mask`, `Wq`, `Wk` or `v` does not fit the query and the others
 */
export function additiveAttentionForward(
  query: Tensor,
  keys: Tensor,
  values: Tensor,
  mask: Tensor,
  Wq: Tensor,
  Wk: Tensor,
  v: Tensor,
): { context: Tensor; weights: Tensor; cache: AdditiveAttentionCache } {
  // TODO: check the shapes, score every position (eq. 3.14), masked softmax, weighted sum of the values.
  notImplemented('seq2seq-attention/additive-attention-forward');
}

/**
 * The backward of additive attention, eq. 3.15, from the context's gradient back:
 *
 *   dα, dvalues from eq. 3.13;  de = maskedSoftmaxBackward(dα);
 *   dv = Σ_{n,t} de_{n,t} u_{n,t};  δ_{n,t} = de_{n,t} v ⊙ (1 − u_{n,t}²);
 *   dWk = Σ_{n,t} k_{n,t}ᵀ δ_{n,t},  dkeys_{n,t} = δ_{n,t} Wkᵀ;
 *   dWq = Σ_n q_nᵀ (Σ_t δ_{n,t}),    dquery_n = (Σ_t δ_{n,t}) Wqᵀ
 *
 * (the query was added at every position, so its gradient sums over t).
 *
 * @param dcontext `[N, Hv]` upstream gradient of the context
 * @returns `dquery`, `dkeys`, `dvalues`, `dWq`, `dWk`, `dv`
 * @throws ShapeError naming `additiveAttentionBackward` when `dcontext` is not [N, Hv], the shape
 *   of the context
 */
export function additiveAttentionBackward(
  dcontext: Tensor,
  cache: AdditiveAttentionCache,
): AdditiveAttentionGrads {
  // TODO: back through the weighted sum, the masked softmax, e = u · v and the tanh (eq. 3.15).
  notImplemented('seq2seq-attention/additive-attention-backward');
}
