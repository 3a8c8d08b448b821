/**
 * Word embeddings as a differentiable function: the core's `embedding` gathers rows of W, and
 * its backward scatters-adds into them (repeated ids accumulate).
 *
 * Chapter 1, "Embeddings" — packages/rnn/README.md#embeddings
 */
import { embedding } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * eq. 1.6: x_{n,t} = W[ids[n][t]].
 *
 * @param ids `number[][]` of shape `[N][T]`, integers in `[0, V)`
 * @param W   `[V, D]` one row per id
 * @returns `[N, T, D]`
 */
export function wordEmbedding(ids: readonly (readonly number[])[], W: Tensor): Tensor {
  return embedding(W, ids); // [N, T, D]
}
