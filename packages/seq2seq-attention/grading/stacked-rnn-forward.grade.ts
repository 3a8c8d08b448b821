/**
 * Grading suite of seq2seq-attention/stacked-rnn-forward: eq. 3.5 against the reference, without
 * dropout and with seeded dropout masks between the layers.
 */
import { Rng } from '@rnn-course/core';
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
import { rnn } from '@rnn-course/rnn';
import { stackedRnn } from '@rnn-course/seq2seq-attention';
import { normal, stackedInputs } from './inputs';

const { stackedRnnForward } = await targetModule<
  typeof import('@target/seq2seq-attention/stacked-rnn')
>('seq2seq-attention/stacked-rnn.ts');

// Tolerance TOLERANCES.value: L RNNs of T steps, each agreeing to about 1e-14.

async function expectTop(
  seed: number,
  N: number,
  T: number,
  D: number,
  H: number,
  L: number,
  p: number,
  label: string,
  withRng = true,
) {
  const { x, h0, layers } = stackedInputs(seed, N, T, D, H, L);
  const draws = p > 0 && withRng;
  const rng = draws ? new Rng(seed + 1) : undefined;
  const { h } = await stackedRnnForward(x, h0, layers, p, rng);
  const expected = stackedRnn(x, h0, layers, p, draws ? new Rng(seed + 1) : undefined); // [N, T, H]
  const explain = () => {
    if (agrees(h, rnn(x, h0[0]!, layers[0]!.Wx, layers[0]!.Wh, layers[0]!.b))) {
      return {
        text: 'h is the first layer’s states: return the top layer’s, after every layer has read the one below.',
        hint: 'layers',
      };
    }
    if (draws && agrees(h, stackedRnn(x, h0, layers, 0))) {
      return {
        text: 'h is what the stack computes without dropout: with an rng and p > 0, draw a mask for the input of every layer above the first (dropoutMask, l = 1, …, L−1 in order).',
        hint: 'dropout',
      };
    }
    return undefined;
  };
  const why = { hint: 'step', explain };
  expectShape(h, [N, T, H], `h${label}`, why);
  expectClose(h, expected, { what: `h${label}`, tol: TOLERANCES.value, timeAxis: 1, ...why });
}

exercise('seq2seq-attention/stacked-rnn-forward', () => {
  // Without an rng the stack is evaluated: p > 0 then drops nothing.
  check(
    'three layers without dropout match the reference (N = 2, T = 4, D = 3, H = 4), and p = 0.4 without an rng drops nothing',
    1,
    async () => {
      await expectTop(901, 2, 4, 3, 4, 3, 0, '');
      await expectTop(910, 2, 4, 3, 4, 3, 0.4, ' (p = 0.4 without an rng: evaluation)', false);
    },
  );

  check(
    'three layers with dropout p = 0.4 between them, the same seeded masks as the reference',
    1,
    async () => {
      await expectTop(902, 3, 5, 2, 4, 3, 0.4, ' (dropout)');
    },
  );

  check(
    'inputs are not changed, h is new, and shapes that disagree are refused',
    0.5,
    async () => {
      const { x, h0, layers } = stackedInputs(903, 2, 3, 2, 3, 2);
      await expectNoInputMutation(
        {
          x,
          h0_0: h0[0]!,
          h0_1: h0[1]!,
          Wx0: layers[0]!.Wx,
          Wx1: layers[1]!.Wx,
          Wh1: layers[1]!.Wh,
        },
        () => stackedRnnForward(x, h0, layers, 0.5, new Rng(904)),
        { what: 'stackedRnnForward' },
      );
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [2, 3] (not [N, T, D])',
          call: () => stackedRnnForward(normal(905, [2, 3]), h0, layers),
        },
        {
          name: 'ShapeError',
          argument: 'layers',
          when: 'no layers',
          call: () => stackedRnnForward(x, [], []),
        },
        {
          name: 'ShapeError',
          argument: 'layers',
          when: 'layers[1].Wx of shape [2, 3] where layer 0 has H = 3',
          call: () =>
            stackedRnnForward(x, h0, [layers[0]!, { ...layers[1]!, Wx: normal(906, [2, 3]) }]),
        },
        {
          name: 'ShapeError',
          argument: 'h0',
          when: 'one initial state for two layers',
          call: () => stackedRnnForward(x, [h0[0]!], layers),
        },
        {
          name: 'ShapeError',
          argument: 'h0',
          when: 'h0[1] of shape [1, 3] where N = 2',
          call: () => stackedRnnForward(x, [h0[0]!, normal(907, [1, 3])], layers),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, {
          what: 'stackedRnnForward',
          hint: 'shapes',
          ...refusal,
        });
      }
    },
    { requires: 'values' },
  );

  check('one layer, and N = 1 with T = 1 under dropout', 0.5, async () => {
    await expectTop(908, 2, 3, 3, 2, 1, 0.5, ' (one layer)');
    await expectTop(909, 1, 1, 2, 3, 2, 0.5, ' (N = 1, T = 1)');
  });
});
