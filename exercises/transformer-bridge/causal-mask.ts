/**
 * The causal mask of a decoder, written out.
 *
 * Chapter 4, "Causal masks" — packages/transformer-bridge/README.md#causal-masks
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * eq. 4.9: M[i, j] = 1 if j <= i (query i may see key j: itself and the past), else 0.
 *
 * Chapter 4, "Causal masks" — packages/transformer-bridge/README.md#causal-masks
 *
 * @param T the sequence length, an integer >= 1
 * @returns `[T, T]` of 0/1, ones on and below the diagonal
 * @throws RangeError when `T` is not an integer >= 1
 */
export function causalMask(T: number): Tensor {
  // TODO: check T, then a new [T, T] tensor of eq. 4.9.
  notImplemented('transformer-bridge/causal-mask');
}
