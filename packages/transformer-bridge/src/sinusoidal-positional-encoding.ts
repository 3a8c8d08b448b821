/**
 * Sinusoidal positional encoding (Vaswani et al. 2017, sec. 3.5). Attention by itself ignores
 * the order of its inputs (permuting the positions permutes the outputs the same way), so the
 * position of every token is added to its embedding; here as a fixed code of sines and cosines
 * (see `learned-positional-embedding.ts` for a trained one).
 *
 * Chapter 4, "Positional encodings" — packages/transformer-bridge/README.md#positional-encodings
 */
import { Tensor } from '@rnn-course/core';

/**
 * eq. 4.8: PE[t, 2i] = sin(t / 10000^(2i/D)), PE[t, 2i + 1] = cos(t / 10000^(2i/D)): sine on
 * the even features, cosine on the odd ones, one frequency per pair, the wavelengths forming a
 * geometric progression from 2π to 10000·2π.
 *
 * @param T     number of positions, t = start … start + T − 1
 * @param D     number of features (even in the paper; for an odd D the last feature is a sine)
 * @param base  10000 in the paper
 * @param start the first position (default 0; a decoder generating token t asks for row t)
 * @returns `[T, D]`, to be added to embeddings `[N, T, D]` (it broadcasts over the batch)
 * @throws RangeError when T or D is not a positive integer
 */
export function sinusoidalPositionalEncoding(
  T: number,
  D: number,
  base = 10000,
  start = 0,
): Tensor {
  for (const [name, v] of [
    ['T', T],
    ['D', D],
    ['start + 1', start + 1],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(
        `sinusoidalPositionalEncoding: ${name} must be an integer >= 1, received ${v}`,
      );
    }
  }
  const PE = new Float64Array(T * D); // [T, D]
  for (let t = 0; t < T; t++) {
    const pos = start + t;
    for (let i = 0; 2 * i < D; i++) {
      const angle = pos / base ** ((2 * i) / D); // frequency 1 / base^(2i/D) for the pair (2i, 2i + 1)
      PE[t * D + 2 * i] = Math.sin(angle);
      if (2 * i + 1 < D) PE[t * D + 2 * i + 1] = Math.cos(angle);
    }
  }
  return new Tensor(PE, [T, D]);
}
