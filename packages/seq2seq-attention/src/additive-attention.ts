/**
 * Additive attention (Bahdanau, Cho & Bengio 2014, "Neural machine translation by jointly
 * learning to align and translate"): a small one-hidden-layer network scores how well each
 * source position matches the decoder's state, a masked softmax turns the scores into weights,
 * and the context is the weighted average of the values.
 *
 * Chapter 3, "Additive attention" — packages/seq2seq-attention/README.md#additive-attention
 */
import { ShapeError, add, assertShape, formatShape, matmul, reshape, tanh } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { maskedSoftmax } from './masked-softmax';

/** What an attention layer returns: the context vector and the weights that made it. */
export interface Attention {
  /** `[N, Hv]` c = Σ_t α_t v_t (eq. 3.13) */
  context: Tensor;
  /** `[N, T]` α, each row sums to 1 over its valid positions (0 on padding) */
  weights: Tensor;
}

/**
 * Checks the arguments shared by every attention layer and returns their sizes.
 *
 * @throws ShapeError naming `op` and the shapes that disagree
 */
export function attentionShapes(
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
  const Hv = values.shape[2] as number;
  if (mask.ndim !== 2 || mask.shape[0] !== N || mask.shape[1] !== T) {
    throw new ShapeError(
      op,
      `mask [${N}, ${T}] (one entry per source position of keys ${formatShape(keys.shape)})`,
      formatShape(mask.shape),
    );
  }
  return { N, T, Hq, Hk, Hv };
}

/**
 * eqs. 3.14, 3.11, 3.13: e_{n,t} = v · tanh(q_n Wq + k_{n,t} Wk), α = maskedSoftmax(e, mask),
 * c_n = Σ_t α_{n,t} values_{n,t}. In a sequence-to-sequence model the query is the decoder's
 * state and keys and values are both the encoder's outputs.
 *
 * @param query  `[N, Hq]` what is looked for (the decoder state s_t)
 * @param keys   `[N, T, Hk]` what each source position offers to be matched against
 * @param values `[N, T, Hv]` what each source position contributes to the context
 * @param mask   `[N, T]` 1 for real source positions, 0 for padding
 * @param Wq     `[Hq, A]` projects the query into the attention space of size A
 * @param Wk     `[Hk, A]` projects the keys
 * @param v      `[A]` reads a score off the hidden layer
 * @param projectedKeys `[N, T, A]` keys Wk, when the caller already has it: it does not depend
 *   on the query, so a decoder computes it once per source instead of once per step
 * @returns `context [N, Hv]` and `weights [N, T]`
 * @throws ShapeError naming `additiveAttention` when the shapes disagree
 */
export function additiveAttention(
  query: Tensor,
  keys: Tensor,
  values: Tensor,
  mask: Tensor,
  Wq: Tensor,
  Wk: Tensor,
  v: Tensor,
  projectedKeys?: Tensor,
): Attention {
  const op = 'additiveAttention';
  const { N, T, Hq, Hk, Hv } = attentionShapes(op, query, keys, values, mask);
  assertShape(op, Wq, [Hq, null], 'Wq');
  const A = Wq.shape[1] as number;
  assertShape(op, Wk, [Hk, A], 'Wk');
  assertShape(op, v, [A], 'v');
  const q = reshape(matmul(query, Wq), [N, 1, A]); // [N, Hq]·[Hq, A] -> [N, 1, A]
  if (projectedKeys !== undefined) assertShape(op, projectedKeys, [N, T, A], 'projectedKeys');
  const k = projectedKeys ?? matmul(keys, Wk); // [N, T, Hk]·[Hk, A] -> [N, T, A]
  const hidden = tanh(add(k, q)); // [N, T, A], q broadcast over t
  const scores = matmul(hidden, v); // [N, T, A]·[A] -> [N, T]
  const weights = maskedSoftmax(scores, mask); // [N, T]
  const context = weightedSum(weights, values, N, T, Hv); // [N, Hv]
  return { context, weights };
}

/** eq. 3.13: c_n = Σ_t α_{n,t} values_{n,t}, as a batched product `[N, 1, T]·[N, T, Hv]`. */
export function weightedSum(
  weights: Tensor,
  values: Tensor,
  N: number,
  T: number,
  Hv: number,
): Tensor {
  return reshape(matmul(reshape(weights, [N, 1, T]), values), [N, Hv]); // [N, 1, Hv] -> [N, Hv]
}
