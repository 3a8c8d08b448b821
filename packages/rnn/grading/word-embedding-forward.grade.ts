/**
 * Grading suite of rnn/word-embedding-forward: the lookup of eq. 1.6, out[n, t] = W[ids[n][t]],
 * against the reference.
 */
import {
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectShape,
} from '@rnn-course/grader/testing';
import { wordEmbedding } from '@rnn-course/rnn';
import { wordEmbeddingForward } from '@target/rnn/word-embedding';
import { explained, isTensorLike } from './diagnosis';
import { ids as seededIds, normal } from './inputs';

/**
 * Tolerance 0: a lookup copies numbers, so the result is the reference bit for bit (the
 * absolute floor of 1e-15 only forgives a one-hot product that adds exact zeros).
 */
const EXACT = { tol: 0, atol: 1e-15 } as const;

/** What a wrong lookup says: the usual mix-ups of [N][T] ids and of rows and columns. */
function readLookupMistake(out: unknown, ids: number[][], D: number): string | undefined {
  const N = ids.length;
  const T = ids[0]?.length ?? 0;
  if (isTensorLike(out) && out.shape.join() === [T, N, D].join() && N !== T) {
    return 'out is time-major [T, N, D]: ids is [N][T] and out is [N, T, D], out[n, t] = W[ids[n][t]].';
  }
  return (
    'out[n, t, :] must be row ids[n][t] of W [V, D] (eq. 1.6): row v of W is W.data[v * D ... (v + 1) ' +
    '* D), and position (n, t) of out starts at (n * T + t) * D.'
  );
}

exercise('rnn/word-embedding-forward', () => {
  check(
    'out matches the reference lookup, with repeated ids and the ids 0 and V-1 (N = 3, T = 4, V = 7, D = 5)',
    1,
    () => {
      const W = normal(501, [7, 5]); // [V, D]
      const ids = [
        [0, 3, 3, 6],
        [6, 1, 0, 2],
        [5, 5, 5, 4],
      ]; // [N][T]
      const expected = wordEmbedding(ids, W); // [3, 4, 5]
      const { out } = wordEmbeddingForward(ids, W);
      explained(
        () => {
          expectShape(out, [3, 4, 5], 'out');
          expectClose(out, expected, { what: 'out', timeAxis: 1, ...EXACT });
        },
        () => readLookupMistake(out, ids, 5),
        2,
      );
    },
  );

  // Same tolerance. N = 1 and T = 1 keep both axes of out [1, 1, D]; a seeded larger batch
  // checks the offsets (n * T + t) * D once more with N != T.
  check(
    'N = 1, T = 1, a seeded batch (N = 4, T = 9, V = 11), and W and ids are not changed',
    1,
    () => {
      const W1 = normal(502, [4, 3]); // [V, D]
      const single = [[2]];
      const one = wordEmbeddingForward(single, W1).out;
      explained(
        () => {
          expectShape(one, [1, 1, 3], 'out (N = 1, T = 1)');
          expectClose(one, wordEmbedding(single, W1), { what: 'out (N = 1, T = 1)', ...EXACT });
        },
        () => readLookupMistake(one, single, 3),
        2,
      );

      const W = normal(503, [11, 6]); // [V, D]
      const ids = seededIds(504, 4, 9, 11);
      const out = expectNoInputMutation({ W, ids }, () => wordEmbeddingForward(ids, W).out, {
        what: 'wordEmbeddingForward',
        hint: 2,
      });
      explained(
        () => {
          expectShape(out, [4, 9, 6], 'out');
          expectClose(out, wordEmbedding(ids, W), { what: 'out', timeAxis: 1, ...EXACT });
        },
        () => readLookupMistake(out, ids, 6),
        2,
      );
    },
  );
});
