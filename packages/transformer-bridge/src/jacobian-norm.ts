/**
 * The norm of one block of a sequence model's Jacobian, by autograd: how strongly the last
 * output depends on the first input. Shared by the two path-length measurements
 * (`rnn-path-length-gradient.ts`, `self-attention-path-length-gradient.ts`); not part of the
 * package's public API.
 *
 * Chapter 4, "Path length, measured" — packages/transformer-bridge/README.md#path-length-measured
 */
import { mul, sum, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * ‖∂y[0, T−1, :]/∂x[0, 0, :]‖_F for y = f(x), by one backward pass per output feature.
 *
 * @param f maps `x [1, T, D]` to `y [1, T, H]`
 * @param x `[1, T, D]`, not changed
 * @returns the Frobenius norm of the `[H, D]` Jacobian
 */
export function lastOverFirstNorm(f: (x: Tensor) => Tensor, x: Tensor): number {
  const [, T, D] = x.shape as [number, number, number];
  const xg = x.detach().clone();
  xg.requiresGrad = true;
  let squares = 0;
  const H = f(x.detach()).shape[2] as number;
  for (let i = 0; i < H; i++) {
    xg.zeroGrad();
    const pick = zeros([1, T, H]);
    pick.set(1, 0, T - 1, i); // selects y[0, T−1, i]
    sum(mul(f(xg), pick)).backward();
    const g = xg.grad as Tensor; // row i of the Jacobian sits in g[0, 0, :]
    for (let d = 0; d < D; d++) squares += g.data[d]! ** 2;
  }
  return Math.sqrt(squares);
}
