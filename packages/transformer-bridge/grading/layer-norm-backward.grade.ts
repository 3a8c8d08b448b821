/**
 * Grading suite of transformer-bridge/layer-norm-backward: eq. 4.11 and the parameter
 * gradients summed over every position, against central differences of the learner's own
 * forward and against the reference's autograd; D = 1, where dx is zero in exact arithmetic.
 */
import {
  add,
  div,
  mean,
  mul,
  reshape,
  sqrt,
  square,
  sub,
  sum,
  zerosLike,
  type Tensor,
} from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectGradients,
  expectNoInputMutation,
  expectThrows,
  type Explanation,
  isTensor,
  type LayerGradients,
  layerGradients,
  referenceGradients,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import { layerNorm } from '@rnn-course/transformer-bridge';
import { normal } from './inputs';

const { layerNormBackward, layerNormForward } = await targetModule<
  typeof import('@target/transformer-bridge/layer-norm')
>('transformer-bridge/layer-norm.ts');

// Tolerances: expectGradients' defaults, TOLERANCES.gradient against the reference and
// TOLERANCES.numeric against central differences of the learner's forward. With D = 1 every
// position normalises to 0 whatever x is, so dx is zero in exact arithmetic: compared by size
// (the absolute floors), never by relative error.

/** Seeded x [...shape] with an offset per position, γ near 1, β. */
function seededInputs(seed: number, shape: readonly number[]) {
  const D = shape[shape.length - 1] as number;
  const x = add(normal(seed, shape, 1.5), normal(seed + 1, [...shape.slice(0, -1), 1], 2)); // [..., D]
  return { x, gamma: add(normal(seed + 2, [D], 0.3), 1), beta: normal(seed + 3, [D], 0.5) };
}

/** The learner's gradients, central differences of the learner's forward, the reference's. */
function gradientsOf(
  p: { x: Tensor; gamma: Tensor; beta: Tensor },
  dout: Tensor,
): Promise<LayerGradients> {
  return layerGradients({
    inputs: { ...p }, // x, gamma, beta: the order both functions take them
    dout,
    forward: (x: Tensor, gamma: Tensor, beta: Tensor) => layerNormForward(x, gamma, beta),
    output: (r) => r.out,
    backward: layerNormBackward,
    reference: (x: Tensor, gamma: Tensor, beta: Tensor) => layerNorm(x, gamma, beta),
  });
}

/** What wrong gradients say, read against the usual slips of eq. 4.11. */
function readNormBackward(
  g: Record<string, unknown>,
  ref: Record<string, Tensor>,
  p: { x: Tensor; gamma: Tensor; beta: Tensor },
  dout: Tensor,
): Explanation {
  const lines: string[] = [];
  const D = p.x.shape.at(-1) as number;
  for (const name of ['dgamma', 'dbeta']) {
    const v = g[name];
    if (isTensor(v) && v.ndim > 1) {
      lines.push(
        `${name} has shape [${v.shape.join(', ')}]: ${name === 'dgamma' ? 'γ' : 'β'} is shared by every position, so its gradient sums over all of them, [D].`,
      );
    }
  }
  if (lines.length > 0) return { text: lines.join('\n'), hint: 'params' };
  if (!agrees(g['dx'], ref['dx'] as Tensor)) {
    // Rebuild x̂, 1/√(σ² + eps) and ĝ from the inputs, then the usual incomplete forms of eq. 4.11.
    const xc = sub(p.x, mean(p.x, -1, true)); // [..., D]
    const invT = div(1, sqrt(add(mean(square(xc), -1, true), 1e-5))); // [..., 1]
    const xhat = mul(xc, invT); // [..., D]
    const ghat = mul(dout, p.gamma);
    const plain = mul(ghat, invT);
    const noSpread = mul(sub(ghat, mean(ghat, -1, true)), invT);
    const noShift = mul(sub(ghat, mul(xhat, mean(mul(ghat, xhat), -1, true))), invT);
    if (agrees(g['dx'], plain) || agrees(g['dx'], noSpread) || agrees(g['dx'], noShift)) {
      return {
        text:
          'dx is missing a term of eq. 4.11: μ and σ depend on every feature of the position, so ' +
          'dx = (ĝ − mean(ĝ) − x̂ ⊙ mean(ĝ ⊙ x̂)) / √(σ² + eps), both means over the features.',
        hint: 'formula',
      };
    }
    const full = (gh: Tensor) =>
      mul(sub(sub(gh, mean(gh, -1, true)), mul(xhat, mean(mul(gh, xhat), -1, true))), invT);
    if (agrees(g['dx'], full(dout))) {
      return {
        text:
          'dx is eq. 4.11 with dout where ĝ = dout ⊙ γ belongs: the output is y = γ ⊙ x̂ + β, so ' +
          'the gradient reaching x̂ is scaled by γ before it goes through the normalisation.',
        hint: 'through',
      };
    }
    if (D > 1 && p.x.shape[0]! > 1) {
      return {
        text: 'dx: both means of eq. 4.11 run over the features of each position (axis −1), not the batch.',
        hint: 'formula',
      };
    }
    return {
      text: 'dx = (ĝ − mean(ĝ) − x̂ ⊙ mean(ĝ ⊙ x̂)) / √(σ² + eps), with ĝ = dout ⊙ γ (eq. 4.11).',
      hint: 'through',
    };
  }
  const rows = (t: Tensor) => reshape(t, [-1, D]);
  if (agrees(g['dgamma'], sum(rows(dout), 0))) {
    return {
      text: 'dgamma is Σ dout: y = γ ⊙ x̂ + β, so dgamma = Σ dout ⊙ x̂ over the positions.',
      hint: 'params',
    };
  }
  return {
    text: 'dgamma = Σ dout ⊙ x̂ and dbeta = Σ dout, summed over every position.',
    hint: 'params',
  };
}

/** The learner's gradients for one case against finite differences and the reference. */
async function expectNormBackward(
  what: string,
  p: { x: Tensor; gamma: Tensor; beta: Tensor },
  dout: Tensor,
) {
  const grads = await gradientsOf(p, dout);
  expectGradients({
    what,
    ...grads,
    hint: 'formula',
    explain: () => readNormBackward(grads.analytic, grads.reference, p, dout),
  });
  return grads;
}

exercise('transformer-bridge/layer-norm-backward', () => {
  check(
    'dx, dgamma, dbeta match finite differences of your forward and the reference (x [2, 3, 5])',
    2,
    async () => {
      await expectNormBackward(
        'layerNormBackward',
        seededInputs(1801, [2, 3, 5]),
        normal(1802, [2, 3, 5]),
      );
    },
  );

  // Edge cases, same tolerances: one position; x [N, D]; D = 1, where every position normalises
  // to 0 whatever x is, so dx is zero in exact arithmetic (compared by size) and dbeta = Σ dout.
  check('N = T = 1, x [N, D], and D = 1 (dx exactly zero)', 1, async () => {
    await expectNormBackward(
      'layerNormBackward (x [1, 1, 4])',
      seededInputs(1811, [1, 1, 4]),
      normal(1812, [1, 1, 4]),
    );
    await expectNormBackward(
      'layerNormBackward (x [3, 6])',
      seededInputs(1813, [3, 6]),
      normal(1814, [3, 6]),
    );
    const one = seededInputs(1815, [2, 3, 1]);
    const { analytic } = await expectNormBackward(
      'layerNormBackward (D = 1)',
      one,
      normal(1816, [2, 3, 1]),
    );
    expectClose(analytic['dx'], zerosLike(one.x), {
      what: 'dx (D = 1)',
      tol: TOLERANCES.exact,
      hint: 'formula',
      explain: () =>
        'With one feature x − μ = 0 at every position: the output is β whatever x is, and dx is zero. ' +
        'The two mean terms of eq. 4.11 cancel ĝ exactly.',
    });
  });

  // The cache holds x̂, 1/σ and γ; a backward that writes into them (or into dout) corrupts the
  // caller's model. A dout of the wrong shape is refused. With the values.
  check(
    'dout and the inputs held in the cache are not changed; a wrong dout is refused',
    1,
    async () => {
      const p = seededInputs(1821, [2, 2, 3]);
      const dout = normal(1822, [2, 2, 3]);
      const { cache } = await layerNormForward(p.x, p.gamma, p.beta);
      const g = await expectNoInputMutation({ dout, ...p }, () => layerNormBackward(dout, cache), {
        what: 'layerNormBackward',
      });
      expectGradients({
        what: 'layerNormBackward',
        analytic: { ...g },
        reference: referenceGradients(
          (x: Tensor, gamma: Tensor, beta: Tensor) => layerNorm(x, gamma, beta),
          { ...p },
          dout,
        ),
        hint: 'formula',
      });
      await expectThrows(() => layerNormBackward(normal(1823, [2, 3, 3]), cache), {
        what: 'layerNormBackward',
        name: 'ShapeError',
        argument: 'dout',
        when: 'dout [2, 3, 3] where x is [2, 2, 3]',
        hint: 'formula',
      });
    },
    {
      requires: [
        'dx, dgamma, dbeta match finite differences of your forward and the reference (x [2, 3, 5])',
      ],
    },
  );
});
