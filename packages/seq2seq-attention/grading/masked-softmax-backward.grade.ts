/**
 * Grading suite of seq2seq-attention/masked-softmax-backward: eq. 3.12 against central
 * differences of the learner's forward and against the reference's autograd.
 */
import { mul, sequenceMask, tensor, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectGradients,
  expectNoInputMutation,
  expectThrows,
  layerGradients,
  targetModule,
} from '@rnn-course/grader/testing';
import { maskedSoftmax } from '@rnn-course/seq2seq-attention';
import { normal } from './inputs';

const { maskedSoftmaxForward, maskedSoftmaxBackward } = await targetModule<
  typeof import('@target/seq2seq-attention/masked-softmax')
>('seq2seq-attention/masked-softmax.ts');

// Tolerances: expectGradients' defaults (TOLERANCES.numeric against central differences,
// TOLERANCES.gradient against the reference).

async function expectSoftmaxGradients(
  scores: Tensor,
  mask: Tensor,
  dweights: Tensor,
  what: string,
) {
  const g = await layerGradients({
    inputs: { scores },
    dout: dweights,
    forward: (s: Tensor) => maskedSoftmaxForward(s, mask),
    output: (r) => r.weights,
    backward: maskedSoftmaxBackward,
    reference: (s) => maskedSoftmax(s, mask),
  });
  const weights = maskedSoftmax(scores, mask);
  expectGradients({
    what,
    ...g,
    hint: 'jacobian',
    explain: () =>
      agrees(g.analytic.dscores, mul(weights, dweights))
        ? 'dscores is α ⊙ dα: the term − α_t Σ_u α_u dα_u is missing. Every score changes every weight of its row (they share the denominator).'
        : undefined,
  });
}

exercise('seq2seq-attention/masked-softmax-backward', () => {
  check(
    'dscores matches finite differences and the reference (N = 3, T = 5, padded)',
    2,
    async () => {
      await expectSoftmaxGradients(
        normal(511, [3, 5]),
        sequenceMask([5, 2, 4], 5),
        normal(512, [3, 5]),
        'maskedSoftmaxBackward',
      );
    },
  );

  check(
    'dweights and the cache are not changed, dscores is new, and a dweights of another shape is refused',
    0.5,
    async () => {
      const scores = normal(513, [2, 4]);
      const mask = sequenceMask([4, 3], 4);
      const dweights = normal(514, [2, 4]);
      const { cache } = await maskedSoftmaxForward(scores, mask);
      await expectNoInputMutation(
        { dweights, scores },
        () => maskedSoftmaxBackward(dweights, cache),
        {
          what: 'maskedSoftmaxBackward',
        },
      );
      await expectThrows(() => maskedSoftmaxBackward(normal(515, [2, 3]), cache), {
        what: 'maskedSoftmaxBackward',
        name: 'ShapeError',
        argument: 'dweights',
        when: 'dweights of shape [2, 3] where the weights are [2, 4]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  check('a row with no valid position gets zero gradient; N = 1, T = 1', 0.5, async () => {
    const mask = tensor([
      [1, 0, 1],
      [0, 0, 0],
    ]);
    await expectSoftmaxGradients(
      normal(516, [2, 3]),
      mask,
      normal(517, [2, 3]),
      'maskedSoftmaxBackward (an empty row)',
    );
    await expectSoftmaxGradients(
      normal(518, [1, 1]),
      tensor([[1]]),
      normal(519, [1, 1]),
      'maskedSoftmaxBackward (T = 1)',
    );
  });
});
