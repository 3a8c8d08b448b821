/**
 * Grading suite of rnn/rnn-forward: eq. 1.1 unrolled through time from h0, against the
 * reference on seeded sequences.
 */
import { stepsToSequence, timeStep, type Tensor } from '@rnn-course/core';
import {
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectShape,
} from '@rnn-course/grader/testing';
import { rnn, rnnStep } from '@rnn-course/rnn';
import { rnnForward } from '@target/rnn/rnn';
import { agrees, explained, isTensorLike, stepsAgreeing } from './diagnosis';
import { sequenceInputs, type SequenceInputs } from './inputs';

/**
 * Tolerance 1e-10 (relative, CS231n formula): each step adds a few ulps of rounding and
 * tanh' < 1 with this Wh keeps them from growing, so correct code agrees to about 1e-14;
 * the anchors' 1e-7 allows for printed digits we do not have to round through.
 */
const TOL = 1e-10;

/** What a wrong h [N, T, H] says, read against the usual mistakes of unrolling. */
function readUnrollMistake(h: unknown, p: SequenceInputs, expected: Tensor): string | undefined {
  const { x, h0, Wx, Wh, b } = p;
  const T = x.shape[1] as number;
  if (isTensorLike(h) && h.shape.length === 3 && h.shape[0] === T && h.shape[1] === x.shape[0]) {
    return 'h looks time-major [T, N, H]: the course is batch-first, h [N, T, H] (stepsToSequence stacks on axis 1).';
  }
  const fromH0 = stepsToSequence(
    Array.from({ length: T }, (_, t) => rnnStep(timeStep(x, t), h0, Wx, Wh, b)),
  ); // [N, T, H]
  if (agrees(h, fromH0)) {
    return "Every step started from h0: step t must start from h_{t-1}, the hidden state the previous step produced (the previous step's nextH).";
  }
  const ok = stepsAgreeing(h, expected, 1);
  if (ok[0] === true && ok.some((s) => !s)) {
    return (
      'Step 0 is right and later steps are wrong: is each step fed the previous hidden state h_{t-1} ' +
      '(not h0), with the same Wx, Wh and b?'
    );
  }
  if (ok[0] === false && isTensorLike(h)) {
    const shifted = ok.length > 1 && agrees(timeStep(h, 1), timeStep(expected, 0));
    if (shifted)
      return 'h[:, 1] holds what belongs in h[:, 0]: h0 is the state before step 0, not part of h.';
    return (
      'Already wrong at step 0, which starts from h0: check your rnnStepForward (rnn/rnn-step-forward) ' +
      'and that step 0 starts from h0.'
    );
  }
  return undefined;
}

exercise('rnn/rnn-forward', () => {
  check('h matches the reference over a seeded sequence (N = 2, T = 5, D = 3, H = 4)', 1, () => {
    const p = sequenceInputs(301, 2, 5, 3, 4);
    const expected = rnn(p.x, p.h0, p.Wx, p.Wh, p.b); // [2, 5, 4]
    const { h } = rnnForward(p.x, p.h0, p.Wx, p.Wh, p.b);
    explained(
      () => {
        expectShape(h, [2, 5, 4], 'h');
        expectClose(h, expected, { what: 'h', tol: TOL, timeAxis: 1 });
      },
      () => readUnrollMistake(h, p, expected),
      1,
    );
  });

  // Same tolerance. T = 1 is one step from h0 (no recurrence to get wrong, but the loop bounds
  // and the stacking can be); N = 1 keeps the batch axis in h [1, T, H].
  check('T = 1 (one step from h0) and N = 1 (a single sequence of T = 6)', 1, () => {
    const one = sequenceInputs(302, 3, 1, 4, 5);
    const expectedOne = rnn(one.x, one.h0, one.Wx, one.Wh, one.b); // [3, 1, 5]
    const hOne = rnnForward(one.x, one.h0, one.Wx, one.Wh, one.b).h;
    explained(
      () => {
        expectShape(hOne, [3, 1, 5], 'h (T = 1)');
        expectClose(hOne, expectedOne, { what: 'h (T = 1)', tol: TOL, timeAxis: 1 });
      },
      () => readUnrollMistake(hOne, one, expectedOne),
      1,
    );

    const single = sequenceInputs(303, 1, 6, 2, 3);
    const expectedSingle = rnn(single.x, single.h0, single.Wx, single.Wh, single.b); // [1, 6, 3]
    const hSingle = rnnForward(single.x, single.h0, single.Wx, single.Wh, single.b).h;
    explained(
      () => {
        expectShape(hSingle, [1, 6, 3], 'h (N = 1)');
        expectClose(hSingle, expectedSingle, { what: 'h (N = 1)', tol: TOL, timeAxis: 1 });
      },
      () => readUnrollMistake(hSingle, single, expectedSingle),
      1,
    );
  });

  check('x, h0, Wx, Wh and b are not changed', 1, () => {
    const p = sequenceInputs(304, 2, 4, 3, 4);
    expectNoInputMutation({ ...p }, () => rnnForward(p.x, p.h0, p.Wx, p.Wh, p.b), {
      what: 'rnnForward',
      hint: 1,
    });
  });
});
