/**
 * Cross-entropy summed over time, with a mask, divided by the batch size.
 *
 * Chapter 1, "The loss: cross-entropy over time" —
 * packages/rnn/README.md#the-loss-cross-entropy-over-time
 */
import {
  ShapeError,
  assertShape,
  div,
  logSoftmax,
  mul,
  neg,
  oneHot,
  sum,
  tensor,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * eq. 1.10: L = (1/N) Σ_n Σ_t m_{n,t} · (−log softmax(y_{n,t})[target_{n,t}]).
 *
 * Divided by N only, not by the number of unmasked positions (the CS231n convention the
 * chapter states). Built from the core's `logSoftmax` (stable for logits of ±1e4), so autograd
 * gives eq. 1.11.
 *
 * @param logits  `[N, T, V]`
 * @param targets `number[][]` `[N][T]`, integers in `[0, V)`
 * @param mask    `number[][]` `[N][T]` of 0/1, every position counts when omitted
 * @returns a scalar tensor, differentiable with respect to `logits`
 * @throws ShapeError naming `temporalSoftmaxLoss` when targets or mask do not match `[N][T]`
 */
export function temporalSoftmaxLoss(
  logits: Tensor,
  targets: readonly (readonly number[])[],
  mask?: readonly (readonly number[])[],
): Tensor {
  assertShape('temporalSoftmaxLoss', logits, [null, null, null], 'logits');
  const [N, T, V] = logits.shape;
  checkGrid('targets', targets, N, T);
  const m = mask ?? targets.map((row) => row.map(() => 1));
  checkGrid('mask', m, N, T);
  const logp = logSoftmax(logits, -1); // [N, T, V]
  const picked = sum(mul(logp, oneHot(targets, V)), -1); // log p[target], [N, T]
  const masked = mul(picked, tensor(m.map((row) => [...row]))); // [N, T] ⊙ [N, T]
  return div(neg(sum(masked)), N); // scalar
}

function checkGrid(name: string, grid: readonly (readonly number[])[], N: number, T: number): void {
  if (grid.length !== N || grid.some((row) => row.length !== T)) {
    throw new ShapeError('temporalSoftmaxLoss', `${name} [${N}][${T}]`, `${grid.length} rows`);
  }
}
