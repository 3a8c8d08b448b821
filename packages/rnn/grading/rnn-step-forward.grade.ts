/**
 * Grading suite of rnn/rnn-step-forward: one RNN step, eq. 1.1,
 * h_t = tanh(x_t Wx + h_{t-1} Wh + b), against the reference on seeded inputs.
 */
import { add, matmul, scale, sigmoid, tanh, transpose, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectFinite,
  expectNoInputMutation,
  expectShape,
  expectThrows,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import { rnnStep } from '@rnn-course/rnn';
import { normal, stepInputs, type StepInputs } from './inputs';

const { rnnStepForward } =
  await targetModule<typeof import('@target/rnn/rnn-step')>('rnn/rnn-step.ts');

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
  // nextH is a sum of D + H products and one tanh, so two correct float64 computations differ
  // by a few ulps: TOLERANCES.value.
  check('nextH matches the reference on a seeded batch (N = 3, D = 4, H = 5)', 1, async () => {
    const p = stepInputs(101, 3, 4, 5);
    const expected = rnnStep(p.x, p.prevH, p.Wx, p.Wh, p.b); // [3, 5]
    const { nextH } = await rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
    const why = { hint: 'equation', explain: () => readForwardMistake(nextH, p) };
    expectShape(nextH, [3, 5], 'nextH', why);
    expectClose(nextH, expected, { what: 'nextH', tol: TOLERANCES.value, ...why });
  });

  // Gated on the value check above: code that returns prevH, zeros or a copy of an input changes
  // nothing and refuses nothing either. Each bad shape is wrong in one argument only, so the error
  // must name that argument (and rnnStepForward, as its doc comment promises).
  check(
    'inputs are not changed, nextH is a new tensor, and shapes that disagree are refused',
    1,
    async () => {
      const p = stepInputs(104, 3, 4, 5);
      await expectNoInputMutation({ ...p }, () => rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b), {
        what: 'rnnStepForward',
      });
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [3, 4, 1] (not 2-D)',
          call: () => rnnStepForward(normal(105, [3, 4, 1]), p.prevH, p.Wx, p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [5, 5] where x is [3, 4]',
          call: () => rnnStepForward(p.x, p.prevH, normal(106, [5, 5]), p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'Wh',
          when: 'Wh of shape [5, 4] where Wx is [4, 5]',
          call: () => rnnStepForward(p.x, p.prevH, p.Wx, normal(107, [5, 4]), p.b),
        },
        {
          name: 'ShapeError',
          argument: 'b',
          when: 'b of shape [1, 5] where H = 5',
          call: () => rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, normal(108, [1, 5])),
        },
        {
          name: 'ShapeError',
          argument: 'prevH',
          when: 'prevH of shape [1, 5] where x has N = 3 rows',
          call: () => rnnStepForward(p.x, normal(109, [1, 5]), p.Wx, p.Wh, p.b),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, { what: 'rnnStepForward', hint: 'shapes', ...refusal });
      }
    },
    { requires: 'values' },
  );

  // Two edge cases, same tolerance. N = 1 catches code that assumes several rows or loses the
  // batch axis; D != H catches Wx and Wh swapped. Weights 4000 times larger push the
  // pre-activations to about ±1000, where tanh is ±1 to the last bit but exp(a) overflows
  // (above 709): a tanh built from exp gives Infinity / Infinity = NaN there.
  check(
    'a batch of one (N = 1, D = 2, H = 6), and saturated pre-activations give ±1, not NaN',
    1,
    async () => {
      const p = stepInputs(102, 1, 2, 6);
      const expected = rnnStep(p.x, p.prevH, p.Wx, p.Wh, p.b); // [1, 6]
      const { nextH } = await rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
      const why = { hint: 'equation', explain: () => readForwardMistake(nextH, p) };
      expectShape(nextH, [1, 6], 'nextH (N = 1)', why);
      expectClose(nextH, expected, { what: 'nextH (N = 1)', tol: TOLERANCES.value, ...why });

      const big = stepInputs(103, 4, 3, 5, 4000);
      const saturated = rnnStep(big.x, big.prevH, big.Wx, big.Wh, big.b); // [4, 5], entries ±1
      const out = (await rnnStepForward(big.x, big.prevH, big.Wx, big.Wh, big.b)).nextH;
      const overflow = {
        hint: 'equation',
        explain: () =>
          'tanh of a large pre-activation must saturate at ±1: computing it from exp(a) or exp(2a) ' +
          "overflows to Infinity / Infinity = NaN (overflow); use Math.tanh or the core's tanh.",
      };
      expectShape(out, [4, 5], 'nextH (|a| around 1000)', overflow);
      expectFinite(out, 'nextH (|a| around 1000)', overflow);
      expectClose(out, saturated, {
        what: 'nextH (|a| around 1000)',
        tol: TOLERANCES.value,
        ...overflow,
      });
    },
  );
});
