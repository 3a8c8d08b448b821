/**
 * Grading suite of rnn/rnn-step-backward: the backward pass of one RNN step (eqs. 1.2-1.3),
 * against central differences of the learner's own rnnStepForward and against the
 * reference's autograd gradients.
 */
import {
  add,
  matmul,
  mul,
  scale,
  square,
  sub,
  sum,
  transpose,
  type Tensor,
} from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectGradients,
  expectNoInputMutation,
  expectThrows,
  isTensor,
  layerGradients,
  targetModule,
  type Explanation,
  type LayerGradients,
} from '@rnn-course/grader/testing';
import { rnnStep } from '@rnn-course/rnn';
import { normal, stepInputs, type StepInputs } from './inputs';

const { rnnStepBackward, rnnStepForward } =
  await targetModule<typeof import('@target/rnn/rnn-step')>('rnn/rnn-step.ts');

// Tolerances: expectGradients' defaults, TOLERANCES.gradient against the reference (two exact
// derivations) and TOLERANCES.numeric against central differences of the learner's forward.

/** The learner's gradients, central differences of the learner's forward, the reference's. */
function gradientsOf(p: StepInputs, dnextH: Tensor): Promise<LayerGradients> {
  return layerGradients({
    inputs: { ...p }, // x, prevH, Wx, Wh, b: the order rnnStepForward and rnnStep take them
    dout: dnextH,
    forward: rnnStepForward,
    output: (r) => r.nextH,
    backward: rnnStepBackward,
    reference: rnnStep,
  });
}

/**
 * What the wrong gradients say, read against the usual mistakes of eqs. 1.2-1.3.
 * g: the learner's gradients; ref: the reference's; p, dnextH: the inputs.
 */
function readStepMistake(
  g: Record<string, unknown>,
  ref: Record<string, Tensor>,
  p: StepInputs,
  dnextH: Tensor,
): Explanation {
  const { x, prevH, Wx, Wh, b } = p;
  const N = x.shape[0];
  const a = add(add(matmul(x, Wx), matmul(prevH, Wh)), b); // [N, H] pre-activation
  const nextH = rnnStep(x, prevH, Wx, Wh, b); // [N, H]
  const da = mul(dnextH, sub(1, square(nextH))); // [N, H], eq. 1.2
  const names = ['dx', 'dprevH', 'dWx', 'dWh', 'db'];
  const wrong = names.filter((k) => !agrees(g[k], ref[k]));
  if (wrong.length === 0) return undefined;

  // eq. 1.2 evaluated on the pre-activation: tanh'(a) taken as 1 - a².
  const daPre = mul(dnextH, sub(1, square(a))); // [N, H]
  if (agrees(g['db'], sum(daPre, 0)) || agrees(g['dx'], matmul(daPre, transpose(Wx)))) {
    return {
      text:
        'Every gradient is off by the same factor: the tanh derivative was taken on the pre-activation, ' +
        '1 − a². It is tanh′(a) = 1 − tanh(a)² = 1 − h_t², read off the output nextH in the cache.',
      hint: 'tanhOutput',
    };
  }
  if (wrong.length === names.length) {
    return {
      text:
        'Every gradient is wrong, so the error comes before they split: da = dnextH ⊙ (1 − h_t²). ' +
        'Is the tanh derivative taken from the output h_t (nextH), not from the pre-activation a?',
      hint: 'tanhOutput',
    };
  }
  const lines: string[] = [];
  if (wrong.includes('dWh')) {
    if (agrees(g['dWh'], matmul(transpose(nextH), da))) {
      lines.push(
        'dWh was computed with h_t (nextH), the output of the step; eq. 1.3 multiplies by h_{t-1} ' +
          '(prevH), the state the step received: dWh = h_{t-1}ᵀ da.',
      );
    } else if (agrees(g['dWh'], matmul(transpose(da), prevH))) {
      lines.push('dWh is transposed: dWh = h_{t-1}ᵀ da, not daᵀ h_{t-1}.');
    } else {
      lines.push('dWh = h_{t-1}ᵀ da: is dWh using h_{t-1} (prevH) rather than h_t (nextH)?');
    }
  }
  if (wrong.includes('db')) {
    const db = g['db'];
    if (isTensor(db) && db.shape.length === 2) {
      lines.push(
        'db has one row per example: b is added to every row of the batch, so db is summed over ' +
          'the batch, sum(da, 0) of shape [H].',
      );
    } else if (agrees(db, scale(ref['db'], 1 / N))) {
      lines.push(
        'db is the mean of da over the batch; it must be summed over the batch (no 1/N here).',
      );
    } else {
      lines.push(
        'db is da summed over the batch (axis 0): each example adds its own gradient of b.',
      );
    }
  }
  if (wrong.includes('dx')) lines.push('dx = da Wxᵀ, [N, H]·[H, D].');
  if (wrong.includes('dprevH')) lines.push('dprevH = da Whᵀ, [N, H]·[H, H]: Wh transposed.');
  if (wrong.includes('dWx')) lines.push('dWx = xᵀ da, [D, N]·[N, H].');
  return { text: lines.join('\n'), hint: 'formulas' };
}

exercise('rnn/rnn-step-backward', () => {
  check(
    'the five gradients match finite differences of your forward and the reference (N = 3, D = 4, H = 5)',
    2,
    async () => {
      const p = stepInputs(201, 3, 4, 5);
      const dnextH = normal(202, [3, 5]);
      const { analytic, numeric, reference } = await gradientsOf(p, dnextH);
      expectGradients({
        what: 'rnnStepBackward',
        analytic,
        numeric,
        reference,
        hint: 'formulas',
        explain: () => readStepMistake(analytic, reference, p, dnextH),
      });
    },
  );

  // Gated on the value check above. The cache holds the forward's inputs; a backward that writes
  // into them (or into dnextH) corrupts the caller's tensors and every later step of training.
  // dnextH of the wrong shape would broadcast silently in an elementwise product, so it must be
  // refused.
  check(
    'dnextH and the inputs held in the cache are not changed, the gradients are new tensors, and a dnextH of the wrong shape is refused',
    1,
    async () => {
      const p = stepInputs(205, 3, 4, 5);
      const dnextH = normal(206, [3, 5]);
      const { cache } = await rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
      await expectNoInputMutation({ dnextH, ...p }, () => rnnStepBackward(dnextH, cache), {
        what: 'rnnStepBackward',
      });
      await expectThrows(() => rnnStepBackward(normal(207, [1, 5]), cache), {
        what: 'rnnStepBackward',
        name: 'ShapeError',
        argument: 'dnextH',
        when: 'dnextH of shape [1, 5] where nextH is [3, 5]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  // Same tolerances. With N = 1 a sum over the batch and a copy agree in value, so this
  // checks shapes and the code path for one row; D = 2 != H = 6 catches transposes.
  check('a batch of one (N = 1, D = 2, H = 6)', 1, async () => {
    const p = stepInputs(203, 1, 2, 6);
    const dnextH = normal(204, [1, 6]);
    const { analytic, numeric, reference } = await gradientsOf(p, dnextH);
    expectGradients({
      what: 'rnnStepBackward (N = 1)',
      analytic,
      numeric,
      reference,
      hint: 'formulas',
      explain: () => readStepMistake(analytic, reference, p, dnextH),
    });
  });
});
