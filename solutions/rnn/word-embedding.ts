/**
 * Word (here: character) embeddings: each integer id picks one row of a matrix W.
 *
 * Chapter 1, "Embeddings" — packages/rnn/README.md#embeddings
 */
import { ShapeError, assertShape, fromData, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * What `wordEmbeddingBackward` needs from the forward pass. The fields are yours to choose: the
 * grader hands the cache your forward returns to your backward, unread.
 */
export interface WordEmbeddingCache {
  // BEGIN SOLUTION: the fields your wordEmbeddingBackward reads (the ids, the size of W).
  readonly ids: readonly (readonly number[])[]; // [N][T]
  readonly T: number;
  readonly V: number;
  readonly D: number;
  // END SOLUTION
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
  // BEGIN SOLUTION: copy row ids[n][t] of W into out[n, t, :].
  assertShape('wordEmbeddingForward', W, [null, null], 'W');
  const [V, D] = W.shape;
  const N = ids.length;
  const T = Math.max(0, ...ids.map((row) => row.length)); // the longest row: a shorter one is ragged
  const out = new Float64Array(N * T * D); // [N, T, D]
  for (let n = 0; n < N; n++) {
    const row = ids[n];
    if (row.length !== T)
      throw new ShapeError(
        'wordEmbeddingForward',
        `ids [${N}][${T}]`,
        `row ${n} of length ${row.length}`,
      );
    for (let t = 0; t < T; t++) {
      const id = row[t];
      if (!Number.isInteger(id) || id < 0 || id >= V) {
        throw new RangeError(
          `wordEmbeddingForward: ids[${n}][${t}] = ${id} is not an integer in [0, ${V})`,
        );
      }
      // Copy row `id` of W into position (n, t).
      out.set(W.data.subarray(id * D, (id + 1) * D), (n * T + t) * D);
    }
  }
  // The ids are copied, so a caller reusing its array cannot change what backward sees.
  return { out: fromData(out, [N, T, D]), cache: { ids: ids.map((r) => [...r]), T, V, D } };
  // END SOLUTION
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
  // BEGIN SOLUTION: start from zeros [V, D] and add dout[n, t, :] into row ids[n][t].
  const { ids, T, V, D } = cache;
  const N = ids.length;
  assertShape('wordEmbeddingBackward', dout, [N, T, D], 'dout');
  const dW = zeros([V, D]); // [V, D]
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      const id = ids[n][t];
      const src = (n * T + t) * D;
      for (let d = 0; d < D; d++) dW.data[id * D + d] += dout.data[src + d];
    }
  }
  return { dW };
  // END SOLUTION
}
