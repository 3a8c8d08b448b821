/**
 * Padding masks for attention: a batch of sequences of different lengths is padded to one
 * length, and no query may attend to a padded key (its vector is meaningless).
 *
 * Chapter 4, "Scaled dot-product attention" —
 * packages/transformer-bridge/README.md#scaled-dot-product-attention
 */
import { reshape, sequenceMask } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * M[n, 0, j] = 1 if key j of sequence n is real (j < lengths[n]) else 0.
 *
 * @param lengths N lengths in 1..Tk (a length of 0 would leave a query with no key to see)
 * @param Tk      the padded number of keys
 * @returns `[N, 1, Tk]`, which broadcasts over the queries of scores `[N, Tq, Tk]`; combine it
 *   with a causal mask by `mul` (both are 0/1)
 * @throws RangeError when a length is outside 1..Tk
 */
export function keyPaddingMask(lengths: readonly number[], Tk: number): Tensor {
  lengths.forEach((len, n) => {
    if (!Number.isInteger(len) || len < 1 || len > Tk) {
      throw new RangeError(`keyPaddingMask: length ${len} of sequence ${n} is outside 1..${Tk}`);
    }
  });
  return reshape(sequenceMask(lengths, Tk), [lengths.length, 1, Tk]); // [N, Tk] -> [N, 1, Tk]
}
