/**
 * Multiplicative attention (Luong, Pham & Manning 2015, "Effective approaches to
 * attention-based neural machine translation"): the score of a source position is a product of
 * the query and the key, either directly ("dot") or through a learned matrix ("general").
 * Cheaper than additive attention (no hidden layer), and the ancestor of the transformer's
 * scaled dot-product attention.
 *
 * Chapter 3, "Multiplicative attention" —
 * packages/seq2seq-attention/README.md#multiplicative-attention
 */
import { ShapeError, assertShape, formatShape, matmul, reshape } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { attentionShapes, weightedSum } from './additive-attention';
import type { Attention } from './additive-attention';
import { maskedSoftmax } from './masked-softmax';

/**
 * eq. 3.16: e_{n,t} = q̃_n · k_{n,t} with q̃ = q ("dot", Wa omitted) or q̃ = q Wa ("general");
 * then α = maskedSoftmax(e, mask) (eq. 3.11) and c_n = Σ_t α_{n,t} values_{n,t} (eq. 3.13).
 *
 * @param query  `[N, Hq]` the decoder state
 * @param keys   `[N, T, Hk]` the encoder outputs scored against the query
 * @param values `[N, T, Hv]` the encoder outputs averaged into the context
 * @param mask   `[N, T]` 1 for real source positions, 0 for padding
 * @param Wa     `[Hq, Hk]` for "general"; omitted for "dot", which needs Hq = Hk
 * @returns `context [N, Hv]` and `weights [N, T]`
 * @throws ShapeError naming `multiplicativeAttention` when the shapes disagree
 */
export function multiplicativeAttention(
  query: Tensor,
  keys: Tensor,
  values: Tensor,
  mask: Tensor,
  Wa?: Tensor,
): Attention {
  const op = 'multiplicativeAttention';
  const { N, T, Hq, Hk, Hv } = attentionShapes(op, query, keys, values, mask);
  if (Wa === undefined && Hq !== Hk) {
    throw new ShapeError(
      op,
      `query [N, Hk] and keys [N, T, Hk] of equal Hk for dot attention (or a matrix Wa)`,
      `query ${formatShape(query.shape)} and keys ${formatShape(keys.shape)}`,
    );
  }
  if (Wa !== undefined) assertShape(op, Wa, [Hq, Hk], 'Wa');
  const q = Wa === undefined ? query : matmul(query, Wa); // [N, Hk]
  const scores = reshape(matmul(keys, reshape(q, [N, Hk, 1])), [N, T]); // [N, T, 1] -> [N, T]
  const weights = maskedSoftmax(scores, mask); // [N, T]
  const context = weightedSum(weights, values, N, T, Hv); // [N, Hv]
  return { context, weights };
}
