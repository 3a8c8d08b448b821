/**
 * Multiplicative attention (Luong et al. 2015: "dot" and "general"), forward and backward,
 * written by hand.
 *
 * Chapter 3, "Multiplicative attention" —
 * packages/seq2seq-attention/README.md#multiplicative-attention
 */
import { ShapeError, assertShape, formatShape, matmul, reshape, transpose } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  checkAttentionShapes,
  weightedSumBackward,
  weightedSumForward,
} from './additive-attention';
import type { WeightedSumCache } from './additive-attention';
import { maskedSoftmaxBackward, maskedSoftmaxForward } from './masked-softmax';
import type { MaskedSoftmaxCache } from './masked-softmax';

/** What `multiplicativeAttentionBackward` needs from the forward pass. */
export interface MultiplicativeAttentionCache {
  // BEGIN SOLUTION: the fields your multiplicativeAttentionBackward reads, filled in by your multiplicativeAttentionForward.
  readonly query: Tensor; // [N, Hq]
  readonly keys: Tensor; // [N, T, Hk]
  readonly Wa: Tensor | undefined; // [Hq, Hk] for "general"
  readonly projected: Tensor; // [N, Hk]: q̃ = q Wa, or q itself for "dot"
  readonly softmax: MaskedSoftmaxCache;
  readonly sum: WeightedSumCache;
  // END SOLUTION
}

/** The gradients; `dWa` only for "general". */
export interface MultiplicativeAttentionGrads {
  dquery: Tensor; // [N, Hq]
  dkeys: Tensor; // [N, T, Hk]
  dvalues: Tensor; // [N, T, Hv]
  dWa?: Tensor; // [Hq, Hk]
}

/**
 * Multiplicative attention, eqs. 3.16, 3.11 and 3.13: e_{n,t} = q̃_n · k_{n,t} with q̃ = q
 * ("dot", Wa omitted, Hq = Hk) or q̃ = q Wa ("general"); α = maskedSoftmax(e, mask);
 * c_n = Σ_t α_{n,t} values_{n,t}.
 *
 * @param query  `[N, Hq]`
 * @param keys   `[N, T, Hk]`
 * @param values `[N, T, Hv]`
 * @param mask   `[N, T]`
 * @param Wa     `[Hq, Hk]`, or undefined for dot attention
 * @returns `context [N, Hv]`, `weights [N, T]` and the cache
 * @throws ShapeError naming `multiplicativeAttentionForward` when `keys`, `values`, `mask` or `Wa`
 *   does not fit the query and the others, or when `query` and the keys differ in size without
 *   a Wa
 */
export function multiplicativeAttentionForward(
  query: Tensor,
  keys: Tensor,
  values: Tensor,
  mask: Tensor,
  Wa?: Tensor,
): { context: Tensor; weights: Tensor; cache: MultiplicativeAttentionCache } {
  // BEGIN SOLUTION: check the shapes, project the query for "general", one dot product per position (eq. 3.16), masked softmax, weighted sum.
  const op = 'multiplicativeAttentionForward';
  const { N, T, Hq, Hk } = checkAttentionShapes(op, query, keys, values, mask);
  if (Wa === undefined && Hq !== Hk) {
    throw new ShapeError(
      op,
      'query [N, Hk] and keys [N, T, Hk] of equal Hk for dot attention (or a matrix Wa)',
      `query ${formatShape(query.shape)} and keys ${formatShape(keys.shape)}`,
    );
  }
  if (Wa !== undefined) assertShape(op, Wa, [Hq, Hk], 'Wa');
  const projected = Wa === undefined ? query : matmul(query, Wa); // [N, Hk]
  // One dot product per source position: keys [N, T, Hk] times q̃ as a column [N, Hk, 1].
  const scores = reshape(matmul(keys, reshape(projected, [N, Hk, 1])), [N, T]); // [N, T]
  const { weights, cache: softmax } = maskedSoftmaxForward(scores, mask); // [N, T]
  const { context, cache: sumCache } = weightedSumForward(weights, values); // [N, Hv]
  return { context, weights, cache: { query, keys, Wa, projected, softmax, sum: sumCache } };
  // END SOLUTION
}

/**
 * The backward, eq. 3.17: from eq. 3.13 and the masked softmax, de; then e_{n,t} = q̃_n · k_{n,t}
 * gives dq̃_n = Σ_t de_{n,t} k_{n,t} and dk_{n,t} = de_{n,t} q̃_n; for "general",
 * dWa = qᵀ dq̃ and dquery = dq̃ Waᵀ; for "dot", dquery = dq̃.
 *
 * @param dcontext `[N, Hv]`
 * @returns `dquery`, `dkeys`, `dvalues`, and `dWa` for "general"
 * @throws ShapeError naming `multiplicativeAttentionBackward` when `dcontext` is not [N, Hv], the
 *   shape of the context
 */
export function multiplicativeAttentionBackward(
  dcontext: Tensor,
  cache: MultiplicativeAttentionCache,
): MultiplicativeAttentionGrads {
  // BEGIN SOLUTION: back through the weighted sum and the masked softmax, then the dot products and Wa (eq. 3.17).
  const { query, keys, Wa, projected } = cache;
  const [N, T, Hk] = keys.shape as [number, number, number];
  const Hv = cache.sum.values.shape[2] as number;
  assertShape('multiplicativeAttentionBackward', dcontext, [N, Hv], 'dcontext');
  const { dweights, dvalues } = weightedSumBackward(dcontext, cache.sum); // [N, T], [N, T, Hv]
  const { dscores } = maskedSoftmaxBackward(dweights, cache.softmax); // [N, T]
  const dprojected = reshape(matmul(reshape(dscores, [N, 1, T]), keys), [N, Hk]); // [N, Hk]
  const dkeys = matmul(reshape(dscores, [N, T, 1]), reshape(projected, [N, 1, Hk])); // [N, T, Hk]
  if (Wa === undefined) return { dquery: dprojected, dkeys, dvalues };
  const dWa = matmul(transpose(query), dprojected); // [Hq, N]·[N, Hk] -> [Hq, Hk]
  const dquery = matmul(dprojected, transpose(Wa)); // [N, Hk]·[Hk, Hq] -> [N, Hq]
  return { dquery, dkeys, dvalues, dWa };
  // END SOLUTION
}
