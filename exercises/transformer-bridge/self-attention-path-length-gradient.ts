/**
 * The path-length experiment, attention side, with the Jacobian derived by hand: how strongly
 * does the last output of one head of causal self-attention depend on the first input?
 *
 * Chapter 4, "Path length, measured" — packages/transformer-bridge/README.md#path-length-measured
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * ‖∂y_{T−1}/∂x_0‖_F of one head of causal self-attention, y = Attention(x Wq, x Wk, x Wv).
 * The last query q = x_{T−1} Wq sees every key, and x_0 reaches y_{T−1} only through k_0 and
 * v_0, one attention step whatever T is (eq. 4.15):
 *
 *   ∂y_{T−1}/∂x_0 = a_0 (Wvᵀ + (v_0 − y_{T−1}) (Wk q)ᵀ / √dk)      [dv, D]
 *
 * where a_0 is the weight the last query gives the first key.
 *
 * Chapter 4, "Path length, measured" — packages/transformer-bridge/README.md#path-length-measured
 *
 * @param x  `[1, T, D]` one sequence
 * @param Wq `[D, dk]`, Wk `[D, dk]`, Wv `[D, dv]`
 * @returns the Frobenius norm of the `[dv, D]` Jacobian
 * @throws ShapeError naming the function when `x` is not `[1, T, D]`
 */
export function selfAttentionPathLengthGradient(
  x: Tensor,
  Wq: Tensor,
  Wk: Tensor,
  Wv: Tensor,
): number {
  // TODO: the last query's weights and output, then eq. 4.15; return its norm.
  notImplemented('transformer-bridge/self-attention-path-length-gradient');
}
