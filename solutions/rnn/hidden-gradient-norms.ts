/**
 * How much of a change in h_t still reaches h_{T−1}: the norm of the Jacobian ∂h_{T−1}/∂h_t
 * as t moves away from T−1 (Pascanu, Mikolov & Bengio 2013, §2).
 *
 * Chapter 1, "Measuring vanishing gradients" —
 * packages/rnn/README.md#measuring-vanishing-gradients
 */
import {
  assertShape,
  matmul,
  mul,
  reshape,
  square,
  sub,
  tensor,
  timeStep,
  transpose,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnnForward } from './rnn';

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
  // BEGIN SOLUTION: run rnnForward, then multiply the Jacobians from T−1 backwards, noting each norm.
  assertShape('hiddenGradientNorms', x, [1, null, null], 'x');
  const T = x.shape[1];
  const H = Wh.shape[0];
  assertShape('hiddenGradientNorms', h0, [1, H], 'h0');
  const { h } = rnnForward(x, h0, Wx, Wh, b); // [1, T, H]

  const WhT = transpose(Wh); // [H, H]
  // J = ∂h_{T−1}/∂h_t, starting from the identity at t = T−1.
  let J = tensor(
    Array.from({ length: H }, (_, i) => Array.from({ length: H }, (_, j) => (i === j ? 1 : 0))),
  );
  const norms = new Array<number>(T);
  for (let t = T - 1; t > 0; t--) {
    norms[t] = frobenius(J);
    // eq. 1.14: ∂h_t/∂h_{t−1} = diag(1 − h_t²) Whᵀ, row i of Whᵀ scaled by 1 − h_t[i]².
    const ht = timeStep(h, t); // [1, H]
    const step = mul(reshape(sub(1, square(ht)), [H, 1]), WhT); // [H, 1] ⊙ [H, H] -> [H, H]
    // eq. 1.15: chain rule, ∂h_{T−1}/∂h_{t−1} = ∂h_{T−1}/∂h_t · ∂h_t/∂h_{t−1}.
    J = matmul(J, step); // [H, H]
  }
  norms[0] = frobenius(J); // ∂h_{T−1}/∂h_0: every factor taken (the identity when T = 1)
  return norms;
  // END SOLUTION
}

// BEGIN SOLUTION
/** ‖A‖_F = sqrt(Σ_ij A_ij²). */
function frobenius(A: Tensor): number {
  let s = 0;
  for (let i = 0; i < A.size; i++) s += A.data[i] * A.data[i];
  return Math.sqrt(s);
}
// END SOLUTION
