/**
 * Grading suite of transformer-bridge/layer-norm-forward: eq. 4.10, each position normalised
 * over its D features with the biased variance and eps inside the square root, then scaled and
 * shifted, against the reference (PyTorch's `nn.LayerNorm`) on seeded inputs.
 */
import { add, div, mean, mul, sqrt, square, sub, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectFinite,
  expectNoInputMutation,
  expectShape,
  expectThrows,
  type Explanation,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import { layerNorm } from '@rnn-course/transformer-bridge';
import { normal } from './inputs';

const { layerNormForward } = await targetModule<
  typeof import('@target/transformer-bridge/layer-norm')
>('transformer-bridge/layer-norm.ts');

// Tolerance TOLERANCES.value: a mean, a variance, a square root and two products per element,
// exact up to rounding. Biased against unbiased variance differs by a factor √(D/(D−1)); eps
// outside the square root by about eps/σ: both far outside it.

/** Seeded x [...shape] with an offset per position (so that the mean matters), γ near 1, β. */
function seededInputs(seed: number, shape: readonly number[]) {
  const D = shape[shape.length - 1] as number;
  const x = add(normal(seed, shape, 1.5), normal(seed + 1, [...shape.slice(0, -1), 1], 2)); // [..., D]
  return { x, gamma: add(normal(seed + 2, [D], 0.3), 1), beta: normal(seed + 3, [D], 0.5) };
}

/** Eq. 4.10 with the usual slips as options. */
function normalised(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  opts: { axis?: number; unbiased?: boolean; epsOutside?: boolean; eps?: number } = {},
): Tensor {
  const axis = opts.axis ?? -1;
  const eps = opts.eps ?? 1e-5;
  const n = x.shape.at(axis) as number;
  const xc = sub(x, mean(x, axis, true));
  let variance = mean(square(xc), axis, true);
  if (opts.unbiased) variance = mul(variance, n / (n - 1));
  const sd = opts.epsOutside ? add(sqrt(variance), eps) : sqrt(add(variance, eps));
  return add(mul(div(xc, sd), gamma), beta);
}

/** What a wrong output says, read against the usual slips of eq. 4.10. */
function readNormMistake(out: unknown, x: Tensor, gamma: Tensor, beta: Tensor): Explanation {
  if (x.ndim > 1 && x.shape[0]! > 1 && agrees(out, normalised(x, gamma, beta, { axis: 0 }))) {
    return {
      text:
        'The statistics are taken over the batch (axis 0), as in batch normalisation. Layer norm ' +
        'normalises each position over its own D features, the last axis.',
      hint: 'axis',
    };
  }
  if (
    (x.shape.at(-1) as number) > 1 &&
    agrees(out, normalised(x, gamma, beta, { unbiased: true }))
  ) {
    return {
      text: 'The variance is the unbiased one (divided by D − 1): nn.LayerNorm uses the biased variance, divided by D.',
      hint: 'variance',
    };
  }
  if (agrees(out, normalised(x, gamma, beta, { epsOutside: true }))) {
    return {
      text: 'eps is added to σ: it goes inside the square root, √(σ² + eps).',
      hint: 'variance',
    };
  }
  if (agrees(out, normalised(x, gamma, beta, { eps: 0 }))) {
    return {
      text: 'eps is missing: x̂ = (x − μ) / √(σ² + eps), eps = 1e-5 as in PyTorch.',
      hint: 'variance',
    };
  }
  if (agrees(out, normalised(x, beta, gamma))) {
    return { text: 'γ and β are swapped: y = γ ⊙ x̂ + β.', hint: 'affine' };
  }
  return undefined;
}

/** The learner's forward on one case against the reference. */
async function expectNorm(x: Tensor, gamma: Tensor, beta: Tensor, label: string) {
  const got = await layerNormForward(x, gamma, beta);
  const what = `out ${label}`;
  const why = { hint: 'axis', explain: () => readNormMistake(got.out, x, gamma, beta) };
  expectShape(got.out, x.shape, what, why);
  expectClose(got.out, layerNorm(x, gamma, beta), { what, tol: TOLERANCES.value, ...why });
  return got;
}

exercise('transformer-bridge/layer-norm-forward', () => {
  check('out matches the reference (x [2, 3, 5])', 1, async () => {
    const { x, gamma, beta } = seededInputs(1701, [2, 3, 5]);
    await expectNorm(x, gamma, beta, '(x [2, 3, 5])');
  });

  // Edge cases, same tolerance: one position of a batch of one; 2-D x [N, D]; 1-D x [D]; D = 1, where
  // x − μ = 0 and out = β exactly; a constant row (σ² = 0: eps keeps it finite); rows far from
  // zero (an offset of 1e4, where E[x²] − μ² would lose every digit).
  check(
    'N = T = 1, x [N, D], x [D], D = 1, a constant row, and rows offset by 1e4',
    1,
    async () => {
      const a = seededInputs(1711, [1, 1, 4]);
      await expectNorm(a.x, a.gamma, a.beta, '(x [1, 1, 4])');
      const b = seededInputs(1712, [3, 6]);
      await expectNorm(b.x, b.gamma, b.beta, '(x [3, 6])');
      const vector = seededInputs(1716, [6]); // one position, no batch axes
      await expectNorm(vector.x, vector.gamma, vector.beta, '(x [6])');
      const c = seededInputs(1713, [2, 3, 1]);
      await expectNorm(c.x, c.gamma, c.beta, '(D = 1)');
      const d = seededInputs(1714, [2, 4]);
      d.x.data.fill(0.75, 0, 4); // row 0 constant
      const constant = await expectNorm(d.x, d.gamma, d.beta, '(a constant row)');
      expectFinite(constant.out, 'out (a constant row)', { hint: 'variance' });
      const e = seededInputs(1715, [2, 5]);
      await expectNorm(add(e.x, 1e4), e.gamma, e.beta, '(rows offset by 1e4)');
    },
  );

  // The promises of the doc comment: γ and β of the wrong shape refused; x, γ, β read, never
  // written; out a new tensor. With the values, so that doing nothing scores nothing.
  check(
    'refuses gamma and beta of the wrong shape; inputs unchanged; out is new',
    1,
    async () => {
      const { x, gamma, beta } = seededInputs(1721, [2, 2, 3]);
      const got = await expectNoInputMutation(
        { x, gamma, beta },
        () => expectNorm(x, gamma, beta, '(x [2, 2, 3])'),
        {
          what: 'layerNormForward',
        },
      );
      await expectThrows(() => layerNormForward(x, normal(1722, [4]), beta), {
        what: 'layerNormForward',
        name: 'ShapeError',
        argument: 'gamma',
        when: 'gamma [4] for D = 3',
        hint: 'affine',
      });
      await expectThrows(() => layerNormForward(x, gamma, normal(1723, [2, 3])), {
        what: 'layerNormForward',
        name: 'ShapeError',
        argument: 'beta',
        when: 'beta [2, 3] for D = 3',
        hint: 'affine',
      });
    },
    { requires: ['out matches the reference (x [2, 3, 5])'] },
  );
});
