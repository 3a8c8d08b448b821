/**
 * Word (here: character) embeddings: each integer id picks one row of a matrix W.
 *
 * Chapter 1, "Embeddings" — packages/rnn/README.md#embeddings
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * What `wordEmbeddingBackward` needs from the forward pass. The fields are yours to choose: the
 * grader hands the cache your forward returns to your backward, unread.
 */
export interface WordEmbeddingCache {
  // TODO: the fields your wordEmbeddingBackward reads (the ids, the size of W).
}

/**
 * Embedding lookup, eq. 1.6: x_{n,t} = W[ids[n][t]], the row of W for that id.
 *
 * Chapter 1, "Embeddings" — packages/rnn/README.md#embeddings
 *
 * @param ids `number[][]` of shape `[N][T]`, integers in `[0, V)`
 * @param W   `[V, D]` one row per id
 * @returns `out [N, T, D]` and the cache for `wordEmbeddingBackward`
 * @throws ShapeError naming `wordEmbeddingForward` and the argument when `ids` is ragged (rows of
 *   different lengths) or `W` is not 2-D
 * @throws RangeError naming `wordEmbeddingForward` when an id of `ids` is not an integer in
 *   `[0, V)`
 */
export function wordEmbeddingForward(
  ids: readonly (readonly number[])[],
  W: Tensor,
): { out: Tensor; cache: WordEmbeddingCache } {
  // TODO: copy row ids[n][t] of W into out[n, t, :].
  notImplemented('rnn/word-embedding-forward');
}

/**
 * Backward pass of the lookup (eq. 1.7): dW[v] = Σ over all (n, t) with ids[n][t] = v of
 * dout[n, t]. An id that occurs several times receives the sum of all its gradients, so the
 * rows are accumulated (`+=`), never overwritten.
 *
 * Chapter 1, "Embeddings" — packages/rnn/README.md#embeddings
 *
 * @param dout  `[N, T, D]` upstream gradient
 * @param cache from `wordEmbeddingForward`
 * @returns `dW [V, D]`, zero in the rows of ids that did not occur
 * @throws ShapeError naming `wordEmbeddingBackward` when `dout` is not [N, T, D], the shape of
 *   the forward's out
 */
export function wordEmbeddingBackward(dout: Tensor, cache: WordEmbeddingCache): { dW: Tensor } {
  // TODO: start from zeros [V, D] and add dout[n, t, :] into row ids[n][t].
  notImplemented('rnn/word-embedding-backward');
}
