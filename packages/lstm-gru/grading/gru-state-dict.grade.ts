/**
 * Grading suite of lstm-gru/gru-state-dict: a GRU layer out of the course's layout into a
 * `torch.nn.GRU` state_dict (eq. 2.20 read backwards): the weights transposed, the two biases
 * kept apart, bx in bias_ih_l0 and bh in bias_hh_l0.
 */
import { Rng, add, randn, transpose, type Tensor } from '@rnn-course/core';
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

const { gruStateDict } =
  await targetModule<typeof import('@target/lstm-gru/gru')>('lstm-gru/gru.ts');

/** A GRU layer's parameters. */
interface Gru {
  Wx: Tensor;
  Wh: Tensor;
  bx: Tensor;
  bh: Tensor;
}

/** A seeded GRU layer: Wx [D, 3H], Wh [H, 3H], bx, bh [3H]. */
function seededGru(seed: number, D: number, H: number): Gru {
  const rng = new Rng(seed);
  const [Wx, Wh] = [randn([D, 3 * H], rng), randn([H, 3 * H], rng)];
  return { Wx, Wh, bx: randn([3 * H], rng), bh: randn([3 * H], rng) };
}

/** Asserts the saved state_dict against the layer it came from, read for the usual mistakes. */
function expectSaved(saved: unknown, p: Gru): void {
  const sd = expectStateDict(saved, 'gruStateDict');
  const H = p.Wh.shape[0] as number;
  const D = p.Wx.shape[0] as number;
  const weights = [
    ['weight_ih_l0', p.Wx, [3 * H, D]],
    ['weight_hh_l0', p.Wh, [3 * H, H]],
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
  const readBias = (value: Tensor): Explanation => {
    if (agrees(value, add(p.bx, p.bh))) {
      return {
        text:
          'one bias holds bx + bh: the GRU keeps them apart, because the n block of bh sits inside the ' +
          'reset product and that of bx does not (eq. 2.13).',
        hint: 'convert',
      };
    }
    if (agrees(sd.bias_ih_l0, p.bh) && agrees(sd.bias_hh_l0, p.bx)) {
      return {
        text: 'bx and bh are swapped: bias_ih_l0 is bx, bias_hh_l0 is bh.',
        hint: 'convert',
      };
    }
    return undefined;
  };
  for (const [key, b] of [
    ['bias_ih_l0', p.bx],
    ['bias_hh_l0', p.bh],
  ] as const) {
    expectShape(sd[key], [3 * H], key, { hint: 'layout' });
    expectClose(sd[key], b, {
      what: key,
      tol: TOLERANCES.exact,
      hint: 'convert',
      explain: () => readBias(sd[key]),
    });
  }
}

exercise('lstm-gru/gru-state-dict', () => {
  // Copies and transposes only: TOLERANCES.exact. D = 3, H = 2: every layout differs in shape.
  check(
    'the state_dict holds Wxᵀ, Whᵀ, bx and bh, as nested arrays (D = 3, H = 2)',
    1,
    async () => {
      const p = seededGru(2201, 3, 2);
      expectSaved(await gruStateDict(p), p);
    },
  );

  // Gated on the value check; each bad parameter is wrong alone, so the error must name it.
  check(
    'the parameters are not changed, and parameters that do not fit the layout are refused',
    1,
    async () => {
      const p = seededGru(2202, 3, 2);
      await expectNoInputMutation({ ...p }, () => gruStateDict(p), { what: 'gruStateDict' });
      const other = seededGru(2203, 3, 3);
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [3, 9] where Wh is [2, 6]',
          params: { ...p, Wx: other.Wx },
        },
        {
          name: 'ShapeError',
          argument: 'Wh',
          when: 'Wh of shape [2, 9] (2 rows make H = 2, so 3H = 6 columns)',
          params: { ...p, Wh: randn([2, 9], new Rng(2204)) },
        },
        {
          name: 'ShapeError',
          argument: 'Wh',
          when: 'Wh of shape [6] (not 2-D)',
          params: { ...p, Wh: randn([6], new Rng(2205)) },
        },
        {
          name: 'ShapeError',
          argument: 'bx',
          when: 'bx of shape [9] where 3H = 6',
          params: { ...p, bx: other.bx },
        },
        {
          name: 'ShapeError',
          argument: 'bh',
          when: 'bh of shape [9] where 3H = 6',
          params: { ...p, bh: other.bh },
        },
      ];
      for (const { params, ...refusal } of refusals) {
        await expectThrows(() => gruStateDict(params), {
          what: 'gruStateDict',
          hint: 'check',
          ...refusal,
        });
      }
    },
    { requires: 'values' },
  );
});
