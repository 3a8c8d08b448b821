/**
 * Grading suite of lstm-gru/gru-backward: backpropagation through time for the GRU, against
 * central differences of the learner's own gruForward and against the reference's autograd
 * gradients, with the per-step pattern of dx read for the usual mistakes.
 */
import { zeros, type Tensor } from '@rnn-course/core';
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
import { gru } from '@rnn-course/lstm-gru';
import { gruSequenceInputs, normal, type GruSequenceInputs } from './inputs';
import { gruBackwardWith } from './variants';

const { gruBackward, gruForward } =
  await targetModule<typeof import('@target/lstm-gru/gru')>('lstm-gru/gru.ts');

// Tolerances: expectGradients' defaults, TOLERANCES.gradient against the reference and
// TOLERANCES.numeric against central differences of the learner's forward.

/** The learner's gradients, central differences of the learner's forward, the reference's. */
function gradientsOf(p: GruSequenceInputs, dh: Tensor): Promise<LayerGradients> {
  return layerGradients({
    inputs: { ...p }, // x, h0, Wx, Wh, bx, bh: the order gruForward and gru take them
    dout: dh,
    forward: gruForward,
    output: (r) => r.h,
    backward: gruBackward,
    reference: gru,
  });
}

/** What the wrong gradients say: the missing carry, sums that do not add up, or the pattern. */
function readBpttMistake(
  g: Record<string, unknown>,
  ref: Record<string, Tensor>,
  p: GruSequenceInputs,
  dh: Tensor,
  detail: FailureDetail,
): Explanation {
  const wrong = Object.keys(ref).filter((k) => !agrees(g[k], ref[k]));
  if (wrong.length === 0) return undefined;
  const noCarry: Record<string, Tensor> = gruBackwardWith(p, dh, { noCarry: true });
  if (wrong.every((k) => agrees(g[k], noCarry[k]))) {
    return {
      text:
        "the gradient from step t+1 is not carried: step t's backward receives dh[:, t] plus the " +
        'dprevH that step t+1 returned.',
      hint: 'carry',
    };
  }
  const dx = detail.patterns?.dx;
  if (dx !== undefined) {
    const lastRight = dx.right.includes(dx.steps - 1) && dx.wrong.length > 0;
    return lastRight
      ? {
          text:
            'dx is right at the last step and wrong before it: is the dprevH of step t+1 added to ' +
            "dh[:, t] before step t's backward?",
          hint: 'carry',
        }
      : {
          text:
            'dx is wrong even at the last step, where nothing arrives from step t+1: check the step ' +
            'backward (lstm-gru/gru-step-backward) and that step t is given the cache of step t.',
          hint: 'backwards',
        };
  }
  const params = ['dWx', 'dWh', 'dbx', 'dbh'].filter((k) => wrong.includes(k));
  if (params.length > 0) {
    return {
      text:
        `${params.join(', ')} wrong while dx is right: Wx, Wh, bx and bh are shared by every step, ` +
        "so their gradients add up each step's gradient.",
      hint: 'sums',
    };
  }
  return { text: "dh0 is the dprevH of step 0's backward, after every step.", hint: 'sums' };
}

/** The learner's BPTT gradients against both, dx read per time step. */
async function expectBptt(what: string, p: GruSequenceInputs, dh: Tensor): Promise<void> {
  const { analytic, numeric, reference } = await gradientsOf(p, dh);
  expectGradients({
    what,
    analytic,
    numeric,
    reference,
    timeAxis: { dx: 1 },
    hint: 'step',
    explain: (detail) => readBpttMistake(analytic, reference, p, dh, detail),
  });
}

exercise('lstm-gru/gru-backward', () => {
  check(
    'BPTT gradients match finite differences of your forward and the reference (N = 2, T = 5, D = 3, H = 4)',
    2,
    async () => {
      await expectBptt('gruBackward', gruSequenceInputs(1801, 2, 5, 3, 4), normal(1802, [2, 5, 4]));
    },
  );

  // Gated on the value check; a dh that is not [N, T, H] is refused by name.
  check(
    'dh and the inputs held in the cache are not changed, the gradients are new tensors, and a dh of the wrong shape is refused',
    1,
    async () => {
      const p = gruSequenceInputs(1803, 2, 4, 3, 4);
      const dh = normal(1804, [2, 4, 4]);
      const { cache } = await gruForward(p.x, p.h0, p.Wx, p.Wh, p.bx, p.bh);
      await expectNoInputMutation({ dh, ...p }, () => gruBackward(dh, cache), {
        what: 'gruBackward',
      });
      await expectThrows(() => gruBackward(normal(1805, [2, 3, 4]), cache), {
        what: 'gruBackward',
        name: 'ShapeError',
        argument: 'dh',
        when: 'dh of shape [2, 3, 4] where h is [2, 4, 4]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  // A loss at the last step only (PyTorch's h_n): everything before it is carried back.
  check(
    "a gradient at the last step only (PyTorch's h_n) reaches every earlier step and h0 (N = 3, T = 6, D = 2, H = 3)",
    1,
    async () => {
      const p = gruSequenceInputs(1806, 3, 6, 2, 3);
      const dh = zeros([3, 6, 3]); // [N, T, H], zero except at t = T−1
      const last = normal(1807, [3, 3]); // [N, H]
      for (let n = 0; n < 3; n++)
        dh.data.set(last.data.subarray(n * 3, (n + 1) * 3), (n * 6 + 5) * 3);
      await expectBptt('gruBackward (loss at the last step only)', p, dh);
    },
  );

  // T = 1 reduces to one step backward; N = 1 keeps the batch axis.
  check('T = 1 (one step) and N = 1 (a single sequence of T = 4)', 1, async () => {
    for (const [seed, N, T, D, H] of [
      [1808, 3, 1, 4, 3],
      [1810, 1, 4, 3, 5],
    ] as const) {
      const p = gruSequenceInputs(seed, N, T, D, H);
      await expectBptt(`gruBackward (N = ${N}, T = ${T})`, p, normal(seed + 1, [N, T, H]));
    }
  });
});
