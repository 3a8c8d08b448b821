/**
 * Additive attention (Bahdanau et al. 2014), forward and backward, written by hand.
 *
 * Chapter 3, "Additive attention" — packages/seq2seq-attention/README.md#additive-attention
 */
import {
  ShapeError,
  add,
  assertShape,
  formatShape,
  matmul,
  mul,
  onesLike,
  reshape,
  square,
  sub,
  sum,
  tanh,
  transpose,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { maskedSoftmaxBackward, maskedSoftmaxForward } from './masked-softmax';
import type { MaskedSoftmaxCache } from './masked-softmax';

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
  // BEGIN SOLUTION: the fields your additiveAttentionBackward reads, filled in by your additiveAttentionForward.
  readonly query: Tensor; // [N, Hq]
  readonly keys: Tensor; // [N, T, Hk]
  readonly Wq: Tensor; // [Hq, A]
  readonly Wk: Tensor; // [Hk, A]
  readonly v: Tensor; // [A]
  readonly hidden: Tensor; // [N, T, A], tanh(q Wq + k_t Wk)
  readonly softmax: MaskedSoftmaxCache;
  readonly sum: WeightedSumCache;
  // END SOLUTION
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
  // BEGIN SOLUTION: check the shapes, score every position (eq. 3.14), masked softmax, weighted sum of the values.
  const op = 'additiveAttentionForward';
  const { N, Hq, Hk } = checkAttentionShapes(op, query, keys, values, mask);
  assertShape(op, Wq, [Hq, null], 'Wq');
  const A = Wq.shape[1] as number;
  assertShape(op, Wk, [Hk, A], 'Wk');
  assertShape(op, v, [A], 'v');

  // The query is projected once and added to every position's projected key (broadcast over t).
  const q = reshape(matmul(query, Wq), [N, 1, A]); // [N, 1, A]
  const hidden = tanh(add(matmul(keys, Wk), q)); // [N, T, A]
  const scores = matmul(hidden, v); // [N, T, A]·[A] -> [N, T]
  const { weights, cache: softmax } = maskedSoftmaxForward(scores, mask); // [N, T]
  const { context, cache: sumCache } = weightedSumForward(weights, values); // [N, Hv]
  return {
    context,
    weights,
    cache: { query, keys, Wq, Wk, v, hidden, softmax, sum: sumCache },
  };
  // END SOLUTION
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
  // BEGIN SOLUTION: back through the weighted sum, the masked softmax, e = u · v and the tanh (eq. 3.15).
  const { query, keys, Wq, Wk, v, hidden } = cache;
  const [N, T, A] = hidden.shape as [number, number, number];
  const Hk = keys.shape[2] as number;
  const Hv = cache.sum.values.shape[2] as number;
  assertShape('additiveAttentionBackward', dcontext, [N, Hv], 'dcontext');
  const { dweights, dvalues } = weightedSumBackward(dcontext, cache.sum); // [N, T], [N, T, Hv]
  const { dscores } = maskedSoftmaxBackward(dweights, cache.softmax); // [N, T]
  const flatHidden = reshape(hidden, [N * T, A]); // [N·T, A]
  const dv = reshape(matmul(reshape(dscores, [1, N * T]), flatHidden), [A]); // [1, A] -> [A]
  // e = u · v, so du = de v; then through the tanh: 1 − u², read off the forward's output.
  const du = matmul(reshape(dscores, [N, T, 1]), reshape(v, [1, A])); // [N, T, A]
  const delta = mul(du, sub(onesLike(hidden), square(hidden))); // [N, T, A]
  const dWk = matmul(transpose(reshape(keys, [N * T, Hk])), reshape(delta, [N * T, A])); // [Hk, A]
  const dkeys = matmul(delta, transpose(Wk)); // [N, T, A]·[A, Hk] -> [N, T, Hk]
  const dq = sum(delta, 1); // [N, A]: the projected query was broadcast over t
  const dWq = matmul(transpose(query), dq); // [Hq, N]·[N, A] -> [Hq, A]
  const dquery = matmul(dq, transpose(Wq)); // [N, A]·[A, Hq] -> [N, Hq]
  return { dquery, dkeys, dvalues, dWq, dWk, dv };
  // END SOLUTION
}
