/**
 * Grading suite of rnn/temporal-affine-backward: eq. 1.9, against central differences of the
 * learner's own temporalAffineForward and against the reference's autograd gradients.
 */
import { scale, sum, type Tensor } from '@rnn-course/core';
import {
  check,
  exercise,
  expectGradients,
  expectNoInputMutation,
  layerGradients,
  type LayerGradients,
} from '@rnn-course/grader/testing';
import { temporalAffine } from '@rnn-course/rnn';
import { temporalAffineBackward, temporalAffineForward } from '@target/rnn/temporal-affine';
import { agrees, explained, isTensorLike } from './diagnosis';
import { normal } from './inputs';

/**
 * Tolerances (relative error, CS231n formula). Against the reference: sums of N·T products in
 * another order, so 1e-10. Against central differences at h = 1e-5: the map is linear, so only
 * the rounding error ε |f| / h ≈ 1e-10 remains, and 1e-8 leaves a hundredfold margin.
 */
const TOL = { reference: 1e-10, numeric: 1e-8 } as const;

/** Hint 2: W and b act at every (n, t), so dW and db sum over the batch and over time. */
const HINT_SUMS = 2;

/** The learner's gradients, central differences of the learner's forward, the reference's. */
function gradientsOf(x: Tensor, W: Tensor, b: Tensor, dout: Tensor): LayerGradients {
  return layerGradients({
    inputs: { x, W, b },
    dout,
    forward: (x: Tensor, W: Tensor, b: Tensor) => temporalAffineForward(x, W, b),
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
  const [N, T, V] = dout.shape as [number, number, number];
  const lines: string[] = [];
  const db = g['db'];
  if (!agrees(db, ref['db'] as Tensor)) {
    if (isTensorLike(db) && db.shape.join() === [N, V].join()) {
      lines.push(
        'db is [N, V]: it was summed over time but not over the batch. b acts at every (n, t), so ' +
          'db is summed over the batch and over time: [V].',
      );
    } else if (isTensorLike(db) && db.shape.join() === [T, V].join()) {
      lines.push(
        'db is [T, V]: it was summed over the batch but not over time. db sums dout over both axes: [V].',
      );
    } else if (isTensorLike(db) && db.shape.length === 3) {
      lines.push(
        'db is not summed: b acts at every (n, t), so db is dout summed over the batch and over time, [V].',
      );
    } else if (
      agrees(db, scale(ref['db'] as Tensor, 1 / (N * T))) ||
      agrees(db, scale(ref['db'] as Tensor, 1 / N))
    ) {
      lines.push('db is an average: it is summed over the batch and over time, with no division.');
    } else if (agrees(db, sum(sum(dout, 1), 0))) {
      lines.push('db sums dout over the batch and over time.');
    } else {
      lines.push('db = Σ_n Σ_t dout[n, t]: summed over the batch and over time.');
    }
  }
  if (!agrees(g['dW'], ref['dW'] as Tensor)) {
    lines.push(
      'dW = Σ_n Σ_t x[n, t]ᵀ dout[n, t]: reshape both to N·T rows, then dW = x2ᵀ dout2 [H, V], ' +
        'summed over the batch and over time.',
    );
  }
  if (!agrees(g['dx'], ref['dx'] as Tensor)) lines.push('dx[n, t] = dout[n, t] Wᵀ at every step.');
  return lines.length === 0 ? undefined : lines.join('\n');
}

exercise('rnn/temporal-affine-backward', () => {
  check(
    'dx, dW, db match finite differences of your forward and the reference (N = 2, T = 3, H = 4, V = 5)',
    2,
    () => {
      const x = normal(801, [2, 3, 4]); // [N, T, H]
      const W = normal(802, [4, 5], 0.5); // [H, V]
      const b = normal(803, [5]); // [V]
      const dout = normal(804, [2, 3, 5]); // [N, T, V]
      const { analytic, numeric, reference } = gradientsOf(x, W, b, dout);
      explained(
        () =>
          expectGradients({
            what: 'temporalAffineBackward',
            analytic,
            numeric,
            reference,
            timeAxis: { dx: 1 },
            tol: TOL,
          }),
        () => readSumMistake(analytic, reference, dout),
        HINT_SUMS,
      );
    },
  );

  // Same tolerances; N = 1, T = 1 keeps both axes in dx [1, 1, H].
  check('N = 1 and T = 1 (dx keeps both axes)', 1, () => {
    const x = normal(805, [1, 1, 3]); // [N, T, H]
    const W = normal(806, [3, 4], 0.5); // [H, V]
    const b = normal(807, [4]); // [V]
    const dout = normal(808, [1, 1, 4]); // [N, T, V]
    const { analytic, numeric, reference } = gradientsOf(x, W, b, dout);
    explained(
      () =>
        expectGradients({
          what: 'temporalAffineBackward (N = 1, T = 1)',
          analytic,
          numeric,
          reference,
          tol: TOL,
        }),
      () => readSumMistake(analytic, reference, dout),
      HINT_SUMS,
    );
  });

  check('dout and the inputs held in the cache are not changed', 1, () => {
    const x = normal(809, [2, 4, 3]); // [N, T, H]
    const W = normal(810, [3, 5], 0.5); // [H, V]
    const b = normal(811, [5]); // [V]
    const dout = normal(812, [2, 4, 5]); // [N, T, V]
    const { cache } = temporalAffineForward(x, W, b);
    expectNoInputMutation({ dout, x, W, b }, () => temporalAffineBackward(dout, cache), {
      what: 'temporalAffineBackward',
      hint: 1,
    });
  });
});
