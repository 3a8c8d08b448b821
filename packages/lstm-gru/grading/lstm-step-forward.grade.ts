/**
 * Grading suite of lstm-gru/lstm-step-forward: one LSTM step, eqs. 2.1–2.4, against the
 * reference on seeded inputs, with the usual mistakes of the gates and the cell read off a wrong
 * answer.
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
import { lstmStep } from '@rnn-course/lstm-gru';
import { lstmStepInputs, normal, type LstmStepInputs } from './inputs';
import { LSTM_FORWARD_MISTAKES, lstmStepWith, matchValue } from './variants';

/** The hint that teaches the fix of each mistake of eqs. 2.1–2.4. */
const HINTS: Record<keyof typeof LSTM_FORWARD_MISTAKES, { hint: string }> = {
  gateOrderIfog: { hint: 'gateOrder' },
  forgetCandidateSwapped: { hint: 'gateOrder' },
  inputForgetSwapped: { hint: 'gateOrder' },
  forgetBiasInCell: { hint: 'cell' },
  forgetOnHidden: { hint: 'cell' },
  outputOfPrevC: { hint: 'output' },
  outputWithoutTanh: { hint: 'output' },
  candidateSigmoid: { hint: 'gateOrder' },
};

const { lstmStepForward } =
  await targetModule<typeof import('@target/lstm-gru/lstm-step')>('lstm-gru/lstm-step.ts');

/** The usual mistake of eqs. 2.1–2.4 that `value` (nextH or nextC) is, if it is one. */
function readStepMistake(value: unknown, which: 'nextH' | 'nextC', p: LstmStepInputs): Explanation {
  const name = matchValue(value, LSTM_FORWARD_MISTAKES, (m) => lstmStepWith(p, m)[which]);
  if (name === undefined) return undefined;
  return { text: `${which}: ${LSTM_FORWARD_MISTAKES[name].text}`, ...HINTS[name] };
}

/** Asserts nextH and nextC against the reference, each read against the usual mistakes. */
function expectStep(
  out: { nextH: unknown; nextC: unknown },
  p: LstmStepInputs,
  shape: readonly number[],
  label: string,
): void {
  const expected = lstmStep(p.x, p.prevH, p.prevC, p.Wx, p.Wh, p.b);
  // nextC first: when it is wrong, nextH (computed from it) is wrong too, for the same reason.
  for (const which of ['nextC', 'nextH'] as const) {
    const what = `${which}${label}`;
    const why = { hint: 'step', explain: () => readStepMistake(out[which], which, p) };
    expectShape(out[which], shape, what, why);
    expectClose(out[which], expected[which], {
      what,
      tol: TOLERANCES.value,
      ...why,
    });
  }
}

exercise('lstm-gru/lstm-step-forward', () => {
  // nextC and nextH are sums of D + H products through three nonlinearities: two correct float64
  // computations differ by a few ulps, TOLERANCES.value. D, H and 4H all differ, so a transpose
  // or a block of the wrong width changes a shape.
  check(
    'nextH and nextC match the reference on a seeded batch (N = 3, D = 4, H = 5)',
    1,
    async () => {
      const p = lstmStepInputs(1101, 3, 4, 5);
      const out = await lstmStepForward(p.x, p.prevH, p.prevC, p.Wx, p.Wh, p.b);
      expectStep(out, p, [3, 5], '');
    },
  );

  // Gated on the value check: code that returns its inputs or zeros changes nothing and refuses
  // nothing either. Each bad shape is wrong in one argument only, so the error must name it.
  check(
    'inputs are not changed, nextH and nextC are new tensors, and shapes that disagree are refused',
    1,
    async () => {
      const p = lstmStepInputs(1104, 3, 4, 5);
      await expectNoInputMutation(
        { ...p },
        () => lstmStepForward(p.x, p.prevH, p.prevC, p.Wx, p.Wh, p.b),
        { what: 'lstmStepForward' },
      );
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [3, 4, 1] (not 2-D)',
          call: () => lstmStepForward(normal(1105, [3, 4, 1]), p.prevH, p.prevC, p.Wx, p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [4, 18] (18 columns is not 4H)',
          call: () => lstmStepForward(p.x, p.prevH, p.prevC, normal(1106, [4, 18]), p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [3, 20] where x has D = 4',
          call: () => lstmStepForward(p.x, p.prevH, p.prevC, normal(1111, [3, 20]), p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [4, 0] (H = 0: no hidden unit)',
          call: () => lstmStepForward(p.x, p.prevH, p.prevC, normal(1112, [4, 0]), p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'Wh',
          when: 'Wh of shape [4, 20] where Wx is [4, 20] (H = 5)',
          call: () => lstmStepForward(p.x, p.prevH, p.prevC, p.Wx, normal(1107, [4, 20]), p.b),
        },
        {
          name: 'ShapeError',
          argument: 'b',
          when: 'b of shape [5] where 4H = 20',
          call: () => lstmStepForward(p.x, p.prevH, p.prevC, p.Wx, p.Wh, normal(1108, [5])),
        },
        {
          name: 'ShapeError',
          argument: 'prevH',
          when: 'prevH of shape [1, 5] where x has N = 3 rows',
          call: () => lstmStepForward(p.x, normal(1109, [1, 5]), p.prevC, p.Wx, p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'prevC',
          when: 'prevC of shape [3, 4] where H = 5',
          call: () => lstmStepForward(p.x, p.prevH, normal(1110, [3, 4]), p.Wx, p.Wh, p.b),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, { what: 'lstmStepForward', hint: 'shapes', ...refusal });
      }
    },
    { requires: 'values' },
  );

  // Same tolerance. N = 1 catches code that loses the batch axis; H = 1 makes every block one
  // column wide (an off-by-one in the block offsets shows); weights 3000 times larger saturate
  // every gate at 0 or 1, where a sigmoid built as 1 / (1 + exp(−a)) is fine but one built as
  // exp(a) / (1 + exp(a)) overflows to NaN.
  check(
    'a batch of one (N = 1, D = 2, H = 1), and saturated gates give finite values, not NaN',
    1,
    async () => {
      const one = lstmStepInputs(1102, 1, 2, 1);
      const outOne = await lstmStepForward(one.x, one.prevH, one.prevC, one.Wx, one.Wh, one.b);
      expectStep(outOne, one, [1, 1], ' (N = 1, H = 1)');

      const big = lstmStepInputs(1103, 4, 3, 5, 3000);
      const out = await lstmStepForward(big.x, big.prevH, big.prevC, big.Wx, big.Wh, big.b);
      const overflow = {
        hint: 'ops',
        explain: () =>
          'With pre-activations around ±1000 every gate is 0 or 1 to the last bit; exp(a) overflows ' +
          "there (above 709): use the core's sigmoid and tanh, which are written to saturate.",
      };
      for (const which of ['nextC', 'nextH'] as const) {
        expectShape(out[which], [4, 5], `${which} (saturated)`, overflow);
        expectFinite(out[which], `${which} (saturated)`, overflow);
      }
      expectStep(out, big, [4, 5], ' (saturated)');
    },
  );
});
