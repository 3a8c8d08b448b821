/**
 * The path-length experiment, attention side: how strongly does the last output of one head of
 * causal self-attention depend on the first input? The last query reads every key directly, so
 * the signal crosses one attention step whatever T is (eq. 4.15). Measured here with the core's
 * autograd, one backward pass per output feature, independently of the exercise's hand-derived
 * Jacobian.
 *
 * Chapter 4, "Path length, measured" — packages/transformer-bridge/README.md#path-length-measured
 */
import { assertShape, matmul } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { causalMask } from './causal-mask';
import { lastOverFirstNorm } from './jacobian-norm';
import { scaledDotProductAttention } from './scaled-dot-product-attention';

/**
 * ‖∂y_{T−1}/∂x_0‖_F of one head of causal self-attention, y = Attention(x Wq, x Wk, x Wv) with
 * the causal mask (eqs. 4.1–4.4, 4.9).
 *
 * @param x  `[1, T, D]`
 * @param Wq `[D, dk]`, Wk `[D, dk]`, Wv `[D, dv]`
 * @returns the Frobenius norm of the `[dv, D]` Jacobian
 * @throws ShapeError naming `selfAttentionPathLengthGradient` when x is not `[1, T, D]`
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
