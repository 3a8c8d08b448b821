/**
 * Grading suite of seq2seq-attention/stacked-rnn-backward: eq. 3.6 against central differences
 * of the learner's forward and against the reference's autograd, with dropout between layers.
 */
import { Rng, type Tensor } from '@rnn-course/core';
import {
  check,
  exercise,
  expectGradients,
  expectNoInputMutation,
  expectThrows,
  numericGradients,
  referenceGradients,
  targetModule,
  type FailureDetail,
} from '@rnn-course/grader/testing';
import { stackedRnn } from '@rnn-course/seq2seq-attention';
import { normal, stackedInputs } from './inputs';

const { stackedRnnForward, stackedRnnBackward } = await targetModule<
  typeof import('@target/seq2seq-attention/stacked-rnn')
>('seq2seq-attention/stacked-rnn.ts');

// Tolerances: expectGradients' defaults. The same seed gives the learner's forward, its finite
// differences and the reference the same dropout masks.

function readLayers(L: number, dropout: boolean) {
  return ({ failed = [] }: FailureDetail) => {
    const wrong = new Set(failed);
    const top = ['dWx', 'dWh', 'db', 'dh0'].map((k) => `${k}_${L - 1}`);
    if (wrong.size === 0 || top.some((k) => wrong.has(k))) return undefined;
    return dropout
      ? {
          text: 'The top layer’s gradients are right and the layers below are wrong: the gradient going down passes through the same dropout mask the forward applied (d ⊙ dx).',
          hint: 'dropout',
        }
      : {
          text: 'The top layer’s gradients are right and the layers below are wrong: each layer’s input gradient is the gradient of the states of the layer below.',
          hint: 'order',
        };
  };
}

async function expectStackGradients(
  seed: number,
  N: number,
  T: number,
  D: number,
  H: number,
  L: number,
  p: number,
  what: string,
) {
  const { x, h0, layers } = stackedInputs(seed, N, T, D, H, L);
  const dh = normal(seed + 2, [N, T, H]);
  const flat: Record<string, Tensor> = { x };
  h0.forEach((t, l) => (flat[`h0_${l}`] = t));
  layers.forEach((layer, l) =>
    Object.assign(flat, { [`Wx_${l}`]: layer.Wx, [`Wh_${l}`]: layer.Wh, [`b_${l}`]: layer.b }),
  );
  const unflat = (q: Record<string, Tensor>) => ({
    h0: h0.map((_, l) => q[`h0_${l}`]!),
    layers: layers.map((_, l) => ({ Wx: q[`Wx_${l}`]!, Wh: q[`Wh_${l}`]!, b: q[`b_${l}`]! })),
  });
  const rng = () => (p > 0 ? new Rng(seed + 1) : undefined);
  const { cache } = await stackedRnnForward(x, h0, layers, p, rng());
  const got = await stackedRnnBackward(dh, cache);
  const analytic: Record<string, Tensor> = { dx: got.dx };
  got.dh0?.forEach((t, l) => (analytic[`dh0_${l}`] = t));
  got.dlayers?.forEach((g, l) =>
    Object.assign(analytic, { [`dWx_${l}`]: g.dWx, [`dWh_${l}`]: g.dWh, [`db_${l}`]: g.db }),
  );
  const copies = Object.fromEntries(Object.entries(flat).map(([k, t]) => [k, t.clone()]));
  const numeric = await numericGradients(
    async (q) => {
      const u = unflat(q);
      return (await stackedRnnForward(q.x!, u.h0, u.layers, p, rng())).h;
    },
    copies,
    dh,
  );
  const names = Object.keys(flat);
  const reference = referenceGradients(
    (...ts) => {
      const q = Object.fromEntries(names.map((k, i) => [k, ts[i]!]));
      const u = unflat(q);
      return stackedRnn(q.x!, u.h0, u.layers, p, rng());
    },
    flat,
    dh,
  );
  expectGradients({
    what,
    analytic,
    numeric,
    reference,
    timeAxis: { dx: 1 },
    hint: 'order',
    explain: readLayers(L, p > 0),
  });
}

exercise('seq2seq-attention/stacked-rnn-backward', () => {
  check(
    'every layer’s gradients match finite differences and the reference, dropout p = 0.4 (L = 3)',
    2,
    async () => {
      await expectStackGradients(921, 2, 4, 3, 3, 3, 0.4, 'stackedRnnBackward');
    },
  );

  check(
    'dh and the inputs are not changed, the gradients are new, and a dh of the wrong shape is refused',
    1,
    async () => {
      const { x, h0, layers } = stackedInputs(922, 2, 3, 2, 3, 2);
      const dh = normal(923, [2, 3, 3]);
      const { cache } = await stackedRnnForward(x, h0, layers, 0.5, new Rng(924));
      await expectNoInputMutation(
        { dh, x, h0_0: h0[0]!, Wx1: layers[1]!.Wx },
        () => stackedRnnBackward(dh, cache),
        { what: 'stackedRnnBackward' },
      );
      await expectThrows(() => stackedRnnBackward(normal(925, [2, 2, 3]), cache), {
        what: 'stackedRnnBackward',
        name: 'ShapeError',
        argument: 'dh',
        when: 'dh of shape [2, 2, 3] where the top layer’s states are [2, 3, 3]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  check('without dropout (L = 2), one layer, and N = 1 with T = 1', 1, async () => {
    await expectStackGradients(926, 2, 3, 2, 3, 2, 0, 'stackedRnnBackward (no dropout)');
    await expectStackGradients(929, 3, 2, 2, 2, 1, 0, 'stackedRnnBackward (one layer)');
    await expectStackGradients(932, 1, 1, 2, 3, 2, 0.5, 'stackedRnnBackward (N = 1, T = 1)');
  });
});
