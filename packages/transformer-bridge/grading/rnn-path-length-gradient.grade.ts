/**
 * Grading suite of transformer-bridge/rnn-path-length-gradient: ‖∂h_{T−1}/∂x_0‖_F of a vanilla
 * RNN as a product of T Jacobians (chapter 1, eq. 1.14), against the reference's autograd for
 * several lengths, with W_h = 0 (where the product is exactly zero) and the promised refusal.
 */
import {
  matmul,
  mul,
  ones,
  Rng,
  randn,
  square,
  sub,
  sum,
  timeStep,
  transpose,
  zeros,
  type Tensor,
} from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectThrows,
  type Explanation,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import { rnn } from '@rnn-course/rnn';
import { rnnPathLengthGradient as referenceNorm } from '@rnn-course/transformer-bridge';

const { rnnPathLengthGradient } = await targetModule<
  typeof import('@target/transformer-bridge/rnn-path-length-gradient')
>('transformer-bridge/rnn-path-length-gradient.ts');

// Tolerance TOLERANCES.gradient: the reference differentiates by autograd, one backward pass
// per output feature; the learner multiplies T Jacobians. Both are exact up to rounding that
// grows with T (about 1e-14 here).

/** One sequence x [1, T, D] and an RNN of width H at a scale that keeps tanh unsaturated. */
function seededRnn(seed: number, T: number, D: number, H: number) {
  const rng = new Rng(seed);
  return {
    x: randn([1, T, D], rng), // [1, T, D]
    h0: randn([1, H], rng, { std: 0.5 }), // [1, H]
    Wx: randn([D, H], rng, { std: 0.6 / Math.sqrt(D) }), // [D, H]
    Wh: randn([H, H], rng, { std: 0.9 / Math.sqrt(H) }), // [H, H]
    b: randn([H], rng, { std: 0.2 }), // [H]
  };
}
type RnnCase = ReturnType<typeof seededRnn>;

/** The product of Jacobians with the usual slips as options. */
function jacobianNorm(
  c: RnnCase,
  opts: { noTanh?: boolean; noInput?: boolean; shift?: boolean },
): number {
  const T = c.x.shape[1] as number;
  const H = c.Wh.shape[0] as number;
  const h = rnn(c.x, c.h0, c.Wx, c.Wh, c.b); // [1, T, H]
  const slope = (t: number): Tensor =>
    opts.noTanh ? ones([1, H]) : sub(1, square(timeStep(h, opts.shift ? t - 1 : t)));
  let M = zeros([H, H]);
  for (let i = 0; i < H; i++) M.set(1, i, i);
  for (let t = T - 1; t >= 1; t--) M = matmul(mul(M, slope(t)), transpose(c.Wh)); // [H, H]
  const J = opts.noInput ? M : matmul(mul(M, slope(0)), transpose(c.Wx)); // [H, D] or [H, H]
  return Math.sqrt(sum(square(J)).item());
}

/** What a wrong norm says, read against the usual slips of the product of Jacobians. */
function readPathMistake(got: unknown, c: RnnCase): Explanation {
  if (typeof got !== 'number') return undefined;
  if (agrees(got, jacobianNorm(c, { noTanh: true }))) {
    return {
      text: 'The Jacobians have no tanh derivative: each step is diag(1 − h_t²) Whᵀ, not Whᵀ alone (eq. 1.14).',
      hint: 'jacobians',
    };
  }
  if (agrees(got, jacobianNorm(c, { noInput: true }))) {
    return {
      text: 'This is ‖∂h_{T−1}/∂h_0‖: the path ends at x_0, one more factor, diag(1 − h_0²) Wxᵀ, [H, D].',
      hint: 'jacobians',
    };
  }
  return undefined;
}

/** The learner's norm for one case against the reference. */
async function expectPath(c: RnnCase, label: string): Promise<number> {
  const got = await rnnPathLengthGradient(c.x, c.h0, c.Wx, c.Wh, c.b);
  expectClose(got, referenceNorm(c.x, c.h0, c.Wx, c.Wh, c.b), {
    what: `‖∂h_{T−1}/∂x_0‖_F ${label}`,
    tol: TOLERANCES.gradient,
    hint: 'order',
    explain: () => readPathMistake(got, c),
  });
  return got;
}

exercise('transformer-bridge/rnn-path-length-gradient', () => {
  check('matches the reference for T = 1, 4 and 12 (D = 3, H = 5)', 1, async () => {
    for (const T of [1, 4, 12]) await expectPath(seededRnn(2101 + T, T, 3, 5), `(T = ${T})`);
  });

  // W_h = 0: h_{T−1} does not depend on x_0 for T > 1, so the norm is exactly 0; x of a batch
  // of two is refused (the experiment follows one sequence); the inputs are read, never written.
  // With a value, so that doing nothing scores nothing.
  check(
    'W_h = 0 gives exactly 0; refuses a batch of two; inputs unchanged',
    1,
    async () => {
      const c = { ...seededRnn(2111, 5, 2, 4), Wh: zeros([4, 4]) };
      const zero = await rnnPathLengthGradient(c.x, c.h0, c.Wx, c.Wh, c.b);
      expectClose(zero, 0, {
        what: '‖∂h_{T−1}/∂x_0‖_F (W_h = 0)',
        tol: TOLERANCES.exact,
        hint: 'jacobians',
        explain: () => 'With W_h = 0 no step passes anything on: every ∂h_t/∂h_{t−1} is zero.',
      });
      const d = seededRnn(2112, 6, 3, 4);
      await expectNoInputMutation({ ...d }, () => expectPath(d, '(T = 6)'), {
        what: 'rnnPathLengthGradient',
      });
      await expectThrows(
        () => rnnPathLengthGradient(randn([2, 3, 3], new Rng(2113)), d.h0, d.Wx, d.Wh, d.b),
        {
          what: 'rnnPathLengthGradient',
          name: 'ShapeError',
          argument: 'x',
          when: 'x [2, 3, 3], a batch of two',
          hint: 'states',
        },
      );
    },
    { requires: ['matches the reference for T = 1, 4 and 12 (D = 3, H = 5)'] },
  );
});
