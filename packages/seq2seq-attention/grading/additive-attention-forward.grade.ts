/**
 * Grading suite of seq2seq-attention/additive-attention-forward: eq. 3.14 with the masked softmax
 * and the weighted sum, against the reference on padded rows.
 */
import { Rng, randn, reshape, sequenceMask, type Tensor } from '@rnn-course/core';
import {
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectShape,
  expectThrows,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import { additiveAttention } from '@rnn-course/seq2seq-attention';
import { attentionInputs, normal, paddingWithWeight, type AttentionInputs } from './inputs';

const { additiveAttentionForward } = await targetModule<
  typeof import('@target/seq2seq-attention/additive-attention')
>('seq2seq-attention/additive-attention.ts');

// Tolerance TOLERANCES.value: a few products, a tanh and a softmax per score.

/** Wq [Hq, A], Wk [Hk, A], v [A] from `seed`. */
function additiveWeights(seed: number, Hq: number, Hk: number, A: number) {
  const rng = new Rng(seed);
  return {
    Wq: randn([Hq, A], rng, { std: 0.6 / Math.sqrt(Hq) }),
    Wk: randn([Hk, A], rng, { std: 0.6 / Math.sqrt(Hk) }),
    v: randn([A], rng),
  };
}

async function expectAttention(
  p: AttentionInputs,
  w: ReturnType<typeof additiveWeights>,
  label: string,
) {
  const { query, keys, values, mask } = p;
  const out = await additiveAttentionForward(query, keys, values, mask, w.Wq, w.Wk, w.v);
  const ref = additiveAttention(query, keys, values, mask, w.Wq, w.Wk, w.v);
  const why = { hint: 'scores', explain: () => paddingWithWeight(out.weights, mask) };
  expectShape(out.weights, mask.shape, `weights${label}`, why);
  expectClose(out.weights, ref.weights, { what: `weights${label}`, tol: TOLERANCES.value, ...why });
  expectClose(out.context, ref.context, { what: `context${label}`, tol: TOLERANCES.value, ...why });
}

exercise('seq2seq-attention/additive-attention-forward', () => {
  check('context and weights match the reference (N = 3, T = 5, lengths 5, 3, 2)', 2, async () => {
    await expectAttention(
      attentionInputs(601, [5, 3, 2], 5, 4, 6, 3),
      additiveWeights(602, 4, 6, 5),
      '',
    );
  });

  check(
    'inputs are not changed, the outputs are new, and shapes that disagree are refused',
    0.5,
    async () => {
      const { query, keys, values, mask } = attentionInputs(603, [3, 2], 3, 4, 5, 2);
      const { Wq, Wk, v } = additiveWeights(604, 4, 5, 3);
      await expectNoInputMutation(
        { query, keys, values, mask, Wq, Wk, v },
        () => additiveAttentionForward(query, keys, values, mask, Wq, Wk, v),
        { what: 'additiveAttentionForward' },
      );
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'query',
          when: 'query of shape [2, 4, 1] (not [N, Hq])',
          call: () =>
            additiveAttentionForward(normal(605, [2, 4, 1]), keys, values, mask, Wq, Wk, v),
        },
        {
          name: 'ShapeError',
          argument: 'keys',
          when: 'keys of shape [3, 3, 5] where query has N = 2',
          call: () =>
            additiveAttentionForward(query, normal(606, [3, 3, 5]), values, mask, Wq, Wk, v),
        },
        {
          name: 'ShapeError',
          argument: 'values',
          when: 'values of shape [2, 4, 2] where keys have T = 3',
          call: () =>
            additiveAttentionForward(query, keys, normal(607, [2, 4, 2]), mask, Wq, Wk, v),
        },
        {
          name: 'ShapeError',
          argument: 'mask',
          when: 'mask of shape [2, 4] where keys have T = 3',
          call: () =>
            additiveAttentionForward(query, keys, values, sequenceMask([4, 2], 4), Wq, Wk, v),
        },
        {
          name: 'ShapeError',
          argument: 'mask',
          when: 'mask of shape [3, 3] where query has N = 2',
          call: () =>
            additiveAttentionForward(query, keys, values, sequenceMask([3, 2, 1], 3), Wq, Wk, v),
        },
        {
          name: 'ShapeError',
          argument: 'mask',
          when: 'mask of shape [2, 3, 1] (not [N, T])',
          call: () =>
            additiveAttentionForward(query, keys, values, reshape(mask, [2, 3, 1]), Wq, Wk, v),
        },
        {
          name: 'ShapeError',
          argument: 'Wq',
          when: 'Wq of shape [5, 3] where query has Hq = 4',
          call: () =>
            additiveAttentionForward(query, keys, values, mask, normal(608, [5, 3]), Wk, v),
        },
        {
          name: 'ShapeError',
          argument: 'Wk',
          when: 'Wk of shape [5, 4] where Wq has A = 3',
          call: () =>
            additiveAttentionForward(query, keys, values, mask, Wq, normal(609, [5, 4]), v),
        },
        {
          name: 'ShapeError',
          argument: 'v',
          when: 'v of shape [4] where A = 3',
          call: () => additiveAttentionForward(query, keys, values, mask, Wq, Wk, normal(610, [4])),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, {
          what: 'additiveAttentionForward',
          hint: 'shapes',
          ...refusal,
        });
      }
    },
    { requires: 'values' },
  );

  check('a fully padded row, and N = 1 with T = 1', 0.5, async () => {
    await expectAttention(
      attentionInputs(611, [4, 0], 4, 3, 3, 2),
      additiveWeights(612, 3, 3, 4),
      ' (an empty row)',
    );
    await expectAttention(
      attentionInputs(613, [1], 1, 2, 3, 4),
      additiveWeights(614, 2, 3, 2),
      ' (N = 1, T = 1)',
    );
  });
});
