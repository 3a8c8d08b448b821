/**
 * An affine map applied at every time step with the same weights: hidden states to scores.
 *
 * Chapter 1, "From hidden states to predictions" —
 * packages/rnn/README.md#from-hidden-states-to-predictions
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * What `temporalAffineBackward` needs from the forward pass. The fields are yours to choose: the
 * grader hands the cache your forward returns to your backward, unread.
 */
export interface TemporalAffineCache {
  // TODO: the fields your temporalAffineBackward reads.
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
  // TODO: treat the N·T steps as rows of one matrix, apply W and b, restore [N, T, V].
  notImplemented('rnn/temporal-affine-forward');
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
  // TODO: reshape to [N·T, ·] for the affine backward; dW and db sum over batch and time.
  notImplemented('rnn/temporal-affine-backward');
}
