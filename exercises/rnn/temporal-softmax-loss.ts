/**
 * Softmax cross-entropy at every time step, with a mask for padded positions.
 *
 * Chapter 1, "The loss: cross-entropy over time" —
 * packages/rnn/README.md#the-loss-cross-entropy-over-time
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * Loss and its gradient, eqs. 1.10–1.11:
 *
 *   p_{n,t} = softmax(y_{n,t}),   L = (1/N) Σ_n Σ_t m_{n,t} · (−log p_{n,t}[target_{n,t}])
 *
 * summed over time and over unmasked positions, divided by the batch size N only (not by the
 * number of unmasked positions): the CS231n convention, stated in the chapter.
 * The softmax subtracts each row's maximum first, so logits of ±1e4 do not overflow.
 *
 * Chapter 1, "The loss: cross-entropy over time" —
 * packages/rnn/README.md#the-loss-cross-entropy-over-time
 *
 * @param logits  `[N, T, V]` scores
 * @param targets `number[][]` of shape `[N][T]`, integers in `[0, V)`
 * @param mask    `number[][]` of shape `[N][T]`, 1 where the position counts, 0 where it does not
 * @returns `loss` (a number) and `dlogits [N, T, V]` = dL/dlogits
 * @throws ShapeError naming `temporalSoftmaxLossAndGrad` and the argument when `logits` is not
 *   3-D, or when `targets` or `mask` is not `[N][T]` (a missing row, or a row of another length)
 * @throws RangeError naming `temporalSoftmaxLossAndGrad` when a target of `targets` is not an
 *   integer in `[0, V)`
 */
export function temporalSoftmaxLossAndGrad(
  logits: Tensor,
  targets: readonly (readonly number[])[],
  mask: readonly (readonly number[])[],
): { loss: number; dlogits: Tensor } {
  // TODO: per (n, t): a stable softmax, −log p[target] and its gradient, masked, over N.
  notImplemented('rnn/temporal-softmax-loss-and-grad');
}
