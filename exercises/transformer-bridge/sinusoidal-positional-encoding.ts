/**
 * Sinusoidal positional encoding (Vaswani et al. 2017, sec. 3.5), written out.
 *
 * Chapter 4, "Positional encodings" — packages/transformer-bridge/README.md#positional-encodings
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * eq. 4.8: PE[t, 2i] = sin(t / 10000^(2i/D)), PE[t, 2i + 1] = cos(t / 10000^(2i/D)).
 *
 * Chapter 4, "Positional encodings" — packages/transformer-bridge/README.md#positional-encodings
 *
 * @param T    number of positions t = 0 … T − 1
 * @param D    number of features; for an odd D the last feature is a sine
 * @param base 10000 in the paper
 * @returns `[T, D]`, sine on even features, cosine on odd ones
 * @throws RangeError when `T` or `D` is not an integer >= 1
 */
export function sinusoidalPositionalEncoding(T: number, D: number, base = 10000): Tensor {
  // TODO: check T and D, then fill a new [T, D] tensor by eq. 4.8.
  notImplemented('transformer-bridge/sinusoidal-positional-encoding');
}
