/**
 * Learned positional embeddings: the alternative to the sinusoidal code of
 * `sinusoidal-positional-encoding.ts`, one trained vector per position (Vaswani et al. 2017,
 * sec. 3.5, report nearly identical results for both).
 *
 * Chapter 4, "Positional encodings" — packages/transformer-bridge/README.md#positional-encodings
 */
import { assertShape, narrow } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * Learned positional embeddings: row t of a trained table P is the vector of position t. The
 * table fixes the longest sequence the model can read.
 *
 * @param P     `[maxLen, D]` the table (a parameter)
 * @param T     how many positions, at most maxLen
 * @param start the first position (default 0; a decoder generating token t asks for row t)
 * @returns `[T, D]`, rows start … start + T − 1 of P (differentiable with respect to P)
 * @throws RangeError when the positions run past the table
 */
export function learnedPositionalEmbedding(P: Tensor, T: number, start = 0): Tensor {
  assertShape('learnedPositionalEmbedding', P, [null, null], 'P');
  const maxLen = P.shape[0] as number;
  if (
    !Number.isInteger(T) ||
    T < 1 ||
    !Number.isInteger(start) ||
    start < 0 ||
    start + T > maxLen
  ) {
    throw new RangeError(
      `learnedPositionalEmbedding: positions ${start}..${start + T - 1} are outside the table's ` +
        `0..${maxLen - 1} (P ${JSON.stringify(P.shape)})`,
    );
  }
  return narrow(P, 0, start, T); // [T, D]
}
