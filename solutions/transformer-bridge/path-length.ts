/**
 * The path-length experiment, with the Jacobians derived by hand: how strongly does the last
 * output depend on the first input, for a vanilla RNN and for one head of causal
 * self-attention?
 *
 * Chapter 4, "Path length, measured" — packages/transformer-bridge/README.md#path-length-measured
 */
import {
  add,
  assertShape,
  matmul,
  mul,
  narrow,
  noGrad,
  reshape,
  scale,
  softmax,
  square,
  sub,
  sum,
  timeStep,
  transpose,
  zeros,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnn } from '@rnn-course/rnn';

/** Frobenius norm. */
function frobenius(M: Tensor): number {
  return Math.sqrt(sum(square(M)).item());
}

/**
 * ‖∂h_{T−1}/∂x_0‖_F of a vanilla RNN (chapter 1, eq. 1.1). Each step contributes one Jacobian
 * ∂h_t/∂h_{t−1} = diag(1 − h_t²) Whᵀ, and the first step ∂h_0/∂x_0 = diag(1 − h_0²) Wxᵀ, so
 *
 *   ∂h_{T−1}/∂x_0 = diag(1 − h_{T−1}²) Whᵀ · … · diag(1 − h_1²) Whᵀ · diag(1 − h_0²) Wxᵀ
 *
 * a product of T factors: the path from x_0 to h_{T−1} has length T.
 *
 * Chapter 4, "Path length, measured" — packages/transformer-bridge/README.md#path-length-measured
 *
 * @param x  `[1, T, D]` one sequence
 * @param h0 `[1, H]`, Wx `[D, H]`, Wh `[H, H]`, b `[H]`
 * @returns the Frobenius norm of the `[H, D]` Jacobian
 * @throws ShapeError naming `rnnPathLengthGradient` when x is not `[1, T, D]`
 */
export function rnnPathLengthGradient(
  x: Tensor,
  h0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): number {
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
    return frobenius(J);
  });
}

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
 * @throws ShapeError naming `selfAttentionPathLengthGradient` when x is not `[1, T, D]`
 */
export function selfAttentionPathLengthGradient(
  x: Tensor,
  Wq: Tensor,
  Wk: Tensor,
  Wv: Tensor,
): number {
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
    return frobenius(scale(add(valuePath, keyPath), a0)); // [dv, D]
  });
}
