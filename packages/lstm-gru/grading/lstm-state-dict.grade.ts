/**
 * Grading suite of lstm-gru/lstm-state-dict: an LSTM layer out of the course's layout into a
 * `torch.nn.LSTM` state_dict (eq. 2.20 read backwards), checked for what PyTorch will compute
 * with it: the weights transposed, and biases whose sum is b.
 */
import { Rng, add, randn, scale, transpose, type Tensor } from '@rnn-course/core';
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
  type Explanation,
} from '@rnn-course/grader/testing';
import { expectStateDict, reshapedNotTransposed } from './state-dicts';

const { lstmStateDict } =
  await targetModule<typeof import('@target/lstm-gru/lstm')>('lstm-gru/lstm.ts');

/** A seeded LSTM layer: Wx [D, 4H], Wh [H, 4H], b [4H]. */
function seededLstm(seed: number, D: number, H: number): { Wx: Tensor; Wh: Tensor; b: Tensor } {
  const rng = new Rng(seed);
  return { Wx: randn([D, 4 * H], rng), Wh: randn([H, 4 * H], rng), b: randn([4 * H], rng) };
}

/** Asserts the saved state_dict against the layer it came from, read for the usual mistakes. */
function expectSaved(saved: unknown, p: { Wx: Tensor; Wh: Tensor; b: Tensor }): void {
  const sd = expectStateDict(saved, 'lstmStateDict');
  const H = p.Wh.shape[0] as number;
  const D = p.Wx.shape[0] as number;
  const weights = [
    ['weight_ih_l0', p.Wx, [4 * H, D]],
    ['weight_hh_l0', p.Wh, [4 * H, H]],
  ] as const;
  for (const [key, W, shape] of weights) {
    const explain = (): Explanation =>
      agrees(sd[key], reshapedNotTransposed(W.toArray(), shape))
        ? {
            text: `${key} holds the numbers of ${key === 'weight_ih_l0' ? 'Wx' : 'Wh'} in their order, reshaped: PyTorch's layout is the transpose (eq. 2.20).`,
            hint: 'convert',
          }
        : undefined;
    expectShape(sd[key], shape, key, { hint: 'layout', explain });
    expectClose(sd[key], transpose(W), {
      what: key,
      tol: TOLERANCES.exact,
      hint: 'convert',
      explain,
    });
  }
  for (const key of ['bias_ih_l0', 'bias_hh_l0'] as const) {
    expectShape(sd[key], [4 * H], key, { hint: 'layout' });
  }
  // PyTorch uses only the sum of the two biases, so that is what is graded.
  const sum = add(sd.bias_ih_l0, sd.bias_hh_l0); // [4H]
  expectClose(sum, p.b, {
    what: 'bias_ih_l0 + bias_hh_l0 (the bias PyTorch computes with)',
    tol: TOLERANCES.value,
    hint: 'convert',
    explain: () =>
      agrees(sum, scale(p.b, 2))
        ? 'The biases add up to 2b: b was written into both, and PyTorch adds them. Put b in one ' +
          'and zeros in the other.'
        : undefined,
  });
}

exercise('lstm-gru/lstm-state-dict', () => {
  // A transpose copies numbers exactly (TOLERANCES.exact); the bias sum may be b + 0 or any
  // split of b, one addition (TOLERANCES.value). D = 3, H = 2: every layout differs in shape.
  check(
    'the state_dict holds Wxᵀ, Whᵀ and biases that add up to b, as nested arrays (D = 3, H = 2)',
    1,
    async () => {
      const p = seededLstm(2001, 3, 2);
      expectSaved(await lstmStateDict(p), p);
    },
  );

  // Gated on the value check; each bad parameter is wrong alone, so the error must name it.
  check(
    'the parameters are not changed, and parameters that do not fit the layout are refused',
    1,
    async () => {
      const p = seededLstm(2002, 3, 2);
      await expectNoInputMutation({ ...p }, () => lstmStateDict(p), { what: 'lstmStateDict' });
      const other = seededLstm(2003, 3, 3);
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [3, 12] where Wh is [2, 8]',
          params: { ...p, Wx: other.Wx },
        },
        {
          name: 'ShapeError',
          argument: 'Wh',
          when: 'Wh of shape [2, 12] (2 rows make H = 2, so 4H = 8 columns)',
          params: { ...p, Wh: randn([2, 12], new Rng(2004)) },
        },
        {
          name: 'ShapeError',
          argument: 'Wh',
          when: 'Wh of shape [8] (not 2-D)',
          params: { ...p, Wh: randn([8], new Rng(2005)) },
        },
        {
          name: 'ShapeError',
          argument: 'b',
          when: 'b of shape [12] where 4H = 8',
          params: { ...p, b: other.b },
        },
      ];
      for (const { params, ...refusal } of refusals) {
        await expectThrows(() => lstmStateDict(params), {
          what: 'lstmStateDict',
          hint: 'check',
          ...refusal,
        });
      }
    },
    { requires: 'values' },
  );
});
