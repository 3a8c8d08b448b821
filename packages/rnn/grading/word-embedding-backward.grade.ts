/**
 * Grading suite of rnn/word-embedding-backward: eq. 1.7, dW[v] = Σ over the positions holding id v
 * of dout[n, t]. Repeated ids accumulate.
 */
import type { Tensor } from '@rnn-course/core';
import {
  check,
  exercise,
  expectClose,
  expectGradients,
  expectNoInputMutation,
  expectShape,
  referenceGradients,
  layerGradients,
  type LayerGradients,
} from '@rnn-course/grader/testing';
import { wordEmbedding } from '@rnn-course/rnn';
import { wordEmbeddingBackward, wordEmbeddingForward } from '@target/rnn/word-embedding';
import { explained, isTensorLike } from './diagnosis';
import { normal } from './inputs';

/**
 * Tolerances (relative error, CS231n formula). Against the reference: sums of at most N·T
 * numbers in another order, about 1e-16 relative, so 1e-12. Against central differences at
 * h = 1e-5: the lookup is linear, so there is no truncation error, only rounding of
 * about ε |f| / h ≈ 1e-10, so 1e-8.
 */
const TOL = { reference: 1e-12, numeric: 1e-8 } as const;

/** Hint 2 says: add into dW, never assign. */
const HINT_ACCUMULATE = 2;

/** The learner's dW, central differences of the learner's forward, the reference's. */
function gradientsOf(ids: number[][], W: Tensor, dout: Tensor): LayerGradients {
  return layerGradients({
    inputs: { W },
    dout,
    forward: (W: Tensor) => wordEmbeddingForward(ids, W),
    output: (r) => r.out,
    backward: wordEmbeddingBackward,
    reference: (W: Tensor) => wordEmbedding(ids, W),
  });
}

/** Which rows of dW are wrong, and whether they are exactly the rows of repeated ids. */
function readRowMistake(dW: unknown, expected: Tensor, ids: number[][]): string | undefined {
  if (!isTensorLike(dW) || dW.shape.join() !== expected.shape.join()) return undefined;
  const [V, D] = expected.shape as [number, number];
  const count = new Array<number>(V).fill(0);
  for (const row of ids) for (const id of row) count[id] = (count[id] ?? 0) + 1;
  const wrongRows: number[] = [];
  for (let v = 0; v < V; v++) {
    for (let d = 0; d < D; d++) {
      const a = dW.data[v * D + d] ?? NaN;
      const e = expected.data[v * D + d] ?? NaN;
      if (!(Math.abs(a - e) <= 1e-10 * Math.max(1, Math.abs(e)))) {
        wrongRows.push(v);
        break;
      }
    }
  }
  if (wrongRows.length === 0) return undefined;
  const repeated = wrongRows.filter((v) => (count[v] ?? 0) > 1);
  const unused = wrongRows.filter((v) => (count[v] ?? 0) === 0);
  const lines: string[] = [];
  if (repeated.length === wrongRows.length) {
    const list = repeated.map((v) => `id ${v} (${count[v]} times)`).join(', ');
    lines.push(
      `Only the rows of ids that occur more than once are wrong: ${list}. Each occurrence adds its ` +
        'gradient to the row, so repeated ids accumulate (dW[id] += dout[n, t]); assigning (=) keeps ' +
        'one occurrence and loses the others.',
    );
  } else if (unused.length > 0) {
    lines.push(
      `Rows of ids that never occur (${unused.join(', ')}) must be zero: start dW from zeros([V, D]).`,
    );
  } else {
    lines.push('dW[v] sums dout[n, t] over every position (n, t) whose id is v (eq. 1.7).');
  }
  return lines.join('\n');
}

exercise('rnn/word-embedding-backward', () => {
  check(
    'dW matches finite differences and the reference when every id occurs once (N = 2, T = 3, V = 9)',
    1,
    () => {
      const W = normal(601, [9, 4]); // [V, D]
      const ids = [
        [4, 0, 7],
        [2, 8, 5],
      ];
      const dout = normal(602, [2, 3, 4]); // [N, T, D]
      const { analytic, numeric, reference } = gradientsOf(ids, W, dout);
      explained(
        () =>
          expectGradients({
            what: 'wordEmbeddingBackward',
            analytic,
            numeric,
            reference,
            tol: TOL,
          }),
        () => readRowMistake(analytic['dW'], reference['dW'] as Tensor, ids),
        1,
      );
    },
  );

  // Ids repeated within a sequence and across the batch (id 3 four times, id 1 three times).
  // Same tolerances.
  check('repeated ids accumulate into dW (N = 3, T = 4, V = 6, D = 3)', 2, () => {
    const W = normal(603, [6, 3]); // [V, D]
    const ids = [
      [3, 1, 3, 0],
      [1, 3, 5, 1],
      [2, 2, 3, 4],
    ];
    const dout = normal(604, [3, 4, 3]); // [N, T, D]
    const { analytic, numeric, reference } = gradientsOf(ids, W, dout);
    explained(
      () =>
        expectGradients({
          what: 'wordEmbeddingBackward (repeated ids)',
          analytic,
          numeric,
          reference,
          tol: TOL,
        }),
      () => readRowMistake(analytic['dW'], reference['dW'] as Tensor, ids),
      HINT_ACCUMULATE,
    );
  });

  // Rows never looked up are exactly zero (the reference's are, bit for bit); N = T = 1 is
  // the smallest batch; the backward reads dout and writes only its own dW.
  check('rows of unused ids are zero, N = 1 and T = 1, and dout is not changed', 1, () => {
    const W = normal(605, [5, 2]); // [V, D]
    const ids = [[3]];
    const dout = normal(606, [1, 1, 2]); // [N, T, D]
    const { cache } = wordEmbeddingForward(ids, W);
    const { dW } = expectNoInputMutation({ dout, W }, () => wordEmbeddingBackward(dout, cache), {
      what: 'wordEmbeddingBackward',
      hint: 1,
    });
    const expected = referenceGradients((w) => wordEmbedding(ids, w), { W }, dout)['dW'] as Tensor;
    explained(
      () => {
        expectShape(dW, [5, 2], 'dW (N = 1, T = 1)');
        expectClose(dW, expected, { what: 'dW (N = 1, T = 1)', tol: 0, atol: 0 });
      },
      () => readRowMistake(dW, expected, ids),
      1,
    );
  });
});
