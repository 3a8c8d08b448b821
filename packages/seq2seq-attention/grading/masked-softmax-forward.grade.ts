/**
 * Grading suite of seq2seq-attention/masked-softmax-forward: eq. 3.11 against the reference on
 * seeded scores with padded rows, a row with no valid position, and scores of ±1e4.
 */
import { sequenceMask, softmax, tensor, type Tensor } from '@rnn-course/core';
import {
  agrees,
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
import { maskedSoftmax } from '@rnn-course/seq2seq-attention';
import { normal } from './inputs';

const { maskedSoftmaxForward } = await targetModule<
  typeof import('@target/seq2seq-attention/masked-softmax')
>('seq2seq-attention/masked-softmax.ts');

// Tolerance TOLERANCES.value: an exponential and a division per element; correct code agrees
// with the reference to a few ulps. Masked positions must be exactly 0 (TOLERANCES.exact).

/** What wrong weights [N, T] say, read against the usual mistakes of eq. 3.11. */
function readSoftmaxMistake(weights: unknown, scores: Tensor, mask: Tensor): string | undefined {
  if (!isTensor(weights) || weights.shape.length !== 2) return undefined;
  const [N, T] = scores.shape as [number, number];
  const padded: string[] = [];
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      if (mask.data[n * T + t] === 0 && weights.data[n * T + t] !== 0) padded.push(`[${n}, ${t}]`);
    }
  }
  if (padded.length > 0) {
    return (
      `Padded positions receive attention weight (at ${padded.slice(0, 3).join(', ')}): a masked ` +
      'position must get exactly 0 and stay out of the sum the row is divided by.'
    );
  }
  if (agrees(weights, softmax(scores, 0))) {
    return 'The weights sum to 1 down each column (over the batch axis): the softmax runs along the last axis, over the positions of one row.';
  }
  let columns = true;
  for (let t = 0; t < T && columns; t++) {
    let total = 0;
    for (let n = 0; n < N; n++) total += weights.data[n * T + t]!;
    columns = Math.abs(total - 1) < 1e-9 || total === 0;
  }
  if (columns) {
    return 'Each column sums to 1 (over the batch axis), not each row: the softmax runs along the last axis, over the positions of one row.';
  }
  if (!weights.data.every(Number.isFinite)) {
    return 'Some weights are not finite: subtract the largest valid score of the row before exponentiating.';
  }
  return undefined;
}

async function expectWeights(scores: Tensor, mask: Tensor, what: string): Promise<void> {
  const { weights } = await maskedSoftmaxForward(scores, mask);
  const why = { hint: 'mask', explain: () => readSoftmaxMistake(weights, scores, mask) };
  expectShape(weights, scores.shape, what, why);
  expectClose(weights, maskedSoftmax(scores, mask), { what, tol: TOLERANCES.value, ...why });
}

exercise('seq2seq-attention/masked-softmax-forward', () => {
  check(
    'weights match the reference on padded rows (N = 4, T = 5, lengths 5, 3, 1, 4)',
    1,
    async () => {
      const mask = sequenceMask([5, 3, 1, 4], 5); // [4, 5]
      await expectWeights(normal(501, [4, 5], 2), mask, 'weights');
    },
  );

  // Gated on the value check above.
  check(
    'scores and mask are not changed, the weights are new, and a mask of another shape is refused',
    0.5,
    async () => {
      const scores = normal(502, [3, 4]);
      const mask = sequenceMask([4, 2, 3], 4);
      await expectNoInputMutation({ scores, mask }, () => maskedSoftmaxForward(scores, mask), {
        what: 'maskedSoftmaxForward',
      });
      await expectThrows(() => maskedSoftmaxForward(scores, sequenceMask([4, 2], 4)), {
        what: 'maskedSoftmaxForward',
        name: 'ShapeError',
        argument: 'mask',
        when: 'mask of shape [2, 4] where scores is [3, 4]',
        hint: 'shapes',
      });
    },
    { requires: 'values' },
  );

  // A row with no valid position is all zeros (not NaN from 0/0); scores of ±1e4 overflow a
  // naive exponential; a mask with holes (not a prefix) is still a mask.
  check('a row with no valid position, scores of ±1e4, a mask with holes', 0.5, async () => {
    const mask = tensor([
      [1, 1, 0, 0],
      [0, 0, 0, 0],
      [1, 0, 1, 1],
    ]);
    await expectWeights(normal(503, [3, 4]), mask, 'weights (an empty row, holes)');
    const big = tensor([
      [1e4, -1e4, 5e3, 0],
      [-1e4, -1e4, -1e4, 1e4],
      [3, 1e4, 2, 1e4],
    ]);
    await expectWeights(big, mask, 'weights (scores of ±1e4)');
  });
});
