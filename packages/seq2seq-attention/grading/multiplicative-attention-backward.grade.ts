/**
 * Grading suite of seq2seq-attention/multiplicative-attention-backward: eq. 3.17 against central
 * differences of the learner's forward and against the reference's autograd, dot and general.
 */
import type { Tensor } from '@rnn-course/core';
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
import { multiplicativeAttention } from '@rnn-course/seq2seq-attention';
import { attentionInputs, normal } from './inputs';

const { multiplicativeAttentionForward, multiplicativeAttentionBackward } = await targetModule<
  typeof import('@target/seq2seq-attention/multiplicative-attention')
>('seq2seq-attention/multiplicative-attention.ts');

// Tolerances: expectGradients' defaults.

async function expectAttentionGradients(
  seed: number,
  lengths: number[],
  T: number,
  Hq: number,
  Hk: number,
  general: boolean,
  what: string,
) {
  const p = attentionInputs(seed, lengths, T, Hq, Hk, 3);
  const { mask } = p;
  const dcontext = normal(seed + 2, [lengths.length, 3]);
  const inputs: Record<string, Tensor> = { query: p.query, keys: p.keys, values: p.values };
  if (general) inputs.Wa = normal(seed + 1, [Hq, Hk], 0.4);
  const g = await layerGradients({
    inputs,
    dout: dcontext,
    forward: (q: Tensor, k: Tensor, v: Tensor, Wa?: Tensor) =>
      multiplicativeAttentionForward(q, k, v, mask, Wa),
    output: (r) => r.context,
    backward: multiplicativeAttentionBackward,
    reference: (q, k, v, Wa) => multiplicativeAttention(q, k, v, mask, Wa).context,
  });
  const explain = () => {
    // dk_t = de_t q̃: with the raw query instead of q̃ = q Wa, dkeys is wrong for general only.
    if (!general || inputs.Wa === undefined) return undefined;
    return agrees(g.analytic.dkeys, g.reference.dkeys)
      ? undefined
      : {
          text: 'dkeys is wrong for general attention: e_t = q̃ · k_t with q̃ = q Wa, so dk_t = de_t q̃ (the projected query, not the query).',
          hint: 'general',
        };
  };
  expectGradients({ what, ...g, timeAxis: { dkeys: 1, dvalues: 1 }, hint: 'chain', explain });
}

exercise('seq2seq-attention/multiplicative-attention-backward', () => {
  check(
    'dot and general: gradients match finite differences and the reference (N = 3, T = 4, padded)',
    2,
    async () => {
      await expectAttentionGradients(
        721,
        [4, 2, 3],
        4,
        5,
        5,
        false,
        'multiplicativeAttentionBackward (dot)',
      );
      await expectAttentionGradients(
        722,
        [4, 2, 3],
        4,
        5,
        5,
        true,
        'multiplicativeAttentionBackward (general)',
      );
    },
  );

  check(
    'dcontext and the inputs are not changed, the gradients are new, and a dcontext of the wrong shape is refused',
    1,
    async () => {
      const { query, keys, values, mask } = attentionInputs(723, [3, 1], 3, 2, 4, 3);
      const Wa = normal(724, [2, 4], 0.5);
      const dcontext = normal(725, [2, 3]);
      const { cache } = await multiplicativeAttentionForward(query, keys, values, mask, Wa);
      await expectNoInputMutation(
        { dcontext, query, keys, values, mask, Wa },
        () => multiplicativeAttentionBackward(dcontext, cache),
        { what: 'multiplicativeAttentionBackward' },
      );
      await expectThrows(() => multiplicativeAttentionBackward(normal(726, [2, 4]), cache), {
        what: 'multiplicativeAttentionBackward',
        name: 'ShapeError',
        argument: 'dcontext',
        when: 'dcontext of shape [2, 4] where the context is [2, 3]',
        hint: 'chain',
      });
    },
    { requires: 'values' },
  );

  check('general with Hq ≠ Hk and a fully padded row; dot with N = 1, T = 1', 1, async () => {
    await expectAttentionGradients(
      727,
      [3, 0],
      3,
      2,
      4,
      true,
      'multiplicativeAttentionBackward (general, Hq = 2, Hk = 4)',
    );
    await expectAttentionGradients(
      729,
      [1],
      1,
      3,
      3,
      false,
      'multiplicativeAttentionBackward (dot, N = 1, T = 1)',
    );
  });
});
