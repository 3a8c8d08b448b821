/**
 * Grading suite of lstm-gru/lstm-backward: backpropagation through time for the LSTM (eq. 2.9),
 * two gradients carried from step t+1 to step t, against central differences of the learner's
 * own lstmForward and the reference's autograd gradients. h and c are compared side by side,
 * [N, T, 2H], with their upstream gradients dh and dc side by side too.
 */
import { concat, narrow, zeros, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectGradients,
  expectNoInputMutation,
  expectThrows,
  layerGradients,
  targetModule,
  type Explanation,
  type FailureDetail,
  type LayerGradients,
} from '@rnn-course/grader/testing';
import { lstm } from '@rnn-course/lstm-gru';
import { lstmSequenceInputs, normal, type LstmSequenceInputs } from './inputs';
import { lstmBackwardWith } from './variants';

const { lstmBackward, lstmForward } =
  await targetModule<typeof import('@target/lstm-gru/lstm')>('lstm-gru/lstm.ts');

// Tolerances: expectGradients' defaults, TOLERANCES.gradient against the reference and
// TOLERANCES.numeric against central differences of the learner's forward.

/** The learner's gradients, central differences of the learner's forward, the reference's. */
function gradientsOf(p: LstmSequenceInputs, dh: Tensor, dc: Tensor): Promise<LayerGradients> {
  const H = dh.shape[2] as number;
  return layerGradients({
    inputs: { ...p }, // x, h0, c0, Wx, Wh, b: the order lstmForward and lstm take them
    dout: concat([dh, dc], 2), // [N, T, 2H]
    forward: lstmForward,
    output: (r) => concat([r.h, r.c], 2), // [N, T, 2H]
    backward: (dout, cache) => lstmBackward(narrow(dout, 2, 0, H), narrow(dout, 2, H, H), cache),
    reference: (...a) => {
      const s = lstm(a[0], a[1], a[2], a[3], a[4], a[5]);
      return concat([s.h, s.c], 2); // [N, T, 2H]
    },
  });
}

/**
 * What the wrong gradients say: a missing carry of the cell's or the hidden state's gradient,
 * parameter gradients overwritten where they add up, or the per-step pattern of dx.
 */
function readBpttMistake(
  g: Record<string, unknown>,
  ref: Record<string, Tensor>,
  p: LstmSequenceInputs,
  dh: Tensor,
  dc: Tensor,
  detail: FailureDetail,
): Explanation {
  const wrong = Object.keys(ref).filter((k) => !agrees(g[k], ref[k]));
  if (wrong.length === 0) return undefined;
  const same = (v: Record<string, Tensor>): boolean => wrong.every((k) => agrees(g[k], v[k]));
  if (same(lstmBackwardWith(p, dh, dc, { noCellCarry: true }))) {
    return {
      text:
        "the cell state's gradient from step t+1 is not carried: c_{t+1} = f ⊙ c_t + i ⊙ g feeds on " +
        "c_t, so step t's backward receives dc[:, t] plus the dprevC that step t+1 returned (eq. 2.9).",
      hint: 'cellCarry',
    };
  }
  if (same(lstmBackwardWith(p, dh, dc, { noHiddenCarry: true }))) {
    return {
      text:
        "the hidden state's gradient from step t+1 is not carried: step t's backward receives " +
        'dh[:, t] plus the dprevH that step t+1 returned (eq. 2.9).',
      hint: 'carry',
    };
  }
  const dx = detail.patterns?.dx;
  if (dx !== undefined) {
    if (dx.right.includes(dx.steps - 1) && dx.wrong.length > 0) {
      return {
        text:
          'dx is right at the last step and wrong before it: is each step given both gradients ' +
          'carried from step t+1, dprevH and dprevC?',
        hint: 'carry',
      };
    }
    return {
      text:
        'dx is wrong even at the last step, where nothing arrives from step t+1: check the step ' +
        'backward (lstm-gru/lstm-step-backward) and that step t is given the cache of step t.',
      hint: 'backwards',
    };
  }
  const params = ['dWx', 'dWh', 'db'].filter((k) => wrong.includes(k));
  if (params.length > 0) {
    return {
      text:
        `${params.join(', ')} wrong while dx is right: Wx, Wh and b are shared by every step, so ` +
        "their gradients add up each step's gradient, never keep only one step's.",
      hint: 'sums',
    };
  }
  return {
    text: "dh0 and dc0 are what step 0's backward returns as dprevH and dprevC, after every step.",
    hint: 'sums',
  };
}

/** The learner's BPTT gradients against both, dx read per time step. */
async function expectBptt(
  what: string,
  p: LstmSequenceInputs,
  dh: Tensor,
  dc: Tensor,
): Promise<void> {
  const { analytic, numeric, reference } = await gradientsOf(p, dh, dc);
  expectGradients({
    what,
    analytic,
    numeric,
    reference,
    timeAxis: { dx: 1 },
    hint: 'step',
    explain: (detail) => readBpttMistake(analytic, reference, p, dh, dc, detail),
  });
}

/** A [N, T, H] upstream gradient that is zero except at the last step. */
function lastStepOnly(seed: number, N: number, T: number, H: number): Tensor {
  const dh = zeros([N, T, H]); // [N, T, H]
  const last = normal(seed, [N, H]); // [N, H]
  for (let n = 0; n < N; n++) {
    dh.data.set(last.data.subarray(n * H, (n + 1) * H), (n * T + T - 1) * H);
  }
  return dh;
}

exercise('lstm-gru/lstm-backward', () => {
  check(
    'BPTT gradients match finite differences of your forward and the reference (N = 2, T = 5, D = 3, H = 4)',
    2,
    async () => {
      const p = lstmSequenceInputs(1401, 2, 5, 3, 4);
      await expectBptt('lstmBackward', p, normal(1402, [2, 5, 4]), normal(1403, [2, 5, 4]));
    },
  );

  // Gated on the value check. Upstream gradients that are not [N, T, H] would be read at the
  // wrong offsets, so they are refused by name.
  check(
    'dh, dc and the inputs held in the cache are not changed, the gradients are new tensors, and upstream gradients of the wrong shape are refused',
    1,
    async () => {
      const p = lstmSequenceInputs(1404, 2, 4, 3, 4);
      const dh = normal(1405, [2, 4, 4]);
      const dc = normal(1406, [2, 4, 4]);
      const { cache } = await lstmForward(p.x, p.h0, p.c0, p.Wx, p.Wh, p.b);
      await expectNoInputMutation({ dh, dc, ...p }, () => lstmBackward(dh, dc, cache), {
        what: 'lstmBackward',
      });
      await expectThrows(() => lstmBackward(normal(1407, [2, 3, 4]), dc, cache), {
        what: 'lstmBackward',
        name: 'ShapeError',
        argument: 'dh',
        when: 'dh of shape [2, 3, 4] where h is [2, 4, 4]',
        hint: 'step',
      });
      await expectThrows(() => lstmBackward(dh, normal(1408, [2, 4, 5]), cache), {
        what: 'lstmBackward',
        name: 'ShapeError',
        argument: 'dc',
        when: 'dc of shape [2, 4, 5] where c is [2, 4, 4]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  // A loss on the last cell state only (PyTorch's c_n): everything before step T−1 arrives
  // through the carried dprevC, so a missing cell carry leaves dx exactly zero there.
  check(
    "a gradient on the last cell state only (PyTorch's c_n) reaches every earlier step and c0 (N = 3, T = 6, D = 2, H = 3)",
    1,
    async () => {
      const p = lstmSequenceInputs(1409, 3, 6, 2, 3);
      await expectBptt(
        'lstmBackward (loss on c_n only)',
        p,
        zeros([3, 6, 3]),
        lastStepOnly(1410, 3, 6, 3),
      );
    },
  );

  // A loss on the last hidden state only (PyTorch's h_n), the usual loss of a classifier.
  check(
    "a gradient on the last hidden state only (PyTorch's h_n) reaches every earlier step, h0 and c0 (N = 2, T = 6, D = 3, H = 2)",
    1,
    async () => {
      const p = lstmSequenceInputs(1411, 2, 6, 3, 2);
      await expectBptt(
        'lstmBackward (loss on h_n only)',
        p,
        lastStepOnly(1412, 2, 6, 2),
        zeros([2, 6, 2]),
      );
    },
  );

  // T = 1 reduces to one step backward; N = 1 keeps the batch axis.
  check('T = 1 (one step) and N = 1 (a single sequence of T = 4)', 1, async () => {
    for (const [seed, N, T, D, H] of [
      [1413, 3, 1, 4, 3],
      [1416, 1, 4, 3, 5],
    ] as const) {
      const p = lstmSequenceInputs(seed, N, T, D, H);
      await expectBptt(
        `lstmBackward (N = ${N}, T = ${T})`,
        p,
        normal(seed + 1, [N, T, H]),
        normal(seed + 2, [N, T, H]),
      );
    }
  });
});
