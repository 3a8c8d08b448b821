/**
 * Grading suite of lstm-gru/gru-step-forward: one GRU step, eqs. 2.12–2.14 in PyTorch's
 * convention (gates r, z, n; two biases; the reset gate after the recurrent product), against
 * the reference on seeded inputs, with the usual mistakes read off a wrong answer.
 */
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
  type Explanation,
} from '@rnn-course/grader/testing';
import { gruStep } from '@rnn-course/lstm-gru';
import { gruStepInputs, normal, type GruStepInputs } from './inputs';
import { GRU_FORWARD_MISTAKES, gruStepWith, matchValue } from './variants';

/** The hint that teaches the fix of each mistake of eqs. 2.12–2.14. */
const HINTS: Record<keyof typeof GRU_FORWARD_MISTAKES, { hint: string }> = {
  zSwapped: { hint: 'interpolate' },
  resetBeforeMatmul: { hint: 'reset' },
  oneBias: { hint: 'reset' },
  gatesSwapped: { hint: 'twoParts' },
};

const { gruStepForward } =
  await targetModule<typeof import('@target/lstm-gru/gru-step')>('lstm-gru/gru-step.ts');

/** The usual mistake of eqs. 2.12–2.14 that nextH is, if it is one. */
function readStepMistake(nextH: unknown, p: GruStepInputs): Explanation {
  const name = matchValue(nextH, GRU_FORWARD_MISTAKES, (m) => gruStepWith(p, m));
  if (name === undefined) return undefined;
  return { text: `nextH: ${GRU_FORWARD_MISTAKES[name].text}`, ...HINTS[name] };
}

/** Asserts nextH against the reference, read against the usual mistakes. */
function expectStep(
  nextH: unknown,
  p: GruStepInputs,
  shape: readonly number[],
  what: string,
): void {
  const expected = gruStep(p.x, p.prevH, p.Wx, p.Wh, p.bx, p.bh); // [N, H]
  const why = { hint: 'step', explain: () => readStepMistake(nextH, p) };
  expectShape(nextH, shape, what, why);
  expectClose(nextH, expected, { what, tol: TOLERANCES.value, ...why });
}

exercise('lstm-gru/gru-step-forward', () => {
  // A few sums and three nonlinearities per element: TOLERANCES.value. The two biases are drawn
  // apart and neither is zero, so a model with one bias, or with bh^n outside the reset product,
  // gives other numbers.
  check('nextH matches the reference on a seeded batch (N = 3, D = 4, H = 5)', 1, async () => {
    const p = gruStepInputs(1501, 3, 4, 5);
    const { nextH } = await gruStepForward(p.x, p.prevH, p.Wx, p.Wh, p.bx, p.bh);
    expectStep(nextH, p, [3, 5], 'nextH');
  });

  // Gated on the value check; each bad shape is wrong in one argument only.
  check(
    'inputs are not changed, nextH is a new tensor, and shapes that disagree are refused',
    1,
    async () => {
      const p = gruStepInputs(1504, 3, 4, 5);
      await expectNoInputMutation(
        { ...p },
        () => gruStepForward(p.x, p.prevH, p.Wx, p.Wh, p.bx, p.bh),
        { what: 'gruStepForward' },
      );
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [3, 4, 1] (not 2-D)',
          call: () => gruStepForward(normal(1505, [3, 4, 1]), p.prevH, p.Wx, p.Wh, p.bx, p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [4, 16] (16 columns is not 3H)',
          call: () => gruStepForward(p.x, p.prevH, normal(1506, [4, 16]), p.Wh, p.bx, p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [3, 15] where x has D = 4',
          call: () => gruStepForward(p.x, p.prevH, normal(1511, [3, 15]), p.Wh, p.bx, p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [4, 0] (H = 0: no hidden unit)',
          call: () => gruStepForward(p.x, p.prevH, normal(1512, [4, 0]), p.Wh, p.bx, p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'Wh',
          when: 'Wh of shape [5, 5] where H = 5',
          call: () => gruStepForward(p.x, p.prevH, p.Wx, normal(1507, [5, 5]), p.bx, p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'bx',
          when: 'bx of shape [5] where 3H = 15',
          call: () => gruStepForward(p.x, p.prevH, p.Wx, p.Wh, normal(1508, [5]), p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'bh',
          when: 'bh of shape [1, 15] where 3H = 15',
          call: () => gruStepForward(p.x, p.prevH, p.Wx, p.Wh, p.bx, normal(1509, [1, 15])),
        },
        {
          name: 'ShapeError',
          argument: 'prevH',
          when: 'prevH of shape [1, 5] where x has N = 3 rows',
          call: () => gruStepForward(p.x, normal(1510, [1, 5]), p.Wx, p.Wh, p.bx, p.bh),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, { what: 'gruStepForward', hint: 'shapes', ...refusal });
      }
    },
    { requires: 'values' },
  );

  // N = 1 and H = 1 (one column per gate block); weights 3000 times larger saturate the gates,
  // where an exp-based sigmoid or tanh overflows to NaN.
  check(
    'a batch of one (N = 1, D = 2, H = 1), and saturated gates give finite values, not NaN',
    1,
    async () => {
      const one = gruStepInputs(1502, 1, 2, 1);
      const outOne = await gruStepForward(one.x, one.prevH, one.Wx, one.Wh, one.bx, one.bh);
      expectStep(outOne.nextH, one, [1, 1], 'nextH (N = 1, H = 1)');

      const big = gruStepInputs(1503, 4, 3, 5, 3000);
      const { nextH } = await gruStepForward(big.x, big.prevH, big.Wx, big.Wh, big.bx, big.bh);
      const overflow = {
        hint: 'ops',
        explain: () =>
          'With pre-activations around ±1000 the gates are 0 or 1 to the last bit; exp(a) overflows ' +
          "there: use the core's sigmoid and tanh, which are written to saturate.",
      };
      expectShape(nextH, [4, 5], 'nextH (saturated)', overflow);
      expectFinite(nextH, 'nextH (saturated)', overflow);
      expectStep(nextH, big, [4, 5], 'nextH (saturated)');
    },
  );
});
