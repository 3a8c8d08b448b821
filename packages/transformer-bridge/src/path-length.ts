/**
 * The path-length experiment: how strongly does the last output depend on the first input?
 * ‖∂y_{T−1}/∂x_0‖_F for a vanilla RNN (chapter 1, eq. 1.1), where the signal crosses T − 1
 * recurrent steps, and for one layer of causal self-attention, where it crosses one attention
 * step whatever T is (eq. 4.15). Measured here with the core's autograd, one backward pass per
 * output feature, independently of the exercises' hand-written products of Jacobians.
 *
 * Chapter 4, "Path length, measured" — packages/transformer-bridge/README.md#path-length-measured
 */
import { assertShape, matmul, mul, sum, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnn } from '@rnn-course/rnn';
import { causalMask } from './causal-mask';
import { scaledDotProductAttention } from './scaled-dot-product-attention';

/**
 * ‖∂y[0, T−1, :]/∂x[0, 0, :]‖_F for y = f(x), by one backward pass per output feature.
 *
 * @param f maps `x [1, T, D]` to `y [1, T, H]`
 */
function lastOverFirstNorm(f: (x: Tensor) => Tensor, x: Tensor): number {
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

/**
 * ‖∂h_{T−1}/∂x_0‖_F of a vanilla RNN (eq. 1.1) started from h0.
 *
 * @param x  `[1, T, D]`
 * @param h0 `[1, H]`, Wx `[D, H]`, Wh `[H, H]`, b `[H]`
 * @returns the Frobenius norm of the `[H, D]` Jacobian
 */
export function rnnPathLengthGradient(
  x: Tensor,
  h0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): number {
  assertShape('rnnPathLengthGradient', x, [1, null, null], 'x');
  return lastOverFirstNorm((xs) => rnn(xs, h0.detach(), Wx.detach(), Wh.detach(), b.detach()), x);
}

/**
 * ‖∂y_{T−1}/∂x_0‖_F of one head of causal self-attention, y = Attention(x Wq, x Wk, x Wv) with
 * the causal mask (eqs. 4.1–4.4, 4.9).
 *
 * @param x  `[1, T, D]`
 * @param Wq `[D, dk]`, Wk `[D, dk]`, Wv `[D, dv]`
 * @returns the Frobenius norm of the `[dv, D]` Jacobian
 */
export function selfAttentionPathLengthGradient(
  x: Tensor,
  Wq: Tensor,
  Wk: Tensor,
  Wv: Tensor,
): number {
  assertShape('selfAttentionPathLengthGradient', x, [1, null, null], 'x');
  const T = x.shape[1] as number;
  const mask = causalMask(T); // [T, T]
  const [q, k, v] = [Wq, Wk, Wv].map((W) => W.detach());
  return lastOverFirstNorm(
    (xs) =>
      scaledDotProductAttention(
        matmul(xs, q as Tensor),
        matmul(xs, k as Tensor),
        matmul(xs, v as Tensor),
        mask,
      ).out,
    x,
  );
}
