/**
 * The path-length experiment, recurrent side, with the Jacobian derived by hand: how strongly
 * does the last hidden state of a vanilla RNN depend on the first input?
 *
 * Chapter 4, "Path length, measured" — packages/transformer-bridge/README.md#path-length-measured
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnn } from '@rnn-course/rnn';

/**
 * ‖∂h_{T−1}/∂x_0‖_F of a vanilla RNN (chapter 1, eq. 1.1). Each step contributes one Jacobian
 * ∂h_t/∂h_{t−1} = diag(1 − h_t²) Whᵀ, and the first step ∂h_0/∂x_0 = diag(1 − h_0²) Wxᵀ, so
 *
 *   ∂h_{T−1}/∂x_0 = diag(1 − h_{T−1}²) Whᵀ · … · diag(1 − h_1²) Whᵀ · diag(1 − h_0²) Wxᵀ
 *
 * a product of T factors: the path from x_0 to h_{T−1} has length T. The hidden states come
 * from chapter 1's reference `rnn` (`@rnn-course/rnn`).
 *
 * Chapter 4, "Path length, measured" — packages/transformer-bridge/README.md#path-length-measured
 *
 * @param x  `[1, T, D]` one sequence
 * @param h0 `[1, H]`, Wx `[D, H]`, Wh `[H, H]`, b `[H]`
 * @returns the Frobenius norm of the `[H, D]` Jacobian
 * @throws ShapeError naming the function when `x` is not `[1, T, D]`
 */
export function rnnPathLengthGradient(
  x: Tensor,
  h0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): number {
  // TODO: run the RNN, multiply the steps' Jacobians back to x_0, return the norm.
  notImplemented('transformer-bridge/rnn-path-length-gradient');
}
