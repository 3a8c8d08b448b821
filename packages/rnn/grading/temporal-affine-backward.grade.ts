/**
 * Grading suite of rnn/temporal-affine-backward: eq. 1.9, against central differences of the
 * learner's own temporalAffineForward and against the reference's autograd gradients.
 */
import { scale, sum, type Tensor } from '@rnn-course/core';
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
  TOLERANCES,
  type LayerGradients,
} from '@rnn-course/grader/testing';
import { temporalAffine } from '@rnn-course/rnn';
import { normal } from './inputs';

const { temporalAffineBackward, temporalAffineForward } =
  await targetModule<typeof import('@target/rnn/temporal-affine')>('rnn/temporal-affine.ts');

/**
 * Tolerances: against the reference, TOLERANCES.gradient (sums of N·T products in another
 * order); against central differences, TOLERANCES.numericLinear (the map is linear: only the
 * rounding error remains).
 */
const TOL = { reference: TOLERANCES.gradient, numeric: TOLERANCES.numericLinear } as const;

/** The learner's gradients, central differences of the learner's forward, the reference's. */
function gradientsOf(x: Tensor, W: Tensor, b: Tensor, dout: Tensor): Promise<LayerGradients> {
  return layerGradients({
    inputs: { x, W, b },
    dout,
    forward: temporalAffineForward,
    output: (r) => r.out,
    backward: temporalAffineBackward,
    reference: temporalAffine,
  });
}

/** What wrong dW or db say: which of the two axes, batch and time, was not summed. */
function readSumMistake(
  g: Record<string, unknown>,
  ref: Record<string, Tensor>,
  dout: Tensor,
): string | undefined {
  const [N, T, V] = dout.shape;
  const lines: string[] = [];
  const db = g['db'];
  if (!agrees(db, ref['db'])) {
    if (isTensor(db) && db.shape.join() === [N, V].join()) {
      lines.push(
        'db is [N, V]: it was summed over time but not over the batch. b acts at every (n, t), so ' +
          'db is summed over the batch and over time: [V].',
      );
    } else if (isTensor(db) && db.shape.join() === [T, V].join()) {
      lines.push(
        'db is [T, V]: it was summed over the batch but not over time. db sums dout over both axes: [V].',
      );
    } else if (isTensor(db) && db.shape.length === 3) {
      lines.push(
        'db is not summed: b acts at every (n, t), so db is dout summed over the batch and over time, [V].',
      );
    } else if (agrees(db, scale(ref['db'], 1 / (N * T))) || agrees(db, scale(ref['db'], 1 / N))) {
      lines.push('db is an average: it is summed over the batch and over time, with no division.');
    } else if (agrees(db, sum(sum(dout, 1), 0))) {
      lines.push('db sums dout over the batch and over time.');
    } else {
      lines.push('db = Σ_n Σ_t dout[n, t]: summed over the batch and over time.');
    }
  }
  if (!agrees(g['dW'], ref['dW'])) {
    lines.push(
      'dW = Σ_n Σ_t x[n, t]ᵀ dout[n, t]: reshape both to N·T rows, then dW = x2ᵀ dout2 [H, V], ' +
        'summed over the batch and over time.',
    );
  }
  if (!agrees(g['dx'], ref['dx'])) lines.push('dx[n, t] = dout[n, t] Wᵀ at every step.');
  return lines.length === 0 ? undefined : lines.join('\n');
}

exercise('rnn/temporal-affine-backward', () => {
  check(
    'dx, dW, db match finite differences of your forward and the reference (N = 2, T = 3, H = 4, V = 5)',
    2,
    async () => {
      const x = normal(801, [2, 3, 4]); // [N, T, H]
      const W = normal(802, [4, 5], 0.5); // [H, V]
      const b = normal(803, [5]); // [V]
      const dout = normal(804, [2, 3, 5]); // [N, T, V]
      const { analytic, numeric, reference } = await gradientsOf(x, W, b, dout);
      expectGradients({
        what: 'temporalAffineBackward',
        analytic,
        numeric,
        reference,
        timeAxis: { dx: 1 },
        tol: TOL,
        hint: 'sums',
        explain: () => readSumMistake(analytic, reference, dout),
      });
    },
  );

  // Gated on the value check above. A dout of the wrong shape (here: V too small) would be reshaped
  // into the wrong rows or fail inside a product, so it is refused by name.
  check(
    'dout and the inputs held in the cache are not changed, the gradients are new tensors, and a dout of the wrong shape is refused',
    1,
    async () => {
      const x = normal(809, [2, 4, 3]); // [N, T, H]
      const W = normal(810, [3, 5], 0.5); // [H, V]
      const b = normal(811, [5]); // [V]
      const dout = normal(812, [2, 4, 5]); // [N, T, V]
      const { cache } = await temporalAffineForward(x, W, b);
      await expectNoInputMutation({ dout, x, W, b }, () => temporalAffineBackward(dout, cache), {
        what: 'temporalAffineBackward',
      });
      await expectThrows(() => temporalAffineBackward(normal(813, [4, 2, 5]), cache), {
        what: 'temporalAffineBackward',
        name: 'ShapeError',
        argument: 'dout',
        when: 'dout of shape [4, 2, 5] where out is [2, 4, 5]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  // Same tolerances; N = 1, T = 1 keeps both axes in dx [1, 1, H].
  check('N = 1 and T = 1 (dx keeps both axes)', 1, async () => {
    const x = normal(805, [1, 1, 3]); // [N, T, H]
    const W = normal(806, [3, 4], 0.5); // [H, V]
    const b = normal(807, [4]); // [V]
    const dout = normal(808, [1, 1, 4]); // [N, T, V]
    const { analytic, numeric, reference } = await gradientsOf(x, W, b, dout);
    expectGradients({
      what: 'temporalAffineBackward (N = 1, T = 1)',
      analytic,
      numeric,
      reference,
      tol: TOL,
      hint: 'sums',
      explain: () => readSumMistake(analytic, reference, dout),
    });
  });
});
