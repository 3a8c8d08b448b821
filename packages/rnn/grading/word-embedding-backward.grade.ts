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
  expectThrows,
  isTensor,
  layerGradients,
  referenceGradients,
  targetModule,
  TOLERANCES,
  type LayerGradients,
} from '@rnn-course/grader/testing';
import { wordEmbedding } from '@rnn-course/rnn';
import { normal } from './inputs';

const { wordEmbeddingBackward, wordEmbeddingForward } =
  await targetModule<typeof import('@target/rnn/word-embedding')>('rnn/word-embedding.ts');

/**
 * Tolerances: against the reference, TOLERANCES.gradient (sums of at most N·T numbers in another
 * order); against central differences, TOLERANCES.numericLinear (the lookup is linear: no
 * truncation error, only rounding).
 */
const TOL = { reference: TOLERANCES.gradient, numeric: TOLERANCES.numericLinear } as const;

/** The learner's dW, central differences of the learner's forward, the reference's. */
function gradientsOf(ids: number[][], W: Tensor, dout: Tensor): Promise<LayerGradients> {
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
  if (!isTensor(dW) || dW.shape.join() !== expected.shape.join()) return undefined;
  const [V, D] = expected.shape;
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
    async () => {
      const W = normal(601, [9, 4]); // [V, D]
      const ids = [
        [4, 0, 7],
        [2, 8, 5],
      ];
      const dout = normal(602, [2, 3, 4]); // [N, T, D]
      const { analytic, numeric, reference } = await gradientsOf(ids, W, dout);
      expectGradients({
        what: 'wordEmbeddingBackward',
        analytic,
        numeric,
        reference,
        tol: TOL,
        hint: 'scatter',
        explain: () => readRowMistake(analytic.dW, reference.dW, ids),
      });
    },
  );

  // Gated on the value check above: the backward reads dout and writes only its own dW, and a dout
  // that is not [N, T, D] (here: D too small) would be read at the wrong offsets.
  check(
    'dout and W are not changed, dW is a new tensor, and a dout of the wrong shape is refused',
    1,
    async () => {
      const W = normal(607, [6, 3]); // [V, D]
      const ids = [
        [5, 0, 5],
        [2, 1, 4],
      ];
      const dout = normal(608, [2, 3, 3]); // [N, T, D]
      const { cache } = await wordEmbeddingForward(ids, W);
      await expectNoInputMutation({ dout, W, ids }, () => wordEmbeddingBackward(dout, cache), {
        what: 'wordEmbeddingBackward',
      });
      await expectThrows(() => wordEmbeddingBackward(normal(609, [2, 3, 2]), cache), {
        what: 'wordEmbeddingBackward',
        name: 'ShapeError',
        argument: 'dout',
        when: 'dout of shape [2, 3, 2] where out is [2, 3, 3]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  // Ids repeated within a sequence and across the batch (id 3 four times, id 1 three times).
  // Same tolerances.
  check('repeated ids accumulate into dW (N = 3, T = 4, V = 6, D = 3)', 2, async () => {
    const W = normal(603, [6, 3]); // [V, D]
    const ids = [
      [3, 1, 3, 0],
      [1, 3, 5, 1],
      [2, 2, 3, 4],
    ];
    const dout = normal(604, [3, 4, 3]); // [N, T, D]
    const { analytic, numeric, reference } = await gradientsOf(ids, W, dout);
    expectGradients({
      what: 'wordEmbeddingBackward (repeated ids)',
      analytic,
      numeric,
      reference,
      tol: TOL,
      hint: 'accumulate',
      explain: () => readRowMistake(analytic.dW, reference.dW, ids),
    });
  });

  // Rows never looked up are exactly zero (the reference's are, bit for bit); N = T = 1 is
  // the smallest batch.
  check('rows of unused ids are zero, with N = 1 and T = 1', 1, async () => {
    const W = normal(605, [5, 2]); // [V, D]
    const ids = [[3]];
    const dout = normal(606, [1, 1, 2]); // [N, T, D]
    const { cache } = await wordEmbeddingForward(ids, W);
    const { dW } = await wordEmbeddingBackward(dout, cache);
    const expected = referenceGradients((w) => wordEmbedding(ids, w), { W }, dout).dW;
    const why = { hint: 'scatter', explain: () => readRowMistake(dW, expected, ids) };
    expectShape(dW, [5, 2], 'dW (N = 1, T = 1)', why);
    expectClose(dW, expected, {
      what: 'dW (N = 1, T = 1)',
      tol: TOLERANCES.exact,
      atol: 0,
      ...why,
    });
  });
});
