/**
 * The path-length experiment, attention side, with the Jacobian derived by hand: how strongly
 * does the last output of one head of causal self-attention depend on the first input?
 *
 * Chapter 4, "Path length, measured" — packages/transformer-bridge/README.md#path-length-measured
 */
import {
  add,
  assertShape,
  matmul,
  narrow,
  noGrad,
  reshape,
  scale,
  softmax,
  square,
  sub,
  sum,
  transpose,
} from '@rnn-course/core';
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
  // BEGIN SOLUTION: the last query's weights and output, then eq. 4.15; return its norm.
  assertShape('selfAttentionPathLengthGradient', x, [1, null, null], 'x');
  const [, T, D] = x.shape as [number, number, number];
  const dk = Wq.shape[1] as number;
  return noGrad(() => {
    const X = reshape(x, [T, D]); // [T, D]
    const q = matmul(narrow(X, 0, T - 1, 1), Wq); // [1, dk], the last query
    const K = matmul(X, Wk); // [T, dk]
    const V = matmul(X, Wv); // [T, dv]
    const a = softmax(scale(matmul(q, transpose(K)), 1 / Math.sqrt(dk)), -1); // [1, T]
    const y = matmul(a, V); // [1, dv]
    const a0 = a.get(0, 0);
    const v0 = narrow(V, 0, 0, 1); // [1, dv]
    const Wkq = transpose(matmul(Wk, transpose(q))); // [1, D], (Wk q)ᵀ
    // eq. 4.15: the value path a_0 Wvᵀ plus the key path through the score of key 0.
    const valuePath = transpose(Wv); // [dv, D]
    const keyPath = scale(matmul(transpose(sub(v0, y)), Wkq), 1 / Math.sqrt(dk)); // [dv, 1]·[1, D]
    const J = scale(add(valuePath, keyPath), a0); // [dv, D]
    return Math.sqrt(sum(square(J)).item()); // Frobenius norm
  });
  // END SOLUTION
}
