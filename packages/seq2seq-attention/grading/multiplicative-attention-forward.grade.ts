/**
 * Grading suite of seq2seq-attention/multiplicative-attention-forward: Luong's dot and general
 * scores (eq. 3.16) with the masked softmax and the weighted sum, against the reference.
 */
import { reshape, sequenceMask, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectShape,
  expectThrows,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import { multiplicativeAttention } from '@rnn-course/seq2seq-attention';
import { attentionInputs, normal, paddingWithWeight, type AttentionInputs } from './inputs';

const { multiplicativeAttentionForward } = await targetModule<
  typeof import('@target/seq2seq-attention/multiplicative-attention')
>('seq2seq-attention/multiplicative-attention.ts');

// Tolerance TOLERANCES.value.

async function expectAttention(p: AttentionInputs, Wa: Tensor | undefined, label: string) {
  const { query, keys, values, mask } = p;
  const out = await multiplicativeAttentionForward(query, keys, values, mask, Wa);
  const ref = multiplicativeAttention(query, keys, values, mask, Wa);
  const explain = () => {
    const padding = paddingWithWeight(out.weights, mask);
    if (padding !== undefined) return padding;
    if (
      Wa !== undefined &&
      agrees(out.weights, multiplicativeAttention(query, keys, values, mask).weights)
    ) {
      return {
        text: 'The weights are those of dot attention: the general score is q Wa kᵀ, so the query must be multiplied by Wa first.',
        hint: 'general',
      };
    }
    return undefined;
  };
  const why = { hint: 'scores', explain };
  expectShape(out.weights, mask.shape, `weights${label}`, why);
  expectClose(out.weights, ref.weights, { what: `weights${label}`, tol: TOLERANCES.value, ...why });
  expectClose(out.context, ref.context, { what: `context${label}`, tol: TOLERANCES.value, ...why });
}

exercise('seq2seq-attention/multiplicative-attention-forward', () => {
  // Hq = Hk for general too, so that a score that forgets Wa still runs and can be recognised.
  check(
    'dot and general: context and weights match the reference (N = 3, T = 4, padded)',
    2,
    async () => {
      await expectAttention(attentionInputs(701, [4, 2, 3], 4, 5, 5, 3), undefined, ' (dot)');
      await expectAttention(
        attentionInputs(702, [4, 2, 3], 4, 5, 5, 3),
        normal(703, [5, 5], 0.4),
        ' (general)',
      );
    },
  );

  check(
    'inputs are not changed, the outputs are new, and shapes that disagree are refused',
    0.5,
    async () => {
      const { query, keys, values, mask } = attentionInputs(704, [3, 2], 3, 4, 5, 2);
      const Wa = normal(705, [4, 5], 0.4);
      await expectNoInputMutation(
        { query, keys, values, mask, Wa },
        () => multiplicativeAttentionForward(query, keys, values, mask, Wa),
        { what: 'multiplicativeAttentionForward' },
      );
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'query',
          when: 'dot attention with query [2, 4] and keys [2, 3, 5] (sizes differ, no Wa)',
          call: () => multiplicativeAttentionForward(query, keys, values, mask),
        },
        {
          name: 'ShapeError',
          argument: 'keys',
          when: 'keys of shape [3, 3, 5] where query has N = 2',
          call: () =>
            multiplicativeAttentionForward(query, normal(706, [3, 3, 5]), values, mask, Wa),
        },
        {
          name: 'ShapeError',
          argument: 'values',
          when: 'values of shape [2, 4, 2] where keys have T = 3',
          call: () => multiplicativeAttentionForward(query, keys, normal(707, [2, 4, 2]), mask, Wa),
        },
        {
          name: 'ShapeError',
          argument: 'mask',
          when: 'mask of shape [2, 2] where keys have T = 3',
          call: () =>
            multiplicativeAttentionForward(query, keys, values, sequenceMask([2, 2], 2), Wa),
        },
        {
          name: 'ShapeError',
          argument: 'mask',
          when: 'mask of shape [3, 3] where query has N = 2',
          call: () =>
            multiplicativeAttentionForward(query, keys, values, sequenceMask([3, 2, 1], 3), Wa),
        },
        {
          name: 'ShapeError',
          argument: 'mask',
          when: 'mask of shape [2, 3, 1] (not [N, T])',
          call: () =>
            multiplicativeAttentionForward(query, keys, values, reshape(mask, [2, 3, 1]), Wa),
        },
        {
          name: 'ShapeError',
          argument: 'Wa',
          when: 'Wa of shape [5, 4] where query is [2, 4] and keys [2, 3, 5]',
          call: () =>
            multiplicativeAttentionForward(query, keys, values, mask, normal(708, [5, 4])),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, {
          what: 'multiplicativeAttentionForward',
          hint: 'shapes',
          ...refusal,
        });
      }
    },
    { requires: 'values' },
  );

  check('general with Hq ≠ Hk, a fully padded row, N = 1 with T = 1', 0.5, async () => {
    await expectAttention(
      attentionInputs(709, [3, 0], 3, 2, 4, 3),
      normal(710, [2, 4], 0.5),
      ' (general, Hq = 2, Hk = 4)',
    );
    await expectAttention(attentionInputs(711, [1], 1, 3, 3, 2), undefined, ' (dot, N = 1, T = 1)');
  });
});
