/**
 * Grading suite of seq2seq-attention/additive-attention-backward: eq. 3.15 against central
 * differences of the learner's forward and against the reference's autograd.
 */
import { Rng, randn, type Tensor } from '@rnn-course/core';
import {
  check,
  exercise,
  expectGradients,
  expectNoInputMutation,
  expectThrows,
  layerGradients,
  targetModule,
  type FailureDetail,
} from '@rnn-course/grader/testing';
import { additiveAttention } from '@rnn-course/seq2seq-attention';
import { attentionInputs, normal } from './inputs';

const { additiveAttentionForward, additiveAttentionBackward } = await targetModule<
  typeof import('@target/seq2seq-attention/additive-attention')
>('seq2seq-attention/additive-attention.ts');

// Tolerances: expectGradients' defaults.

/** What the set of wrong gradients says about eq. 3.15. */
function readAttentionBackward({ failed = [] }: FailureDetail) {
  const wrong = new Set(failed);
  if (wrong.size === 0) return undefined;
  if (
    !wrong.has('dvalues') &&
    !wrong.has('dv') &&
    ['dquery', 'dkeys', 'dWq', 'dWk'].every((k) => wrong.has(k))
  ) {
    return {
      text: 'dvalues and dv are right but every gradient behind the tanh is wrong: δ = du ⊙ (1 − u²), with u the tanh output the forward kept.',
      hint: 'tanhOutput',
    };
  }
  if (!wrong.has('dkeys') && !wrong.has('dWk') && (wrong.has('dquery') || wrong.has('dWq'))) {
    return {
      text: 'The keys’ gradients are right but the query’s are not: the projected query was added at every position, so its gradient is δ summed over t.',
      hint: 'query',
    };
  }
  if (wrong.has('dvalues'))
    return {
      text: 'dvalues is α_t dc at every position (the backward of eq. 3.13).',
      hint: 'chain',
    };
  return undefined;
}

async function expectAttentionGradients(
  seed: number,
  lengths: number[],
  T: number,
  Hq: number,
  Hk: number,
  Hv: number,
  A: number,
  what: string,
) {
  const { query, keys, values, mask } = attentionInputs(seed, lengths, T, Hq, Hk, Hv);
  const rng = new Rng(seed + 1);
  const Wq = randn([Hq, A], rng, { std: 0.6 / Math.sqrt(Hq) });
  const Wk = randn([Hk, A], rng, { std: 0.6 / Math.sqrt(Hk) });
  const v = randn([A], rng);
  const dcontext = normal(seed + 2, [lengths.length, Hv]);
  const g = await layerGradients({
    inputs: { query, keys, values, Wq, Wk, v },
    dout: dcontext,
    forward: (q: Tensor, k: Tensor, val: Tensor, wq: Tensor, wk: Tensor, vv: Tensor) =>
      additiveAttentionForward(q, k, val, mask, wq, wk, vv),
    output: (r) => r.context,
    backward: additiveAttentionBackward,
    reference: (q, k, val, wq, wk, vv) => additiveAttention(q, k, val, mask, wq, wk, vv).context,
  });
  expectGradients({
    what,
    ...g,
    timeAxis: { dkeys: 1, dvalues: 1 },
    hint: 'chain',
    explain: readAttentionBackward,
  });
}

exercise('seq2seq-attention/additive-attention-backward', () => {
  check(
    'the six gradients match finite differences and the reference (N = 3, T = 5, padded)',
    3,
    async () => {
      await expectAttentionGradients(621, [5, 3, 2], 5, 4, 6, 3, 5, 'additiveAttentionBackward');
    },
  );

  check(
    'dcontext and the inputs are not changed, the gradients are new, and a dcontext of the wrong shape is refused',
    1,
    async () => {
      const { query, keys, values, mask } = attentionInputs(622, [3, 1], 3, 2, 3, 2);
      const Wq = normal(623, [2, 4], 0.5);
      const Wk = normal(624, [3, 4], 0.5);
      const v = normal(625, [4]);
      const dcontext = normal(626, [2, 2]);
      const { cache } = await additiveAttentionForward(query, keys, values, mask, Wq, Wk, v);
      await expectNoInputMutation(
        { dcontext, query, keys, values, mask, Wq, Wk, v },
        () => additiveAttentionBackward(dcontext, cache),
        { what: 'additiveAttentionBackward' },
      );
      await expectThrows(() => additiveAttentionBackward(normal(627, [2, 3]), cache), {
        what: 'additiveAttentionBackward',
        name: 'ShapeError',
        argument: 'dcontext',
        when: 'dcontext of shape [2, 3] where the context is [2, 2]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  check('a fully padded row, and N = 1 with T = 1', 1, async () => {
    await expectAttentionGradients(
      628,
      [4, 0, 2],
      4,
      3,
      2,
      3,
      4,
      'additiveAttentionBackward (an empty row)',
    );
    await expectAttentionGradients(
      631,
      [1],
      1,
      2,
      3,
      2,
      3,
      'additiveAttentionBackward (N = 1, T = 1)',
    );
  });
});
