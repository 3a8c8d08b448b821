/**
 * Grading suite of rnn/rnn-step-forward: one RNN step, eq. 1.1,
 * h_t = tanh(x_t Wx + h_{t-1} Wh + b), against the reference on seeded inputs.
 */
import { add, matmul, scale, sigmoid, tanh, transpose, type Tensor } from '@rnn-course/core';
import {
  check,
  exercise,
  expectClose,
  expectFinite,
  expectNoInputMutation,
  expectShape,
} from '@rnn-course/grader/testing';
import { rnnStep } from '@rnn-course/rnn';
import { rnnStepForward } from '@target/rnn/rnn-step';
import { agrees, explained } from './diagnosis';
import { stepInputs, type StepInputs } from './inputs';

/**
 * Known ways to get eq. 1.1 wrong, each as the value it produces and what to say about it.
 */
function readForwardMistake(nextH: unknown, p: StepInputs): string | undefined {
  const { x, prevH, Wx, Wh, b } = p;
  const xWx = matmul(x, Wx); // [N, H]
  const hWh = matmul(prevH, Wh); // [N, H]
  const candidates: Array<[Tensor, string]> = [
    [
      tanh(add(xWx, hWh)),
      'nextH matches tanh(x Wx + prevH Wh) without b: add the bias b (broadcast over the batch).',
    ],
    [
      add(add(xWx, hWh), b),
      'nextH matches x Wx + prevH Wh + b without the tanh: apply tanh to the pre-activation.',
    ],
    [
      tanh(add(xWx, b)),
      'nextH matches tanh(x Wx + b): the recurrent term h_{t-1} Wh (prevH times Wh) is missing.',
    ],
    [
      tanh(add(add(xWx, matmul(prevH, transpose(Wh))), b)),
      'nextH matches tanh(x Wx + prevH Whᵀ + b): in the row-vector convention the term is h_{t-1} Wh, Wh ' +
        'not transposed.',
    ],
    [
      sigmoid(add(add(xWx, hWh), b)),
      'nextH matches the sigmoid of the pre-activation: the vanilla RNN uses tanh.',
    ],
    [
      tanh(scale(add(add(xWx, hWh), b), 2)),
      'nextH matches tanh(2a): is tanh written as (e^{2a} - 1)/(e^{2a} + 1) with 2a where a belongs?',
    ],
  ];
  return candidates.find(([value]) => agrees(nextH, value))?.[1];
}

exercise('rnn/rnn-step-forward', () => {
  // Tolerance 1e-10 (relative, CS231n formula; absolute floor 1e-12): nextH is a sum of
  // D + H products and one tanh, so two correct float64 computations differ by a few ulps
  // (about 1e-15 relative); the anchors' 1e-8 leaves room for printed digits we do not need.
  check('nextH matches the reference on a seeded batch (N = 3, D = 4, H = 5)', 1, () => {
    const p = stepInputs(101, 3, 4, 5);
    const expected = rnnStep(p.x, p.prevH, p.Wx, p.Wh, p.b); // [3, 5]
    const { nextH } = rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
    explained(
      () => {
        expectShape(nextH, [3, 5], 'nextH');
        expectClose(nextH, expected, { what: 'nextH', tol: 1e-10 });
      },
      () => readForwardMistake(nextH, p),
      1,
    );
  });

  // Two edge cases, same tolerance. N = 1 catches code that assumes several rows or loses the
  // batch axis; D != H catches Wx and Wh swapped. Weights 4000 times larger push the
  // pre-activations to about ±1000, where tanh is ±1 to the last bit but exp(a) overflows
  // (above 709): a tanh built from exp gives Infinity / Infinity = NaN there.
  check(
    'a batch of one (N = 1, D = 2, H = 6), and saturated pre-activations give ±1, not NaN',
    1,
    () => {
      const p = stepInputs(102, 1, 2, 6);
      const expected = rnnStep(p.x, p.prevH, p.Wx, p.Wh, p.b); // [1, 6]
      const { nextH } = rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
      explained(
        () => {
          expectShape(nextH, [1, 6], 'nextH (N = 1)');
          expectClose(nextH, expected, { what: 'nextH (N = 1)', tol: 1e-10 });
        },
        () => readForwardMistake(nextH, p),
        1,
      );

      const big = stepInputs(103, 4, 3, 5, 4000);
      const saturated = rnnStep(big.x, big.prevH, big.Wx, big.Wh, big.b); // [4, 5], entries ±1
      const out = rnnStepForward(big.x, big.prevH, big.Wx, big.Wh, big.b).nextH;
      explained(
        () => {
          expectShape(out, [4, 5], 'nextH (|a| around 1000)');
          expectFinite(out, 'nextH (|a| around 1000)');
          expectClose(out, saturated, { what: 'nextH (|a| around 1000)', tol: 1e-10 });
        },
        () =>
          'tanh of a large pre-activation must saturate at ±1: computing it from exp(a) or exp(2a) ' +
          "overflows to Infinity / Infinity = NaN (overflow); use Math.tanh or the core's tanh.",
        1,
      );
    },
  );

  check('x, prevH, Wx, Wh and b are not changed', 1, () => {
    const p = stepInputs(104, 3, 4, 5);
    expectNoInputMutation({ ...p }, () => rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b), {
      what: 'rnnStepForward',
      hint: 1,
    });
  });
});
