/**
 * How much of a change in h_t still reaches h_{T−1}: the norm of the Jacobian ∂h_{T−1}/∂h_t
 * as t moves away from T−1 (Pascanu, Mikolov & Bengio 2013, §2).
 *
 * Chapter 1, "Measuring vanishing gradients" —
 * packages/rnn/README.md#measuring-vanishing-gradients
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * Frobenius norms of the Jacobians ∂h_{T−1}/∂h_t for t = 0 … T−1 (eqs. 1.14–1.15):
 *
 *   ∂h_k/∂h_{k−1} = diag(1 − h_k²) Whᵀ,   ∂h_{T−1}/∂h_t = Π_{k=T−1}^{t+1} ∂h_k/∂h_{k−1}
 *
 * Entry T−1 is the norm of the identity, sqrt(H). Each entry is one more factor than the
 * next, which is why the norms shrink (or grow) roughly geometrically with the distance.
 *
 * Chapter 1, "Measuring vanishing gradients" —
 * packages/rnn/README.md#measuring-vanishing-gradients
 *
 * @param x  `[1, T, D]` one input sequence (batch of one)
 * @param h0 `[1, H]` the initial hidden state
 * @param Wx `[D, H]`, Wh `[H, H]`, b `[H]` the RNN's parameters
 * @returns `number[]` of length T: entry t = ‖∂h_{T−1}/∂h_t‖_F
 * @throws ShapeError naming `hiddenGradientNorms` and the argument when `x` is not one sequence
 *   [1, T, D] or `h0` is not [1, H]
 */
export function hiddenGradientNorms(
  x: Tensor,
  h0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): number[] {
  // TODO: run rnnForward, then multiply the Jacobians from T−1 backwards, noting each norm.
  notImplemented('rnn/hidden-gradient-norms');
}
