/**
 * Grading suite of rnn/hidden-gradient-norms: ‖∂h_{T-1}/∂h_t‖_F for t = 0 … T-1 (eqs. 1.14-1.15),
 * the measurement behind vanishing and exploding gradients (Pascanu et al. 2013).
 */
import { scale, tensor, zeros, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectThrows,
  fail,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import { hiddenGradientNorms as referenceNorms, rnn } from '@rnn-course/rnn';
import { normal, sequenceInputs, type SequenceInputs } from './inputs';

const { hiddenGradientNorms } = await targetModule<
  typeof import('@target/rnn/hidden-gradient-norms')
>('rnn/hidden-gradient-norms.ts');

// Tolerance TOLERANCES.gradient: the reference builds the Jacobian row by row with autograd,
// the learner usually as a product of T [H, H] matrices; both are exact up to rounding that
// grows with T (about 1e-14 here). The norm of the identity is exact up to a few ulps
// (TOLERANCES.roundoff).

/** The learner's number[] as a tensor, or a grading failure naming what came back. */
function asVector(value: unknown, T: number): Tensor {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
    fail(
      'norms',
      `hiddenGradientNorms must return a number[] of length ${T}, received ${Array.isArray(value) ? 'an array of non-numbers' : typeof value}`,
      { hint: 'definition' },
    );
  }
  if (value.length !== T) {
    fail(
      'norms',
      `hiddenGradientNorms returned ${value.length} norms, expected T = ${T}: one per time step, entry t = ‖∂h_{T-1}/∂h_t‖_F`,
      { hint: 'definition' },
    );
  }
  return tensor(value as number[]);
}

/**
 * Norms of products of per-step Jacobians, J_k = diag(1 - h_k²) Whᵀ, with the usual slips as
 * options: no tanh derivative, or the derivative taken at h_{k-1} instead of h_k.
 */
function jacobianNorms(p: SequenceInputs, variant: 'right' | 'no-tanh' | 'previous-h'): number[] {
  const T = p.x.shape[1];
  const H = p.Wh.shape[0];
  const h = rnn(p.x, p.h0, p.Wx, p.Wh, p.b).data; // [1, T, H] flat
  const hAt = (t: number, i: number): number => (t < 0 ? (p.h0.data[i] ?? 0) : (h[t * H + i] ?? 0));
  let J: number[][] = Array.from({ length: H }, (_, i) =>
    Array.from({ length: H }, (_, j) => (i === j ? 1 : 0)),
  );
  const norms = new Array<number>(T).fill(0);
  for (let t = T - 1; t >= 0; t--) {
    norms[t] = Math.sqrt(J.flat().reduce((s, v) => s + v * v, 0));
    if (t === 0) break;
    const k = variant === 'previous-h' ? t - 1 : t;
    // step[i][j] = (1 - h_k[i]²) Wh[j][i]: eq. 1.14, row i of Whᵀ scaled.
    const step = Array.from({ length: H }, (_, i) =>
      Array.from(
        { length: H },
        (_, j) => (variant === 'no-tanh' ? 1 : 1 - hAt(k, i) ** 2) * (p.Wh.data[j * H + i] ?? 0),
      ),
    );
    J = J.map((row) =>
      step[0]!.map((_, j) => row.reduce((s, v, m) => s + v * (step[m]![j] ?? 0), 0)),
    );
  }
  return norms;
}

/** What wrong norms say, read against the usual slips. */
function readNormsMistake(got: unknown, expected: number[], p: SequenceInputs): string | undefined {
  const H = p.Wh.shape[0];
  if (agrees(got, [...expected].reverse())) {
    return (
      'The norms are in reverse order: entry t belongs to time step t, so the last entry (t = T-1) is ' +
      'the identity, sqrt(H), and the entries shrink or grow towards t = 0.'
    );
  }
  if (agrees(got, jacobianNorms(p, 'no-tanh'))) {
    return "The norms are those of powers of Whᵀ alone: each step's Jacobian includes the tanh derivative, ∂h_k/∂h_{k-1} = diag(1 − h_k²) Whᵀ (eq. 1.14).";
  }
  if (agrees(got, jacobianNorms(p, 'previous-h'))) {
    return 'The tanh derivative of step k is taken at h_{k-1}: it is diag(1 − h_k²), from the output of step k itself.';
  }
  if (Array.isArray(got) && got.length === expected.length) {
    const shifted = expected.slice(1).concat([Math.sqrt(H)]);
    if (agrees(got, shifted) || agrees(got.slice(1), expected.slice(0, -1))) {
      return 'The norms are shifted by one step: entry t is ‖∂h_{T-1}/∂h_t‖_F, with entry T-1 the identity, sqrt(H).';
    }
  }
  return (
    'Entry t is the Frobenius norm of the whole Jacobian ∂h_{T-1}/∂h_t (eq. 1.15): the product of ' +
    'diag(1 − h_k²) Whᵀ for k = T-1 down to t+1, not the norm of one backpropagated vector.'
  );
}

exercise('rnn/hidden-gradient-norms', () => {
  check('the norms match the reference (T = 8, D = 3, H = 4)', 2, async () => {
    const p = sequenceInputs(1301, 1, 8, 3, 4);
    const expected = referenceNorms(p.x, p.h0, p.Wx, p.Wh, p.b);
    const got = await hiddenGradientNorms(p.x, p.h0, p.Wx, p.Wh, p.b);
    expectClose(asVector(got, 8), tensor(expected), {
      what: 'norms',
      tol: TOLERANCES.gradient,
      timeAxis: 0,
      hint: 'jacobian',
      explain: () => readNormsMistake(got, expected, p),
    });
  });

  // Gated on the value check above. The norms are defined for one sequence: a batch of two, or an
  // h0 that is not [1, H], is refused by name.
  check(
    'x, h0, Wx, Wh and b are not changed, and an x that is not one sequence or an h0 that is not [1, H] is refused',
    1,
    async () => {
      const p = sequenceInputs(1331, 1, 5, 3, 4);
      await expectNoInputMutation({ ...p }, () => hiddenGradientNorms(p.x, p.h0, p.Wx, p.Wh, p.b), {
        what: 'hiddenGradientNorms',
      });
      const two = sequenceInputs(1332, 2, 5, 3, 4);
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [2, 5, 3] (two sequences)',
          call: () => hiddenGradientNorms(two.x, p.h0, p.Wx, p.Wh, p.b),
        },
        {
          name: 'ShapeError',
          argument: 'h0',
          when: 'h0 of shape [1, 3] where H = 4',
          call: () => hiddenGradientNorms(p.x, normal(1333, [1, 3]), p.Wx, p.Wh, p.b),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, { what: 'hiddenGradientNorms', hint: 'step', ...refusal });
      }
    },
    { requires: 'values' },
  );

  // T = 1: the only entry is the identity's norm, sqrt(H), exactly (to rounding of sqrt).
  // A growing Wh (entries 3 times larger, spectral radius well above 1) must match too:
  // the exploding case, where norms grow going back in time.
  check(
    'T = 1 gives [sqrt(H)], and an exploding Wh matches the reference (T = 6, H = 5)',
    1,
    async () => {
      const one = sequenceInputs(1311, 1, 1, 2, 3);
      const got = await hiddenGradientNorms(one.x, one.h0, one.Wx, one.Wh, one.b);
      expectClose(asVector(got, 1), tensor([Math.sqrt(3)]), {
        what: 'norms (T = 1)',
        tol: TOLERANCES.roundoff,
        hint: 'definition',
        explain: () =>
          'With T = 1 the only Jacobian is ∂h_0/∂h_0, the identity [H, H], whose Frobenius norm is sqrt(H).',
      });
      const base = sequenceInputs(1312, 1, 6, 2, 5);
      const p = { ...base, Wh: scale(base.Wh, 3) };
      const expected = referenceNorms(p.x, p.h0, p.Wx, p.Wh, p.b);
      const big = await hiddenGradientNorms(p.x, p.h0, p.Wx, p.Wh, p.b);
      expectClose(asVector(big, 6), tensor(expected), {
        what: 'norms (large Wh)',
        tol: TOLERANCES.gradient,
        timeAxis: 0,
        hint: 'jacobian',
        explain: () => readNormsMistake(big, expected, p),
      });
    },
  );

  // Wh = 0: h_{T-1} does not depend on any earlier state, so every entry before the last is
  // exactly 0 (the product contains a zero matrix); the last is sqrt(H).
  check('with Wh = 0 nothing reaches h_{T-1} from earlier steps', 1, async () => {
    const base = sequenceInputs(1321, 1, 5, 2, 4);
    const got = await hiddenGradientNorms(base.x, base.h0, base.Wx, zeros([4, 4]), base.b);
    expectClose(asVector(got, 5), tensor([0, 0, 0, 0, 2]), {
      what: 'norms (Wh = 0)',
      tol: TOLERANCES.roundoff,
      atol: 0,
      hint: 'definition',
      explain: () =>
        'With Wh = 0 every per-step Jacobian diag(1 − h_k²) Whᵀ is zero, so entries 0 … T-2 are 0 and ' +
        'entry T-1 is sqrt(H) = 2.',
    });
  });
});
