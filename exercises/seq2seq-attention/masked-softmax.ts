/**
 * Softmax over the valid positions of each row, forward and backward, written by hand.
 *
 * Chapter 3, "Padding and masks" — packages/seq2seq-attention/README.md#padding-and-masks
 */
import { Tensor, notImplemented } from '@rnn-course/core';

/** What `maskedSoftmaxBackward` needs: the weights the forward computed. */
export interface MaskedSoftmaxCache {
  // TODO: the fields your maskedSoftmaxBackward reads, filled in by your maskedSoftmaxForward.
}

/**
 * eq. 3.11: α_{n,t} = m_{n,t} e^{e_{n,t}} / Σ_u m_{n,u} e^{e_{n,u}} along the last axis, with
 * α = 0 wherever m = 0, and a row of zeros when a row has no valid position.
 *
 * @param scores `[N, T]` (or any `[..., T]`) finite scores
 * @param mask   the shape of scores, 1 where a position counts, 0 where it is padding
 * @returns `weights`, the shape of scores, and the cache
 * @throws ShapeError naming `maskedSoftmaxForward` when `mask` does not have the shape of the
 *   scores
 */
export function maskedSoftmaxForward(
  scores: Tensor,
  mask: Tensor,
): { weights: Tensor; cache: MaskedSoftmaxCache } {
  // TODO: check the shapes, then per row: the largest valid score, exponentials of the valid positions only, normalise (eq. 3.11).
  notImplemented('seq2seq-attention/masked-softmax-forward');
}

/**
 * eq. 3.12: de_t = α_t (dα_t − Σ_u α_u dα_u) on each row. Padded positions have α = 0, so they
 * get no gradient, and a fully padded row gets zeros.
 *
 * @param dweights `[N, T]` upstream gradient of the weights
 * @returns `dscores [N, T]`
 * @throws ShapeError naming `maskedSoftmaxBackward` when `dweights` does not have the shape of
 *   the weights
 */
export function maskedSoftmaxBackward(
  dweights: Tensor,
  cache: MaskedSoftmaxCache,
): { dscores: Tensor } {
  // TODO: per row, dscores = α ⊙ (dα − Σ_u α_u dα_u) (eq. 3.12).
  notImplemented('seq2seq-attention/masked-softmax-backward');
}
