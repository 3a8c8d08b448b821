/**
 * Grading suite of lstm-gru/lstm-forward: eqs. 2.1–2.4 unrolled through time from (h0, c0),
 * against the reference on seeded sequences, read step by step.
 */
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectShape,
  expectThrows,
  isTensor,
  targetModule,
  TOLERANCES,
  type Explanation,
  type FailureDetail,
} from '@rnn-course/grader/testing';
import { lstm } from '@rnn-course/lstm-gru';
import { lstmSequenceInputs, normal, type LstmSequenceInputs } from './inputs';
import { LSTM_FORWARD_MISTAKES, lstmWith, matchValue } from './variants';

const { lstmForward } =
  await targetModule<typeof import('@target/lstm-gru/lstm')>('lstm-gru/lstm.ts');

// Tolerance TOLERANCES.value: each step adds a few ulps of rounding, and the forget gate (< 1)
// keeps them from growing; correct code agrees with the reference to about 1e-15.

/** What a wrong h or c [N, T, H] says, read against the usual mistakes of unrolling. */
function readUnrollMistake(
  value: unknown,
  which: 'h' | 'c',
  p: LstmSequenceInputs,
  detail: FailureDetail,
): Explanation {
  const T = p.x.shape[1] as number;
  if (
    isTensor(value) &&
    value.shape[0] === T &&
    value.shape[1] === p.x.shape[0] &&
    T !== p.x.shape[0]
  ) {
    return `${which} looks time-major [T, N, H]: the course is batch-first, [N, T, H] (stepsToSequence stacks on axis 1).`;
  }
  if (agrees(value, lstmWith(p, { fromC0: true })[which])) {
    return {
      text:
        `${which}: every step started from c0: the cell state is carried like the hidden state, ` +
        "each step's prevC is the previous step's nextC.",
      hint: 'carryCell',
    };
  }
  if (agrees(value, lstmWith(p, { fromH0: true })[which])) {
    return {
      text: `${which}: every step started from h0: each step's prevH is the previous step's nextH.`,
      hint: 'carryCell',
    };
  }
  const name = matchValue(value, LSTM_FORWARD_MISTAKES, (m) => lstmWith(p, m)[which]);
  if (name !== undefined) {
    return {
      text:
        `${which}: every step has this mistake of the cell: ${LSTM_FORWARD_MISTAKES[name].text} ` +
        'Check your lstmStepForward (lstm-gru/lstm-step-forward) first.',
      hint: 'unroll',
    };
  }
  const steps = detail.pattern;
  if (steps !== undefined && steps.right.includes(0) && steps.wrong.length > 0) {
    return {
      text:
        `${which} is right at step 0 and wrong later: is each step fed the previous step's nextH and ` +
        'nextC, with the same Wx, Wh and b?',
      hint: 'carryCell',
    };
  }
  return undefined;
}

/** Asserts h and c against the reference, per time step. */
function expectSequence(
  out: { h: unknown; c: unknown },
  p: LstmSequenceInputs,
  shape: readonly number[],
  label: string,
): void {
  const expected = lstm(p.x, p.h0, p.c0, p.Wx, p.Wh, p.b);
  for (const which of ['c', 'h'] as const) {
    const what = `${which}${label}`;
    const why = {
      hint: 'unroll',
      explain: (d: FailureDetail) => readUnrollMistake(out[which], which, p, d),
    };
    expectShape(out[which], shape, what, why);
    expectClose(out[which], expected[which], { what, tol: TOLERANCES.value, timeAxis: 1, ...why });
  }
}

exercise('lstm-gru/lstm-forward', () => {
  check(
    'h and c match the reference over a seeded sequence (N = 2, T = 5, D = 3, H = 4)',
    1,
    async () => {
      const p = lstmSequenceInputs(1301, 2, 5, 3, 4);
      const out = await lstmForward(p.x, p.h0, p.c0, p.Wx, p.Wh, p.b);
      expectSequence(out, p, [2, 5, 4], '');
    },
  );

  // Gated on the value check. An empty sequence (T = 0) has no state to return, so it is refused
  // like any shape that does not fit.
  check(
    'inputs are not changed, h and c are new tensors, and shapes that disagree or T = 0 are refused',
    1,
    async () => {
      const p = lstmSequenceInputs(1304, 2, 4, 3, 4);
      await expectNoInputMutation({ ...p }, () => lstmForward(p.x, p.h0, p.c0, p.Wx, p.Wh, p.b), {
        what: 'lstmForward',
      });
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [2, 3] (not [N, T, D])',
          call: () => lstmForward(normal(1305, [2, 3]), p.h0, p.c0, p.Wx, p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [2, 0, 3] (T = 0: no step to take)',
          call: () => lstmForward(normal(1306, [2, 0, 3]), p.h0, p.c0, p.Wx, p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [4, 16] where x has D = 3',
          call: () => lstmForward(p.x, p.h0, p.c0, normal(1307, [4, 16]), p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [3, 15] (15 columns is not 4H)',
          call: () => lstmForward(p.x, p.h0, p.c0, normal(1312, [3, 15]), p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [3, 0] (H = 0: no hidden unit)',
          call: () => lstmForward(p.x, p.h0, p.c0, normal(1313, [3, 0]), p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'Wh',
          when: 'Wh of shape [3, 16] where H = 4',
          call: () => lstmForward(p.x, p.h0, p.c0, p.Wx, normal(1308, [3, 16]), p.b),
        },
        {
          name: 'ShapeError',
          argument: 'b',
          when: 'b of shape [4] where 4H = 16',
          call: () => lstmForward(p.x, p.h0, p.c0, p.Wx, p.Wh, normal(1309, [4])),
        },
        {
          name: 'ShapeError',
          argument: 'h0',
          when: 'h0 of shape [1, 4] where x has N = 2 sequences',
          call: () => lstmForward(p.x, normal(1310, [1, 4]), p.c0, p.Wx, p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'c0',
          when: 'c0 of shape [2, 3] where H = 4',
          call: () => lstmForward(p.x, p.h0, normal(1311, [2, 3]), p.Wx, p.Wh, p.b),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, { what: 'lstmForward', hint: 'shapes', ...refusal });
      }
    },
    { requires: 'values' },
  );

  // Same tolerance. T = 1 is one step from (h0, c0); N = 1 keeps the batch axis in [1, T, H];
  // D = H = 1 makes every gate block one column wide.
  check(
    'T = 1 (one step from h0, c0), N = 1 (a single sequence of T = 6), and D = H = 1',
    1,
    async () => {
      const one = lstmSequenceInputs(1302, 3, 1, 4, 5);
      expectSequence(
        await lstmForward(one.x, one.h0, one.c0, one.Wx, one.Wh, one.b),
        one,
        [3, 1, 5],
        ' (T = 1)',
      );
      const single = lstmSequenceInputs(1303, 1, 6, 2, 3);
      expectSequence(
        await lstmForward(single.x, single.h0, single.c0, single.Wx, single.Wh, single.b),
        single,
        [1, 6, 3],
        ' (N = 1)',
      );
      const unit = lstmSequenceInputs(1314, 2, 3, 1, 1);
      expectSequence(
        await lstmForward(unit.x, unit.h0, unit.c0, unit.Wx, unit.Wh, unit.b),
        unit,
        [2, 3, 1],
        ' (D = H = 1)',
      );
    },
  );
});
