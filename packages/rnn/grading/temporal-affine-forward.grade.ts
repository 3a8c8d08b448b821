/**
 * Grading suite of rnn/temporal-affine-forward: eq. 1.8, y_t = h_t Wy + by at every step,
 * against the reference.
 */
import { matmul, type Tensor } from '@rnn-course/core';
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
} from '@rnn-course/grader/testing';
import { temporalAffine } from '@rnn-course/rnn';
import { normal } from './inputs';

const { temporalAffineForward } =
  await targetModule<typeof import('@target/rnn/temporal-affine')>('rnn/temporal-affine.ts');

// Tolerance TOLERANCES.value: each element is a sum of H products plus a bias, so two correct
// float64 computations differ by a few ulps.

/** What a wrong out [N, T, V] says: a missing bias, or the time axis mixed up. */
function readAffineMistake(out: unknown, x: Tensor, W: Tensor): string | undefined {
  if (agrees(out, matmul(x, W)))
    return 'out matches x W without the bias: add b [V] at every (n, t).';
  if (isTensor(out) && out.shape.length !== 3) {
    return 'out keeps the batch and time axes: [N, T, V] (reshape the [N·T, V] product back).';
  }
  return 'out[n, t] = x[n, t] W + b (eq. 1.8): the same W and b at every step.';
}

exercise('rnn/temporal-affine-forward', () => {
  check('out matches the reference (N = 2, T = 3, H = 4, V = 5)', 1, async () => {
    const x = normal(701, [2, 3, 4]); // [N, T, H]
    const W = normal(702, [4, 5], 0.5); // [H, V]
    const b = normal(703, [5]); // [V]
    const { out } = await temporalAffineForward(x, W, b);
    const why = { hint: 'rows', explain: () => readAffineMistake(out, x, W) };
    expectShape(out, [2, 3, 5], 'out', why);
    expectClose(out, temporalAffine(x, W, b), {
      what: 'out',
      tol: TOLERANCES.value,
      timeAxis: 1,
      ...why,
    });
  });

  // Gated on the value check above. A b of [1, V] would broadcast silently; a W of the wrong height
  // has no product with x.
  check(
    'x, W and b are not changed, out is a new tensor, and shapes that disagree are refused',
    1,
    async () => {
      const x = normal(707, [2, 3, 4]); // [N, T, H]
      const W = normal(708, [4, 5], 0.5); // [H, V]
      const b = normal(709, [5]); // [V]
      await expectNoInputMutation({ x, W, b }, () => temporalAffineForward(x, W, b), {
        what: 'temporalAffineForward',
      });
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [6, 4] (not [N, T, H])',
          call: () => temporalAffineForward(normal(710, [6, 4]), W, b),
        },
        {
          name: 'ShapeError',
          argument: 'W',
          when: 'W of shape [3, 5] where x has H = 4',
          call: () => temporalAffineForward(x, normal(711, [3, 5]), b),
        },
        {
          name: 'ShapeError',
          argument: 'b',
          when: 'b of shape [1, 5] where V = 5',
          call: () => temporalAffineForward(x, W, normal(712, [1, 5])),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, { what: 'temporalAffineForward', hint: 'step', ...refusal });
      }
    },
    { requires: 'values' },
  );

  // Same tolerance. N = 1 and T = 1 must keep both axes: out [1, 1, V].
  check('N = 1 and T = 1 keep both axes', 1, async () => {
    const x = normal(704, [1, 1, 3]); // [N, T, H]
    const W = normal(705, [3, 6], 0.5); // [H, V]
    const b = normal(706, [6]); // [V]
    const { out } = await temporalAffineForward(x, W, b);
    const why = { hint: 'reshape', explain: () => readAffineMistake(out, x, W) };
    expectShape(out, [1, 1, 6], 'out (N = 1, T = 1)', why);
    expectClose(out, temporalAffine(x, W, b), {
      what: 'out (N = 1, T = 1)',
      tol: TOLERANCES.value,
      ...why,
    });
  });
});
