/**
 * The causal (look-ahead) mask of a decoder: position i may attend to positions j <= i only,
 * so that the prediction made at position i never sees the tokens it is trained to predict
 * (Vaswani et al. 2017, sec. 3.2.3).
 *
 * Masks in this chapter hold 1 where attention is allowed and 0 where it is blocked, like the
 * loss mask of chapter 1 (PyTorch's boolean masks use the opposite sense: True = blocked).
 *
 * Chapter 4, "Causal masks" — packages/transformer-bridge/README.md#causal-masks
 */
import { Tensor } from '@rnn-course/core';

/**
 * eq. 4.9: M[i, j] = 1 if j <= i else 0.
 *
 * @param T the sequence length, an integer >= 1
 * @returns `[T, T]`, lower-triangular ones (diagonal included); it broadcasts against scores
 *   `[N, T, T]` and `[N, h, T, T]`
 * @throws RangeError when T is not an integer >= 1
 */
export function causalMask(T: number): Tensor {
  if (!Number.isInteger(T) || T < 1) {
    throw new RangeError(`causalMask: T must be an integer >= 1, received ${T}`);
  }
  const M = new Float64Array(T * T); // [T, T]
  for (let i = 0; i < T; i++) M.fill(1, i * T, i * T + i + 1); // row i: keys 0..i
  return new Tensor(M, [T, T]);
}
