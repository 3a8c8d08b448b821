/**
 * The same affine map at every time step, from hidden states to scores.
 *
 * Chapter 1, "From hidden states to predictions" —
 * packages/rnn/README.md#from-hidden-states-to-predictions
 */
import { add, assertShape, matmul } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * eq. 1.8: y_t = h_t Wy + by at every step (a batched matmul `[N, T, H] × [H, V]`).
 *
 * @param x `[N, T, H]`
 * @param W `[H, V]`
 * @param b `[V]`
 * @returns `[N, T, V]`
 * @throws ShapeError naming `temporalAffine` when the shapes disagree
 */
export function temporalAffine(x: Tensor, W: Tensor, b: Tensor): Tensor {
  assertShape('temporalAffine', x, [null, null, null], 'x');
  assertShape('temporalAffine', W, [x.shape[2], null], 'W');
  assertShape('temporalAffine', b, [W.shape[1]], 'b');
  return add(matmul(x, W), b); // [N, T, H]·[H, V] -> [N, T, V]
}
