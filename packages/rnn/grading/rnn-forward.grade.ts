/**
 * Grading suite of rnn/rnn-forward: eq. 1.1 unrolled through time from h0, against the
 * reference on seeded sequences.
 */
import { stepsToSequence, timeStep, type Tensor } from '@rnn-course/core';
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
  type FailureDetail,
  type TimePattern,
} from '@rnn-course/grader/testing';
import { rnn, rnnStep } from '@rnn-course/rnn';
import { normal, sequenceInputs, type SequenceInputs } from './inputs';

const { rnnForward } = await targetModule<typeof import('@target/rnn/rnn')>('rnn/rnn.ts');

// Tolerance TOLERANCES.value: each step adds a few ulps of rounding and tanh' < 1 with this Wh
// keeps them from growing, so correct code agrees with the reference to about 1e-14.

/** What a wrong h [N, T, H] says, read against the usual mistakes of unrolling. */
function readUnrollMistake(
  h: unknown,
  p: SequenceInputs,
  expected: Tensor,
  steps: TimePattern | undefined,
): string | undefined {
  const { x, h0, Wx, Wh, b } = p;
  const T = x.shape[1];
  if (isTensor(h) && h.shape.length === 3 && h.shape[0] === T && h.shape[1] === x.shape[0]) {
    return 'h looks time-major [T, N, H]: the course is batch-first, h [N, T, H] (stepsToSequence stacks on axis 1).';
  }
  const fromH0 = stepsToSequence(
    Array.from({ length: T }, (_, t) => rnnStep(timeStep(x, t), h0, Wx, Wh, b)),
  ); // [N, T, H]
  if (agrees(h, fromH0)) {
    return "Every step started from h0: step t must start from h_{t-1}, the hidden state the previous step produced (the previous step's nextH).";
  }
  const stepZeroRight = steps !== undefined && steps.right.includes(0);
  if (stepZeroRight && steps.wrong.length > 0) {
    return (
      'Step 0 is right and later steps are wrong: is each step fed the previous hidden state h_{t-1} ' +
      '(not h0), with the same Wx, Wh and b?'
    );
  }
  if (steps !== undefined && steps.wrong.includes(0)) {
    const shifted = steps.steps > 1 && isTensor(h) && agrees(timeStep(h, 1), timeStep(expected, 0));
    if (shifted)
      return 'h[:, 1] holds what belongs in h[:, 0]: h0 is the state before step 0, not part of h.';
    return (
      'Already wrong at step 0, which starts from h0: check your rnnStepForward (rnn/rnn-step-forward) ' +
      'and that step 0 starts from h0.'
    );
  }
  return undefined;
}

/**
 * Asserts h against the reference, per time step, and reads a failure with the steps it was
 * wrong at.
 */
function expectSequence(
  h: unknown,
  expected: Tensor,
  p: SequenceInputs,
  what: string,
  shape: readonly number[],
): void {
  const why = {
    hint: 'unroll',
    explain: ({ pattern }: FailureDetail) => readUnrollMistake(h, p, expected, pattern),
  };
  expectShape(h, shape, what, why);
  expectClose(h, expected, { what, tol: TOLERANCES.value, timeAxis: 1, ...why });
}

exercise('rnn/rnn-forward', () => {
  check(
    'h matches the reference over a seeded sequence (N = 2, T = 5, D = 3, H = 4)',
    1,
    async () => {
      const p = sequenceInputs(301, 2, 5, 3, 4);
      const expected = rnn(p.x, p.h0, p.Wx, p.Wh, p.b); // [2, 5, 4]
      const { h } = await rnnForward(p.x, p.h0, p.Wx, p.Wh, p.b);
      expectSequence(h, expected, p, 'h', [2, 5, 4]);
    },
  );

  // Gated on the value check above. An empty sequence (T = 0) has no hidden state to return and no
  // last state to carry, so it is refused like any shape that does not fit.
  check(
    'inputs are not changed, h is a new tensor, and shapes that disagree or T = 0 are refused',
    1,
    async () => {
      const p = sequenceInputs(304, 2, 4, 3, 4);
      await expectNoInputMutation({ ...p }, () => rnnForward(p.x, p.h0, p.Wx, p.Wh, p.b), {
        what: 'rnnForward',
      });
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [2, 3] (not [N, T, D])',
          call: () => rnnForward(normal(305, [2, 3]), p.h0, p.Wx, p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [2, 0, 3] (T = 0: no step to take)',
          call: () => rnnForward(normal(306, [2, 0, 3]), p.h0, p.Wx, p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'Wx',
          when: 'Wx of shape [4, 4] where x has D = 3',
          call: () => rnnForward(p.x, p.h0, normal(307, [4, 4]), p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'Wh',
          when: 'Wh of shape [4, 3] where Wx is [3, 4]',
          call: () => rnnForward(p.x, p.h0, p.Wx, normal(308, [4, 3]), p.b),
        },
        {
          name: 'ShapeError',
          argument: 'b',
          when: 'b of shape [1, 4] where H = 4',
          call: () => rnnForward(p.x, p.h0, p.Wx, p.Wh, normal(309, [1, 4])),
        },
        {
          name: 'ShapeError',
          argument: 'h0',
          when: 'h0 of shape [1, 4] where x has N = 2 sequences',
          call: () => rnnForward(p.x, normal(310, [1, 4]), p.Wx, p.Wh, p.b),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, { what: 'rnnForward', hint: 'shapes', ...refusal });
      }
    },
    { requires: 'values' },
  );

  // Same tolerance. T = 1 is one step from h0 (no recurrence to get wrong, but the loop bounds
  // and the stacking can be); N = 1 keeps the batch axis in h [1, T, H].
  check('T = 1 (one step from h0) and N = 1 (a single sequence of T = 6)', 1, async () => {
    const one = sequenceInputs(302, 3, 1, 4, 5);
    const expectedOne = rnn(one.x, one.h0, one.Wx, one.Wh, one.b); // [3, 1, 5]
    const hOne = (await rnnForward(one.x, one.h0, one.Wx, one.Wh, one.b)).h;
    expectSequence(hOne, expectedOne, one, 'h (T = 1)', [3, 1, 5]);

    const single = sequenceInputs(303, 1, 6, 2, 3);
    const expectedSingle = rnn(single.x, single.h0, single.Wx, single.Wh, single.b); // [1, 6, 3]
    const hSingle = (await rnnForward(single.x, single.h0, single.Wx, single.Wh, single.b)).h;
    expectSequence(hSingle, expectedSingle, single, 'h (N = 1)', [1, 6, 3]);
  });
});
