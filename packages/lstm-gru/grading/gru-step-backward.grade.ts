/**
 * Grading suite of lstm-gru/gru-step-backward: the backward pass of one GRU step
 * (eqs. 2.15–2.18), against central differences of the learner's own gruStepForward and against
 * the reference's autograd gradients.
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
  type LayerGradients,
} from '@rnn-course/grader/testing';
import { gruStep } from '@rnn-course/lstm-gru';
import { gruStepInputs, normal, type GruStepInputs } from './inputs';
import { GRU_BACKWARD_MISTAKES, gruStepBackwardWith, matchGradients } from './variants';

/** The hint that teaches the fix of each mistake of eqs. 2.15–2.18. */
const HINTS: Record<keyof typeof GRU_BACKWARD_MISTAKES, { hint: string }> = {
  noDirectPath: { hint: 'directPath' },
  derivativeOnPre: { hint: 'gateDerivative' },
  oneBias: { hint: 'reset' },
  zSwapped: { hint: 'interpolate' },
};

const { gruStepBackward, gruStepForward } =
  await targetModule<typeof import('@target/lstm-gru/gru-step')>('lstm-gru/gru-step.ts');

// Tolerances: expectGradients' defaults, TOLERANCES.gradient against the reference and
// TOLERANCES.numeric against central differences of the learner's forward.

/** The learner's gradients, central differences of the learner's forward, the reference's. */
function gradientsOf(p: GruStepInputs, dnextH: Tensor): Promise<LayerGradients> {
  return layerGradients({
    inputs: { ...p }, // x, prevH, Wx, Wh, bx, bh: the order gruStepForward and gruStep take
    dout: dnextH,
    forward: gruStepForward,
    output: (r) => r.nextH,
    backward: gruStepBackward,
    reference: gruStep,
  });
}

/** The learner's gradients against both, with the chapter's reading of a failure. */
async function expectStepGradients(what: string, p: GruStepInputs, dnextH: Tensor): Promise<void> {
  const { analytic, numeric, reference } = await gradientsOf(p, dnextH);
  const explain = (): Explanation => {
    const wrong = Object.keys(reference).filter((k) => !agrees(analytic[k], reference[k]));
    const name = matchGradients(analytic, wrong, GRU_BACKWARD_MISTAKES, (m) =>
      gruStepBackwardWith(p, dnextH, m),
    );
    if (name === undefined) return undefined;
    return { text: GRU_BACKWARD_MISTAKES[name].text, ...HINTS[name] };
  };
  expectGradients({ what, analytic, numeric, reference, hint: 'step', explain });
}

exercise('lstm-gru/gru-step-backward', () => {
  check(
    'the six gradients match finite differences of your forward and the reference (N = 3, D = 4, H = 5)',
    2,
    async () => {
      await expectStepGradients(
        'gruStepBackward',
        gruStepInputs(1601, 3, 4, 5),
        normal(1602, [3, 5]),
      );
    },
  );

  // Gated on the value check; a dnextH of the wrong shape would broadcast silently.
  check(
    'dnextH and the inputs held in the cache are not changed, the gradients are new tensors, and a dnextH of the wrong shape is refused',
    1,
    async () => {
      const p = gruStepInputs(1603, 3, 4, 5);
      const dnextH = normal(1604, [3, 5]);
      const { cache } = await gruStepForward(p.x, p.prevH, p.Wx, p.Wh, p.bx, p.bh);
      await expectNoInputMutation({ dnextH, ...p }, () => gruStepBackward(dnextH, cache), {
        what: 'gruStepBackward',
      });
      await expectThrows(() => gruStepBackward(normal(1605, [1, 5]), cache), {
        what: 'gruStepBackward',
        name: 'ShapeError',
        argument: 'dnextH',
        when: 'dnextH of shape [1, 5] where h_t is [3, 5]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  // Weights of zero make every matrix product vanish: the only way from h_t to h_{t−1} is the
  // direct path dnextH ⊙ z of eq. 2.15, which a backward without it misses entirely.
  check(
    'with Wx = Wh = 0 the gradient still reaches h_{t−1} through z (N = 2, D = 3, H = 4)',
    1,
    async () => {
      const p = gruStepInputs(1606, 2, 3, 4);
      const still = { ...p, Wx: zeros([3, 12]), Wh: zeros([4, 12]) };
      await expectStepGradients('gruStepBackward (Wx = Wh = 0)', still, normal(1607, [2, 4]));
    },
  );

  // N = 1 keeps the batch axis; H = 1 makes every gate block one column wide.
  check('a batch of one with one hidden unit (N = 1, D = 3, H = 1)', 1, async () => {
    await expectStepGradients(
      'gruStepBackward (N = 1, H = 1)',
      gruStepInputs(1608, 1, 3, 1),
      normal(1609, [1, 1]),
    );
  });
});
