/**
 * Grading suite of transformer-bridge/scaled-dot-product-attention-backward: eq. 4.6, against
 * central differences of the learner's own forward and against the reference's autograd, with
 * masks, heads as a batch axis, and one key (where dQ and dK are exactly zero).
 */
import { matmul, mul, scale, sub, sum, transpose, zerosLike, type Tensor } from '@rnn-course/core';
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
import {
  causalMask,
  keyPaddingMask,
  scaledDotProductAttention,
} from '@rnn-course/transformer-bridge';
import { attentionInputs, normal, type AttentionInputs } from './inputs';

const { scaledDotProductAttentionBackward, scaledDotProductAttentionForward } = await targetModule<
  typeof import('@target/transformer-bridge/scaled-dot-product-attention')
>('transformer-bridge/scaled-dot-product-attention.ts');

// Tolerances: expectGradients' defaults, TOLERANCES.gradient against the reference (two exact
// derivations, about 1e-15 apart here) and TOLERANCES.numeric against central differences of
// the learner's forward. A gradient that is zero in exact arithmetic (dQ and dK with one key)
// is compared by size: below the absolute floors, not by relative error, which compares two
// roundings of nothing.

/** The learner's gradients, central differences of the learner's forward, the reference's. */
function gradientsOf(p: AttentionInputs, mask: Tensor | undefined, dout: Tensor) {
  return layerGradients({
    inputs: { ...p }, // Q, K, V: the order the forward and the reference take them
    dout,
    forward: (Q: Tensor, K: Tensor, V: Tensor) => scaledDotProductAttentionForward(Q, K, V, mask),
    output: (r) => r.out,
    backward: scaledDotProductAttentionBackward,
    reference: (Q: Tensor, K: Tensor, V: Tensor) => scaledDotProductAttention(Q, K, V, mask).out,
  });
}

/** The pieces of eq. 4.6, from the reference's weights. */
function pieces(p: AttentionInputs, mask: Tensor | undefined, dout: Tensor) {
  const { weights: A } = scaledDotProductAttention(p.Q, p.K, p.V, mask);
  const dA = matmul(dout, transpose(p.V)); // [..., Tq, Tk]
  const dS = mul(A, sub(dA, sum(mul(dA, A), -1, true))); // [..., Tq, Tk]
  const s = 1 / Math.sqrt(p.Q.shape[p.Q.ndim - 1] as number);
  return { A, dA, dS, s };
}

/** What wrong gradients say, read against the usual slips of eq. 4.6. */
function readBackwardMistake(
  g: Record<string, unknown>,
  ref: Record<string, Tensor>,
  p: AttentionInputs,
  mask: Tensor | undefined,
  dout: Tensor,
): Explanation {
  const wrong = ['dQ', 'dK', 'dV'].filter((k) => !agrees(g[k], ref[k] as Tensor));
  if (wrong.length === 0) return undefined;
  const { A, dA, dS, s } = pieces(p, mask, dout);
  if (wrong.includes('dV')) {
    const dV = g['dV'];
    if (isTensor(dV) && dV.shape.join() !== (ref['dV'] as Tensor).shape.join()) {
      return {
        text: `dV has shape [${dV.shape.join(', ')}]: out = A V, so dV = Aᵀ dout, [..., Tk, Tq]·[..., Tq, dv].`,
        hint: 'product',
      };
    }
    return { text: 'dV = Aᵀ dout (the first line of eq. 4.6).', hint: 'product' };
  }
  const noRowSum = mul(A, dA); // dS without the Σ_l A_il dA_il term
  if (agrees(g['dQ'], scale(matmul(noRowSum, p.K), s))) {
    return {
      text:
        'dQ and dK are missing the softmax’s coupling term: dS_ij = A_ij (dA_ij − Σ_l A_il dA_il), ' +
        'not A_ij dA_ij. Every weight of a row depends on every score of that row.',
      hint: 'softmax',
    };
  }
  if (agrees(g['dQ'], matmul(dS, p.K)) || agrees(g['dK'], matmul(transpose(dS), p.Q))) {
    return {
      text: 'dQ and dK are missing the factor s = 1/√dk: the scores are S = s Q Kᵀ.',
      hint: 'scale',
    };
  }
  const dK = g['dK'];
  if (isTensor(dK) && dK.shape.join() !== (ref['dK'] as Tensor).shape.join()) {
    return {
      text: `dK has shape [${dK.shape.join(', ')}]: dK = s dSᵀ Q, with dS transposed, [..., Tk, Tq]·[..., Tq, dk].`,
      hint: 'scale',
    };
  }
  return { text: 'Through S = s Q Kᵀ: dQ = s dS K and dK = s dSᵀ Q.', hint: 'softmax' };
}

/** The learner's dQ, dK, dV against finite differences and the reference. */
async function expectBackward(
  what: string,
  p: AttentionInputs,
  mask: Tensor | undefined,
  dout: Tensor,
): Promise<LayerGradients> {
  const grads = await gradientsOf(p, mask, dout);
  expectGradients({
    what,
    ...grads,
    hint: 'softmax',
    explain: () => readBackwardMistake(grads.analytic, grads.reference, p, mask, dout),
  });
  return grads;
}

exercise('transformer-bridge/scaled-dot-product-attention-backward', () => {
  check(
    'dQ, dK, dV match finite differences of your forward and the reference (N = 2, Tq = 3, Tk = 4, dk = 5, dv = 3)',
    2,
    async () => {
      const p = attentionInputs(1201, [2], 3, 4, 5, 3);
      await expectBackward(
        'scaledDotProductAttentionBackward',
        p,
        undefined,
        normal(1202, [2, 3, 3]),
      );
    },
  );

  // A padded key is seen by no query, so its rows of dK and dV are exactly zero; the causal
  // mask blocks the future. Same tolerances.
  check(
    'with padding and causal masks (N = 2, T = 4, the second sequence of length 2)',
    1,
    async () => {
      const p = attentionInputs(1211, [2], 4, 4, 3, 2);
      const mask = mul(causalMask(4), keyPaddingMask([4, 2], 4)); // [2, 4, 4]
      await expectBackward(
        'scaledDotProductAttentionBackward (masks)',
        p,
        mask,
        normal(1212, [2, 4, 2]),
      );
    },
  );

  // One key: its weight is 1 whatever the scores, so dQ and dK are zero in exact arithmetic and
  // are compared by size (the absolute floors), dV = dout. Heads as a second batch axis.
  check('one key (dQ and dK exactly zero) and inputs [N, h, T, dk]', 1, async () => {
    const one = attentionInputs(1221, [2], 3, 1, 4, 2);
    const { analytic } = await expectBackward(
      'scaledDotProductAttentionBackward (Tk = 1)',
      one,
      undefined,
      normal(1222, [2, 3, 2]),
    );
    for (const name of ['dQ', 'dK'] as const) {
      expectClose(analytic[name], zerosLike(one[name === 'dQ' ? 'Q' : 'K']), {
        what: `${name} (Tk = 1)`,
        tol: TOLERANCES.exact,
        hint: 'masked',
        explain: () =>
          'With one key the softmax gives it weight 1 whatever its score: the scores get no ' +
          'gradient, so dQ and dK are zero.',
      });
    }
    const heads = attentionInputs(1223, [2, 2], 3, 3, 2, 2);
    await expectBackward(
      'scaledDotProductAttentionBackward ([N, h, T, dk])',
      heads,
      causalMask(3),
      normal(1224, [2, 2, 3, 2]),
    );
  });

  // The cache holds the forward's inputs; a backward that writes into them (or into dout)
  // corrupts the caller's tensors. A dout of the wrong shape is refused. With the values, so
  // that doing nothing scores nothing.
  check(
    'dout and the inputs held in the cache are not changed; a wrong dout is refused',
    1,
    async () => {
      const p = attentionInputs(1231, [2], 3, 4, 3, 2);
      const dout = normal(1232, [2, 3, 2]);
      const { cache } = await scaledDotProductAttentionForward(p.Q, p.K, p.V);
      const g = await expectNoInputMutation(
        { dout, ...p },
        () => scaledDotProductAttentionBackward(dout, cache),
        { what: 'scaledDotProductAttentionBackward' },
      );
      expectGradients({
        what: 'scaledDotProductAttentionBackward',
        analytic: { ...g },
        reference: referenceGradients(
          (Q: Tensor, K: Tensor, V: Tensor) => scaledDotProductAttention(Q, K, V).out,
          { ...p },
          dout,
        ),
        hint: 'softmax',
      });
      await expectThrows(() => scaledDotProductAttentionBackward(normal(1233, [2, 4, 2]), cache), {
        what: 'scaledDotProductAttentionBackward',
        name: 'ShapeError',
        argument: 'dout',
        when: 'dout [2, 4, 2] where out is [2, 3, 2]',
        hint: 'product',
      });
    },
    {
      requires: [
        'dQ, dK, dV match finite differences of your forward and the reference (N = 2, Tq = 3, Tk = 4, dk = 5, dv = 3)',
      ],
    },
  );
});
