/**
 * Softmax over the valid positions of each row, forward and backward, written by hand.
 *
 * Chapter 3, "Padding and masks" — packages/seq2seq-attention/README.md#padding-and-masks
 */
import { ShapeError, Tensor, formatShape, sameShape } from '@rnn-course/core';

/** What `maskedSoftmaxBackward` needs: the weights the forward computed. */
export interface MaskedSoftmaxCache {
  // BEGIN SOLUTION: the fields your maskedSoftmaxBackward reads, filled in by your maskedSoftmaxForward.
  readonly weights: Tensor; // [N, T]
  // END SOLUTION
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
  // BEGIN SOLUTION: check the shapes, then per row: the largest valid score, exponentials of the valid positions only, normalise (eq. 3.11).
  if (scores.ndim < 1 || !sameShape(scores.shape, mask.shape)) {
    throw new ShapeError(
      'maskedSoftmaxForward',
      'scores [..., T] and mask of the same shape',
      `scores ${formatShape(scores.shape)} and mask ${formatShape(mask.shape)}`,
    );
  }
  const T = scores.shape[scores.ndim - 1] as number;
  const rows = T === 0 ? 0 : scores.size / T;
  const e = scores.data;
  const m = mask.data;
  const alpha = new Float64Array(scores.size); // [..., T], zero unless set below
  for (let r = 0; r < rows; r++) {
    // The largest valid score: subtracting it keeps every exponent <= 0 (no overflow).
    let c = -Infinity;
    for (let t = 0; t < T; t++) if (m[r * T + t] === 1) c = Math.max(c, e[r * T + t]!);
    if (c === -Infinity) continue; // no valid position: the row stays all zero, not 0/0
    let total = 0;
    for (let t = 0; t < T; t++) {
      if (m[r * T + t] !== 1) continue; // padding gets exactly no weight
      alpha[r * T + t] = Math.exp(e[r * T + t]! - c);
      total += alpha[r * T + t]!;
    }
    for (let t = 0; t < T; t++) alpha[r * T + t]! /= total;
  }
  const weights = new Tensor(alpha, scores.shape);
  return { weights, cache: { weights } };
  // END SOLUTION
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
  // BEGIN SOLUTION: per row, dscores = α ⊙ (dα − Σ_u α_u dα_u) (eq. 3.12).
  const { weights } = cache;
  if (!sameShape(dweights.shape, weights.shape)) {
    throw new ShapeError(
      'maskedSoftmaxBackward',
      `dweights ${formatShape(weights.shape)}`,
      formatShape(dweights.shape),
    );
  }
  const T = weights.shape[weights.ndim - 1] as number;
  const rows = T === 0 ? 0 : weights.size / T;
  const a = weights.data;
  const g = dweights.data;
  const de = new Float64Array(weights.size);
  for (let r = 0; r < rows; r++) {
    let dot = 0; // Σ_u α_u dα_u
    for (let t = 0; t < T; t++) dot += a[r * T + t]! * g[r * T + t]!;
    for (let t = 0; t < T; t++) de[r * T + t] = a[r * T + t]! * (g[r * T + t]! - dot);
  }
  return { dscores: new Tensor(de, weights.shape) };
  // END SOLUTION
}
