/**
 * Grading suite of rnn/word-embedding-forward: the lookup of eq. 1.6, out[n, t] = W[ids[n][t]],
 * against the reference.
 */
import type { Tensor } from '@rnn-course/core';
import {
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectShape,
  expectThrows,
  isTensor,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import { wordEmbedding } from '@rnn-course/rnn';
import { ids as seededIds, normal } from './inputs';

const { wordEmbeddingForward } =
  await targetModule<typeof import('@target/rnn/word-embedding')>('rnn/word-embedding.ts');

/** A lookup copies numbers, so the result is the reference bit for bit. */
const EXACT = { tol: TOLERANCES.exact, atol: 0 } as const;

/** What a wrong lookup says: the usual mix-ups of [N][T] ids and of rows and columns. */
function readLookupMistake(out: unknown, ids: number[][], D: number): string | undefined {
  const N = ids.length;
  const T = ids[0]?.length ?? 0;
  if (isTensor(out) && out.shape.join() === [T, N, D].join() && N !== T) {
    return 'out is time-major [T, N, D]: ids is [N][T] and out is [N, T, D], out[n, t] = W[ids[n][t]].';
  }
  return (
    'out[n, t, :] must be row ids[n][t] of W [V, D] (eq. 1.6): row v of W is W.data[v * D ... (v + 1) ' +
    '* D), and position (n, t) of out starts at (n * T + t) * D.'
  );
}

/** Asserts out against the reference lookup, exactly, reading a failure against the mix-ups. */
function expectLookup(out: unknown, ids: number[][], W: Tensor, what: string): void {
  const [N, T, D] = [ids.length, ids[0]?.length ?? 0, W.shape[1]];
  const why = { hint: 'offsets', explain: () => readLookupMistake(out, ids, D) };
  expectShape(out, [N, T, D], what, why);
  expectClose(out, wordEmbedding(ids, W), { what, timeAxis: 1, ...EXACT, ...why });
}

exercise('rnn/word-embedding-forward', () => {
  check(
    'out matches the reference lookup, with repeated ids and the ids 0 and V-1 (N = 3, T = 4, V = 7, D = 5)',
    1,
    async () => {
      const W = normal(501, [7, 5]); // [V, D]
      const ids = [
        [0, 3, 3, 6],
        [6, 1, 0, 2],
        [5, 5, 5, 4],
      ]; // [N][T]
      const { out } = await wordEmbeddingForward(ids, W);
      expectLookup(out, ids, W, 'out');
    },
  );

  // Gated on the value check above. An id outside [0, V) reads outside W: W.data.subarray past the
  // end is empty, so out silently gets zeros (or another row's numbers for a fractional id) unless
  // the id is refused. A ragged ids has no [N, T, D] to fill.
  check(
    'W and ids are not changed, out is a new tensor, and ids out of range or ragged are refused',
    1,
    async () => {
      const W = normal(505, [7, 5]); // [V, D]
      const ids = seededIds(506, 3, 4, 7);
      await expectNoInputMutation({ W, ids }, () => wordEmbeddingForward(ids, W), {
        what: 'wordEmbeddingForward',
      });
      const refusals = [
        {
          name: 'RangeError',
          argument: 'ids',
          when: 'ids[1][2] = 7 with V = 7',
          call: () =>
            wordEmbeddingForward(
              [
                [0, 1, 2],
                [3, 4, 7],
              ],
              W,
            ),
        },
        {
          name: 'RangeError',
          argument: 'ids',
          when: 'ids[0][0] = -1',
          call: () =>
            wordEmbeddingForward(
              [
                [-1, 1, 2],
                [3, 4, 5],
              ],
              W,
            ),
        },
        {
          name: 'RangeError',
          argument: 'ids',
          when: 'ids[0][1] = 2.5 (not an integer)',
          call: () =>
            wordEmbeddingForward(
              [
                [0, 2.5, 2],
                [3, 4, 5],
              ],
              W,
            ),
        },
        {
          name: 'ShapeError',
          argument: 'ids',
          when: 'ids with rows of lengths 3 and 2 (ragged)',
          call: () =>
            wordEmbeddingForward(
              [
                [0, 1, 2],
                [3, 4],
              ],
              W,
            ),
        },
        {
          name: 'ShapeError',
          argument: 'W',
          when: 'W of shape [7, 5, 1] (not 2-D)',
          call: () => wordEmbeddingForward([[0, 1]], normal(507, [7, 5, 1])),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, { what: 'wordEmbeddingForward', hint: 'refuse', ...refusal });
      }
    },
    { requires: 'values' },
  );

  // Same tolerance. N = 1 and T = 1 keep both axes of out [1, 1, D]; a seeded larger batch
  // checks the offsets (n * T + t) * D once more with N != T.
  check('N = 1 and T = 1, and a seeded batch (N = 4, T = 9, V = 11)', 1, async () => {
    const W1 = normal(502, [4, 3]); // [V, D]
    const single = [[2]];
    expectLookup((await wordEmbeddingForward(single, W1)).out, single, W1, 'out (N = 1, T = 1)');

    const W = normal(503, [11, 6]); // [V, D]
    const ids = seededIds(504, 4, 9, 11);
    expectLookup((await wordEmbeddingForward(ids, W)).out, ids, W, 'out');
  });
});
