/**
 * Grading suite of lstm-gru/gru-forward: eqs. 2.12–2.14 unrolled through time from h0, against
 * the reference on seeded sequences, read step by step.
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
import { gru } from '@rnn-course/lstm-gru';
import { gruSequenceInputs, normal, type GruSequenceInputs } from './inputs';
import { GRU_FORWARD_MISTAKES, gruWith, matchValue } from './variants';

const { gruForward } = await targetModule<typeof import('@target/lstm-gru/gru')>('lstm-gru/gru.ts');

// Tolerance TOLERANCES.value: a few ulps per step, kept from growing by the gates.

/** What a wrong h [N, T, H] says, read against the usual mistakes of unrolling. */
function readUnrollMistake(h: unknown, p: GruSequenceInputs, detail: FailureDetail): Explanation {
  const [N, T] = p.x.shape as [number, number, number];
  if (isTensor(h) && h.shape[0] === T && h.shape[1] === N && T !== N) {
    return 'h looks time-major [T, N, H]: the course is batch-first, h [N, T, H] (stepsToSequence stacks on axis 1).';
  }
  if (agrees(h, gruWith(p, { fromH0: true }))) {
    return {
      text: "every step started from h0: each step's prevH is the previous step's nextH.",
      hint: 'unroll',
    };
  }
  const name = matchValue(h, GRU_FORWARD_MISTAKES, (m) => gruWith(p, m));
  if (name !== undefined) {
    return {
      text:
        `h: every step has this mistake of the cell: ${GRU_FORWARD_MISTAKES[name].text} ` +
        'Check your gruStepForward (lstm-gru/gru-step-forward) first.',
      hint: 'unroll',
    };
  }
  const steps = detail.pattern;
  if (steps !== undefined && steps.right.includes(0) && steps.wrong.length > 0) {
    return "h is right at step 0 and wrong later: is each step fed the previous step's nextH?";
  }
  return undefined;
}

/** Asserts h against the reference, per time step. */
function expectSequence(h: unknown, p: GruSequenceInputs, shape: readonly number[], what: string) {
  const expected = gru(p.x, p.h0, p.Wx, p.Wh, p.bx, p.bh); // [N, T, H]
  const why = { hint: 'unroll', explain: (d: FailureDetail) => readUnrollMistake(h, p, d) };
  expectShape(h, shape, what, why);
  expectClose(h, expected, { what, tol: TOLERANCES.value, timeAxis: 1, ...why });
}

exercise('lstm-gru/gru-forward', () => {
  check(
    'h matches the reference over a seeded sequence (N = 2, T = 5, D = 3, H = 4)',
    1,
    async () => {
      const p = gruSequenceInputs(1701, 2, 5, 3, 4);
      const { h } = await gruForward(p.x, p.h0, p.Wx, p.Wh, p.bx, p.bh);
      expectSequence(h, p, [2, 5, 4], 'h');
    },
  );

  // Gated on the value check. T = 0 has no state to return, so it is refused.
  check(
    'inputs are not changed, h is a new tensor, and shapes that disagree or T = 0 are refused',
    1,
    async () => {
      const p = gruSequenceInputs(1704, 2, 4, 3, 4);
      await expectNoInputMutation({ ...p }, () => gruForward(p.x, p.h0, p.Wx, p.Wh, p.bx, p.bh), {
        what: 'gruForward',
      });
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [2, 3] (not [N, T, D])',
          call: () => gruForward(normal(1705, [2, 3]), p.h0, p.Wx, p.Wh, p.bx, p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [2, 0, 3] (T = 0: no step to take)',
          call: () => gruForward(normal(1706, [2, 0, 3]), p.h0, p.Wx, p.Wh, p.bx, p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [4, 12] where x has D = 3',
          call: () => gruForward(p.x, p.h0, normal(1707, [4, 12]), p.Wh, p.bx, p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [3, 13] (13 columns is not 3H)',
          call: () => gruForward(p.x, p.h0, normal(1712, [3, 13]), p.Wh, p.bx, p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [3, 0] (H = 0: no hidden unit)',
          call: () => gruForward(p.x, p.h0, normal(1713, [3, 0]), p.Wh, p.bx, p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'Wh',
          when: 'Wh of shape [3, 12] where H = 4',
          call: () => gruForward(p.x, p.h0, p.Wx, normal(1708, [3, 12]), p.bx, p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'bx',
          when: 'bx of shape [4] where 3H = 12',
          call: () => gruForward(p.x, p.h0, p.Wx, p.Wh, normal(1709, [4]), p.bh),
        },
        {
          name: 'ShapeError',
          argument: 'bh',
          when: 'bh of shape [13] where 3H = 12',
          call: () => gruForward(p.x, p.h0, p.Wx, p.Wh, p.bx, normal(1710, [13])),
        },
        {
          name: 'ShapeError',
          argument: 'h0',
          when: 'h0 of shape [1, 4] where x has N = 2 sequences',
          call: () => gruForward(p.x, normal(1711, [1, 4]), p.Wx, p.Wh, p.bx, p.bh),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, { what: 'gruForward', hint: 'shapes', ...refusal });
      }
    },
    { requires: 'values' },
  );

  // T = 1 is one step from h0; N = 1 keeps the batch axis in h [1, T, H]; D = H = 1 makes every
  // gate block one column wide.
  check(
    'T = 1 (one step from h0), N = 1 (a single sequence of T = 6), and D = H = 1',
    1,
    async () => {
      const one = gruSequenceInputs(1702, 3, 1, 4, 5);
      const hOne = (await gruForward(one.x, one.h0, one.Wx, one.Wh, one.bx, one.bh)).h;
      expectSequence(hOne, one, [3, 1, 5], 'h (T = 1)');
      const single = gruSequenceInputs(1703, 1, 6, 2, 3);
      const hSingle = (
        await gruForward(single.x, single.h0, single.Wx, single.Wh, single.bx, single.bh)
      ).h;
      expectSequence(hSingle, single, [1, 6, 3], 'h (N = 1)');
      const unit = gruSequenceInputs(1714, 2, 3, 1, 1);
      const hUnit = (await gruForward(unit.x, unit.h0, unit.Wx, unit.Wh, unit.bx, unit.bh)).h;
      expectSequence(hUnit, unit, [2, 3, 1], 'h (D = H = 1)');
    },
  );
});
