/**
 * Multiplicative attention (Luong et al. 2015: "dot" and "general"), forward and backward,
 * written by hand.
 *
 * Chapter 3, "Multiplicative attention" —
 * packages/seq2seq-attention/README.md#multiplicative-attention
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/** What `multiplicativeAttentionBackward` needs from the forward pass. */
export interface MultiplicativeAttentionCache {
  // TODO: the fields your multiplicativeAttentionBackward reads, filled in by your multiplicativeAttentionForward.
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
  // TODO: check the shapes, project the query for "general", one dot product per position (eq. 3.16), masked softmax, weighted sum.
  notImplemented('seq2seq-attention/multiplicative-attention-forward');
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
  // TODO: back through the weighted sum and the masked softmax, then the dot products and Wa (eq. 3.17).
  notImplemented('seq2seq-attention/multiplicative-attention-backward');
}
