/**
 * An affine map applied at every time step with the same weights: hidden states to scores.
 *
 * Chapter 1, "From hidden states to predictions" —
 * packages/rnn/README.md#from-hidden-states-to-predictions
 */
import { add, assertShape, matmul, reshape, sum, transpose } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * What `temporalAffineBackward` needs from the forward pass. The fields are yours to choose: the
 * grader hands the cache your forward returns to your backward, unread.
 */
export interface TemporalAffineCache {
  // BEGIN SOLUTION: the fields your temporalAffineBackward reads.
  readonly x: Tensor; // [N, T, H]
  readonly W: Tensor; // [H, V]
  // END SOLUTION
}

/**
 * Scores at every step, eq. 1.8: y_t = h_t Wy + by, for all N·T rows at once.
 *
 * Chapter 1, "From hidden states to predictions" —
 * packages/rnn/README.md#from-hidden-states-to-predictions
 *
 * @param x `[N, T, H]` hidden states
 * @param W `[H, V]` weights
 * @param b `[V]` bias
 * @returns `out [N, T, V]` and the cache for `temporalAffineBackward`
 * @throws ShapeError naming `temporalAffineForward` and the argument when `x` is not 3-D, or when
 *   `W` or `b` does not fit x and the other
 */
export function temporalAffineForward(
  x: Tensor,
  W: Tensor,
  b: Tensor,
): { out: Tensor; cache: TemporalAffineCache } {
  // BEGIN SOLUTION: treat the N·T steps as rows of one matrix, apply W and b, restore [N, T, V].
  assertShape('temporalAffineForward', x, [null, null, null], 'x');
  const [N, T, H] = x.shape;
  assertShape('temporalAffineForward', W, [H, null], 'W');
  const V = W.shape[1];
  assertShape('temporalAffineForward', b, [V], 'b');

  // The map is the same at every step, so the N·T rows are one matrix product.
  const x2 = reshape(x, [N * T, H]); // [N·T, H]
  const out = reshape(add(matmul(x2, W), b), [N, T, V]); // [N·T, V] -> [N, T, V]
  return { out, cache: { x, W } };
  // END SOLUTION
}

/**
 * Backward pass of the temporal affine map, eq. 1.9.
 *
 * Chapter 1, "From hidden states to predictions" —
 * packages/rnn/README.md#from-hidden-states-to-predictions
 *
 * @param dout  `[N, T, V]` upstream gradient
 * @param cache from `temporalAffineForward`
 * @returns `dx [N, T, H]`, `dW [H, V]`, `db [V]`
 * @throws ShapeError naming `temporalAffineBackward` when `dout` is not [N, T, V], the shape of
 *   the forward's out
 */
export function temporalAffineBackward(
  dout: Tensor,
  cache: TemporalAffineCache,
): { dx: Tensor; dW: Tensor; db: Tensor } {
  // BEGIN SOLUTION: reshape to [N·T, ·] for the affine backward; dW and db sum over batch and time.
  const { x, W } = cache;
  const [N, T, H] = x.shape;
  const V = W.shape[1];
  assertShape('temporalAffineBackward', dout, [N, T, V], 'dout');

  const dout2 = reshape(dout, [N * T, V]); // [N·T, V]
  const x2 = reshape(x, [N * T, H]); // [N·T, H]
  // eq. 1.9: dh_t = dy_t Wyᵀ at every step.
  const dx = reshape(matmul(dout2, transpose(W)), [N, T, H]); // [N·T, H] -> [N, T, H]
  // W and b act at every (n, t), so their gradients sum over the batch and over time.
  const dW = matmul(transpose(x2), dout2); // [H, N·T]·[N·T, V] = [H, V]
  const db = sum(dout2, 0); // [V]
  return { dx, dW, db };
  // END SOLUTION
}
