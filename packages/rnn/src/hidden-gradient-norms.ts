/**
 * ‖∂h_{T−1}/∂h_t‖_F for every t, measured with autograd, independently of the explicit
 * product of per-step Jacobians (eqs. 1.14–1.15) that the exercise writes by hand.
 *
 * Chapter 1, "Measuring vanishing gradients" —
 * packages/rnn/README.md#measuring-vanishing-gradients
 */
import { add, assertShape, mul, sum, timeStep, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnnStep } from './rnn-step';

/**
 * Row i of every Jacobian ∂h_{T−1}/∂h_t at once: a zero perturbation e_t is added to each h_t,
 * so ∂h_{T−1}/∂e_t = ∂h_{T−1}/∂h_t, and one backward pass from h_{T−1}[i] fills row i of all
 * of them. The graph is rebuilt for each of the H rows.
 *
 * @param x  `[1, T, D]`, h0 `[1, H]`, Wx `[D, H]`, Wh `[H, H]`, b `[H]`
 * @returns `number[]` of length T, entry t = ‖∂h_{T−1}/∂h_t‖_F (entry T−1 = sqrt(H))
 */
export function hiddenGradientNorms(
  x: Tensor,
  h0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): number[] {
  assertShape('hiddenGradientNorms', x, [1, null, null], 'x');
  const T = x.shape[1];
  const H = Wh.shape[0];
  assertShape('hiddenGradientNorms', h0, [1, H], 'h0');
  const [xd, h0d, Wxd, Whd, bd] = [x, h0, Wx, Wh, b].map((t) => t.detach()) as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ];
  const squares = new Array<number>(T).fill(0);
  for (let i = 0; i < H; i++) {
    const e = Array.from({ length: T }, () => zeros([1, H], { requiresGrad: true }));
    let h = h0d; // [1, H]
    for (let t = 0; t < T; t++) h = add(rnnStep(timeStep(xd, t), h, Wxd, Whd, bd), e[t]);
    const pick = zeros([1, H]);
    pick.set(1, 0, i);
    sum(mul(h, pick)).backward(); // h_{T−1}[i]
    for (let t = 0; t < T; t++) {
      const row = e[t].grad;
      if (row) for (let j = 0; j < H; j++) squares[t] += row.data[j] * row.data[j];
    }
  }
  return squares.map(Math.sqrt);
}
