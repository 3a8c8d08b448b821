/**
 * Grading suite of lstm-gru/lstm-step-backward: the backward pass of one LSTM step
 * (eqs. 2.5–2.8), against central differences of the learner's own lstmStepForward and against
 * the reference's autograd gradients. The two outputs h_t and c_t are compared side by side,
 * [N, 2H], with their upstream gradients dnextH and dnextC side by side too.
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
  type LayerGradients,
} from '@rnn-course/grader/testing';
import { lstmStep } from '@rnn-course/lstm-gru';
import { lstmStepInputs, normal, type LstmStepInputs } from './inputs';
import { LSTM_BACKWARD_MISTAKES, lstmStepBackwardWith, matchGradients } from './variants';

/** The hint that teaches the fix of each mistake of eqs. 2.5–2.8. */
const HINTS: Record<keyof typeof LSTM_BACKWARD_MISTAKES, { hint: string }> = {
  noPathThroughH: { hint: 'twoPaths' },
  tanhOfPrevC: { hint: 'twoPaths' },
  derivativeOnPre: { hint: 'gateDerivative' },
  noForgetInCarry: { hint: 'products' },
  blockOrder: { hint: 'affine' },
};

const { lstmStepBackward, lstmStepForward } =
  await targetModule<typeof import('@target/lstm-gru/lstm-step')>('lstm-gru/lstm-step.ts');

// Tolerances: expectGradients' defaults, TOLERANCES.gradient against the reference and
// TOLERANCES.numeric against central differences of the learner's forward.

/** The learner's gradients, central differences of the learner's forward, the reference's. */
function gradientsOf(p: LstmStepInputs, dnextH: Tensor, dnextC: Tensor): Promise<LayerGradients> {
  const H = dnextH.shape[1] as number;
  return layerGradients({
    inputs: { ...p }, // x, prevH, prevC, Wx, Wh, b: the order lstmStepForward and lstmStep take
    dout: concat([dnextH, dnextC], 1), // [N, 2H]
    forward: lstmStepForward,
    output: (r) => concat([r.nextH, r.nextC], 1), // [N, 2H]
    backward: (dout, cache) =>
      lstmStepBackward(narrow(dout, 1, 0, H), narrow(dout, 1, H, H), cache),
    reference: (...a) => {
      const s = lstmStep(a[0], a[1], a[2], a[3], a[4], a[5]);
      return concat([s.nextH, s.nextC], 1); // [N, 2H]
    },
  });
}

/** What the wrong gradients say, read against the usual mistakes of eqs. 2.5–2.8. */
function readStepMistake(
  g: Record<string, unknown>,
  ref: Record<string, Tensor>,
  p: LstmStepInputs,
  dnextH: Tensor,
  dnextC: Tensor,
): Explanation {
  const wrong = Object.keys(ref).filter((k) => !agrees(g[k], ref[k]));
  const name = matchGradients(g, wrong, LSTM_BACKWARD_MISTAKES, (m) =>
    lstmStepBackwardWith(p, dnextH, dnextC, m),
  );
  if (name === undefined) return undefined;
  return { text: LSTM_BACKWARD_MISTAKES[name].text, ...HINTS[name] };
}

/** The learner's gradients against both, with the chapter's reading of a failure. */
async function expectStepGradients(
  what: string,
  p: LstmStepInputs,
  dnextH: Tensor,
  dnextC: Tensor,
): Promise<void> {
  const { analytic, numeric, reference } = await gradientsOf(p, dnextH, dnextC);
  expectGradients({
    what,
    analytic,
    numeric,
    reference,
    hint: 'step',
    explain: () => readStepMistake(analytic, reference, p, dnextH, dnextC),
  });
}

exercise('lstm-gru/lstm-step-backward', () => {
  check(
    'the six gradients match finite differences of your forward and the reference (N = 3, D = 4, H = 5)',
    2,
    async () => {
      const p = lstmStepInputs(1201, 3, 4, 5);
      await expectStepGradients('lstmStepBackward', p, normal(1202, [3, 5]), normal(1203, [3, 5]));
    },
  );

  // Gated on the value check. The cache holds the forward's inputs; a backward that writes into
  // them (or into dnextH, dnextC) corrupts the caller's tensors. An upstream gradient of the
  // wrong shape would broadcast silently in an elementwise product, so it must be refused.
  check(
    'the upstream gradients and the inputs held in the cache are not changed, the gradients are new tensors, and upstream gradients of the wrong shape are refused',
    1,
    async () => {
      const p = lstmStepInputs(1204, 3, 4, 5);
      const dnextH = normal(1205, [3, 5]);
      const dnextC = normal(1206, [3, 5]);
      const { cache } = await lstmStepForward(p.x, p.prevH, p.prevC, p.Wx, p.Wh, p.b);
      await expectNoInputMutation(
        { dnextH, dnextC, ...p },
        () => lstmStepBackward(dnextH, dnextC, cache),
        { what: 'lstmStepBackward' },
      );
      await expectThrows(() => lstmStepBackward(normal(1207, [1, 5]), dnextC, cache), {
        what: 'lstmStepBackward',
        name: 'ShapeError',
        argument: 'dnextH',
        when: 'dnextH of shape [1, 5] where h_t is [3, 5]',
        hint: 'step',
      });
      await expectThrows(() => lstmStepBackward(dnextH, normal(1208, [3, 1]), cache), {
        what: 'lstmStepBackward',
        name: 'ShapeError',
        argument: 'dnextC',
        when: 'dnextC of shape [3, 1] where c_t is [3, 5]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  // A loss on h_t only (dnextC = 0): the whole gradient of c_t comes through h_t, so a δc without
  // the path dnextH ⊙ o ⊙ (1 − tanh²(c_t)) leaves every gradient but o's exactly zero.
  check(
    'a gradient on h_t only (dnextC = 0) reaches c_t through h_t (N = 2, D = 3, H = 4)',
    1,
    async () => {
      const p = lstmStepInputs(1209, 2, 3, 4);
      await expectStepGradients(
        'lstmStepBackward (dnextC = 0)',
        p,
        normal(1210, [2, 4]),
        zeros([2, 4]),
      );
    },
  );

  // N = 1 keeps the batch axis (a sum over it and a copy agree in value, so shapes matter);
  // H = 1 makes every gate block one column wide.
  check('a batch of one with one hidden unit (N = 1, D = 3, H = 1)', 1, async () => {
    const p = lstmStepInputs(1211, 1, 3, 1);
    await expectStepGradients(
      'lstmStepBackward (N = 1, H = 1)',
      p,
      normal(1212, [1, 1]),
      normal(1213, [1, 1]),
    );
  });
});
