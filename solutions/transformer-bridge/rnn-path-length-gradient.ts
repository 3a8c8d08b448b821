/**
 * The path-length experiment, recurrent side, with the Jacobian derived by hand: how strongly
 * does the last hidden state of a vanilla RNN depend on the first input?
 *
 * Chapter 4, "Path length, measured" — packages/transformer-bridge/README.md#path-length-measured
 */
import {
  assertShape,
  matmul,
  mul,
  noGrad,
  square,
  sub,
  sum,
  timeStep,
  transpose,
  zeros,
} from '@rnn-course/core';
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
  // BEGIN SOLUTION: run the RNN, multiply the steps' Jacobians back to x_0, return the norm.
  assertShape('rnnPathLengthGradient', x, [1, null, null], 'x');
  const T = x.shape[1] as number;
  const H = Wh.shape[0] as number;
  return noGrad(() => {
    const h = rnn(x, h0, Wx, Wh, b); // [1, T, H], the states of chapter 1
    // M = ∂h_{T−1}/∂h_t, from the identity at t = T − 1 back to t = 0.
    let M = zeros([H, H]); // [H, H]
    for (let i = 0; i < H; i++) M.set(1, i, i);
    const slope = (t: number): Tensor => sub(1, square(timeStep(h, t))); // [1, H], 1 − h_t²
    for (let t = T - 1; t >= 1; t--) {
      // M · diag(1 − h_t²) Whᵀ: scale the columns of M, then one more step back.
      M = matmul(mul(M, slope(t)), transpose(Wh)); // [H, H]·[H, H] = [H, H]
    }
    const J = matmul(mul(M, slope(0)), transpose(Wx)); // [H, H]·[H, D] = [H, D]
    return Math.sqrt(sum(square(J)).item()); // Frobenius norm
  });
  // END SOLUTION
}
