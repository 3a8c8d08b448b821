/**
 * Grading suite of transformer-bridge/scaled-dot-product-attention-forward: eqs. 4.2–4.4,
 * out = softmax(Q Kᵀ / √dk, masked) V with the softmax over the keys, against the reference on
 * seeded inputs, with padding and causal masks, several batch axes, and one key.
 */
import {
  matmul,
  maskedFill,
  mul,
  ones,
  scale,
  softmax,
  sub,
  transpose,
  type Tensor,
} from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectShape,
  expectThrows,
  type Explanation,
  fail,
  isTensor,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import {
  causalMask,
  keyPaddingMask,
  scaledDotProductAttention,
} from '@rnn-course/transformer-bridge';
import { attentionInputs, type AttentionInputs } from './inputs';

const { scaledDotProductAttentionForward } = await targetModule<
  typeof import('@target/transformer-bridge/scaled-dot-product-attention')
>('transformer-bridge/scaled-dot-product-attention.ts');

// Tolerance TOLERANCES.value: a dot product of dk terms, a softmax and a sum of Tk products per
// element, exact up to a few ulps. Masked weights are compared bit for bit (TOLERANCES.exact):
// e^−∞ is exactly 0.

/**
 * Softmax attention with the usual slips as options: the scale applied to the scores, the
 * axis of the softmax, and whether the mask fills the scores with −∞ or with 0, or multiplies
 * the weights.
 */
function attend(
  { Q, K, V }: AttentionInputs,
  mask: Tensor | undefined,
  opts: { s: number; axis?: number; mask?: 'fill' | 'zero' | 'none' | 'after' },
): { out: Tensor; weights: Tensor } {
  let S = scale(matmul(Q, transpose(K)), opts.s); // [..., Tq, Tk]
  const how = mask === undefined ? 'none' : (opts.mask ?? 'fill');
  if (how === 'fill' && mask !== undefined) S = maskedFill(S, sub(1, mask), -Infinity);
  if (how === 'zero' && mask !== undefined) S = maskedFill(S, sub(1, mask), 0);
  let weights = softmax(S, opts.axis ?? -1); // [..., Tq, Tk]
  if (how === 'after' && mask !== undefined) weights = mul(weights, mask);
  return { out: matmul(weights, V), weights }; // [..., Tq, dv]
}

/** What wrong weights (or outputs) say, read against the usual slips of eqs. 4.2–4.4. */
function readAttentionMistake(
  got: { out?: unknown; weights?: unknown },
  p: AttentionInputs,
  mask?: Tensor,
): Explanation {
  const dk = p.Q.shape[p.Q.ndim - 1] as number;
  const right = 1 / Math.sqrt(dk);
  const w = got.weights;
  if (mask !== undefined && isTensor(w) && w.data.some((v) => Number.isNaN(v))) {
    return {
      text:
        'The weights hold NaN where the mask blocks: is the softmax taken over the queries (axis −2)? ' +
        'A key that the mask blocks for every query makes a column of −∞, whose softmax is 0/0. Over ' +
        'the keys, the last axis, every query keeps at least one key.',
      hint: 'keys',
    };
  }
  const matches = (v: { out: Tensor; weights: Tensor }): boolean =>
    agrees(got.weights, v.weights) || agrees(got.out, v.out);
  if (matches(attend(p, mask, { s: 1 / dk }))) {
    return {
      text:
        `The scores are divided by dk = ${dk}: eq. 4.2 divides by √dk = ${Math.sqrt(dk).toFixed(3)}. ` +
        'Dividing by dk shrinks the scores as dk grows, and wide heads attend almost uniformly (eq. 4.5).',
      hint: 'scores',
    };
  }
  if (matches(attend(p, mask, { s: 1 }))) {
    return {
      text:
        'The scores are not scaled: eq. 4.2 divides Q Kᵀ by √dk, which keeps their variance near 1 ' +
        'whatever dk is (eq. 4.5).',
      hint: 'scores',
    };
  }
  if (mask === undefined && matches(attend(p, mask, { s: right, axis: -2 }))) {
    return {
      text:
        'The softmax runs over the queries (axis −2): each column of the weights sums to 1. It runs ' +
        'over the keys, the last axis, so that each query gets a distribution over the keys.',
      hint: 'keys',
    };
  }
  if (mask !== undefined && matches(attend(p, mask, { s: right, mask: 'none' }))) {
    return {
      text:
        'The mask is ignored: where it is 0 the score must become −∞ before the softmax (eq. 4.3), ' +
        'so that the weight of a blocked key is exactly 0.',
      hint: 'mask',
    };
  }
  if (mask !== undefined && matches(attend(p, mask, { s: right, mask: 'zero' }))) {
    return {
      text:
        'The blocked scores are set to 0, not −∞: a score of 0 still has weight e^0 = 1 before the ' +
        'softmax divides, so blocked keys keep a share of the attention. Eq. 4.3 sets them to −∞, ' +
        'whose weight e^−∞ is exactly 0.',
      hint: 'mask',
    };
  }
  if (mask !== undefined && matches(attend(p, mask, { s: right, mask: 'after' }))) {
    return {
      text:
        'The weights are multiplied by the mask after the softmax, so the rows no longer sum to 1. ' +
        'Block the scores before the softmax (−∞ where the mask is 0, eq. 4.3).',
      hint: 'mask',
    };
  }
  return undefined;
}

/**
 * Runs the learner's forward on `p` and `mask`, and compares weights and out with the
 * reference; `label` names the case in messages.
 */
async function expectAttention(p: AttentionInputs, mask: Tensor | undefined, label: string) {
  const expected = scaledDotProductAttention(p.Q, p.K, p.V, mask);
  const got = await scaledDotProductAttentionForward(p.Q, p.K, p.V, mask);
  const why = { hint: 'scores', explain: () => readAttentionMistake(got, p, mask) };
  expectShape(got.weights, expected.weights.shape, `weights ${label}`, why);
  expectClose(got.weights, expected.weights, {
    what: `weights ${label}`,
    tol: TOLERANCES.value,
    ...why,
  });
  expectShape(got.out, expected.out.shape, `out ${label}`, { hint: 'cache' });
  expectClose(got.out, expected.out, {
    what: `out ${label}`,
    tol: TOLERANCES.value,
    hint: 'cache',
    explain: () => readAttentionMistake(got, p, mask),
  });
  return got;
}

/** Asserts that every weight the mask blocks is exactly 0. */
function expectMaskedZero(weights: Tensor, mask: Tensor, label: string): void {
  const M = mul(ones(weights.shape), mask); // the mask broadcast to the weights' shape
  for (let i = 0; i < weights.size; i++) {
    if (M.data[i] === 0 && weights.data[i] !== 0) {
      fail(
        `weights ${label}`,
        `weights ${label}: element ${i} (flat) is blocked by the mask but has weight ` +
          `${weights.data[i]}; a blocked key must get exactly 0 (its score −∞, e^−∞ = 0).`,
        { hint: 'mask' },
      );
    }
  }
}

exercise('transformer-bridge/scaled-dot-product-attention-forward', () => {
  check(
    'out and weights match the reference (N = 2, Tq = 3, Tk = 4, dk = 5, dv = 3)',
    1,
    async () => {
      await expectAttention(attentionInputs(1101, [2], 3, 4, 5, 3), undefined, '(no mask)');
    },
  );

  // Masks as the chapter builds them: a padding mask [N, 1, Tk] (the second sequence has 2 real
  // keys of 5), a causal mask [T, T], and their product [N, T, T]. Same tolerance; the blocked
  // weights bit for bit.
  check('padding and causal masks: blocked keys get weight exactly 0', 1, async () => {
    const cases: Array<[AttentionInputs, Tensor, string]> = [
      [attentionInputs(1111, [2], 3, 5, 4, 3), keyPaddingMask([5, 2], 5), '(padding mask)'],
      [attentionInputs(1112, [2], 4, 4, 3, 2), causalMask(4), '(causal mask)'],
      [
        attentionInputs(1113, [2], 4, 4, 3, 3),
        mul(causalMask(4), keyPaddingMask([4, 3], 4)),
        '(causal and padding masks)',
      ],
    ];
    for (const [p, mask, label] of cases) {
      const { weights } = await expectAttention(p, mask, label);
      expectMaskedZero(weights, mask, label);
    }
  });

  // Edge cases, same tolerance: one query and one key (the weight is 1, out = V), a batch of
  // one, and heads as a second batch axis [N, h, T, dk] with a causal mask broadcast over both.
  check('one key (Tq = Tk = 1), a batch of one, and inputs [N, h, T, dk]', 1, async () => {
    await expectAttention(attentionInputs(1121, [1], 1, 1, 4, 2), undefined, '(Tq = Tk = 1)');
    await expectAttention(attentionInputs(1122, [1], 3, 5, 2, 4), undefined, '(N = 1)');
    await expectAttention(
      attentionInputs(1123, [2, 3], 4, 4, 2, 2),
      causalMask(4),
      '([N, h, T, dk])',
    );
  });

  // The promises of the doc comment: shapes that disagree and a mask that leaves a query with no
  // key are refused; Q, K, V and the mask are read, never written; out and weights are new.
  // With the values of a partially masked case, so that refusing everything scores nothing.
  check(
    'refuses mismatched shapes and a query with no key; inputs unchanged; new tensors',
    1,
    async () => {
      const p = attentionInputs(1131, [2], 2, 3, 4, 3);
      const mask = keyPaddingMask([3, 1], 3); // the second sequence keeps one key
      const got = await expectNoInputMutation(
        { ...p, mask },
        () => scaledDotProductAttentionForward(p.Q, p.K, p.V, mask),
        { what: 'scaledDotProductAttentionForward' },
      );
      const expected = scaledDotProductAttention(p.Q, p.K, p.V, mask);
      expectClose(got.weights, expected.weights, {
        what: 'weights (one key left)',
        tol: TOLERANCES.value,
        hint: 'mask',
        explain: () => readAttentionMistake(got, p, mask),
      });
      const wrongK = attentionInputs(1132, [2], 2, 3, 5, 3).K; // dk = 5 against Q's 4
      await expectThrows(() => scaledDotProductAttentionForward(p.Q, wrongK, p.V), {
        what: 'scaledDotProductAttentionForward',
        name: 'ShapeError',
        argument: 'K',
        when: 'Q [2, 2, 4] and K [2, 3, 5]',
        hint: 'ops',
      });
      const wrongV = attentionInputs(1133, [2], 2, 4, 4, 3).V; // Tk = 4 against K's 3
      await expectThrows(() => scaledDotProductAttentionForward(p.Q, p.K, wrongV), {
        what: 'scaledDotProductAttentionForward',
        name: 'ShapeError',
        argument: 'V',
        when: 'K [2, 3, 4] and V [2, 4, 3]',
        hint: 'ops',
      });
      const otherLead = attentionInputs(1134, [3], 2, 3, 4, 3).K; // batch 3 against Q's 2
      await expectThrows(() => scaledDotProductAttentionForward(p.Q, otherLead, p.V), {
        what: 'scaledDotProductAttentionForward',
        name: 'ShapeError',
        argument: 'K',
        when: 'Q [2, 2, 4] and K [3, 3, 4] (other leading axes)',
        hint: 'ops',
      });
      const otherRank = attentionInputs(1135, [1, 2], 2, 3, 4, 3).V; // one more leading axis
      await expectThrows(() => scaledDotProductAttentionForward(p.Q, p.K, otherRank), {
        what: 'scaledDotProductAttentionForward',
        name: 'ShapeError',
        argument: 'V',
        when: 'K [2, 3, 4] and V [1, 2, 3, 3] (another rank)',
        hint: 'ops',
      });
      await expectThrows(() => scaledDotProductAttentionForward(ones([4]), p.K, p.V), {
        what: 'scaledDotProductAttentionForward',
        name: 'ShapeError',
        argument: 'Q',
        when: 'Q [4] (not [..., Tq, dk])',
        hint: 'ops',
      });
      await expectThrows(
        () => scaledDotProductAttentionForward(p.Q, p.K, p.V, ones([1, 2, 2, 3])),
        {
          what: 'scaledDotProductAttentionForward',
          name: 'ShapeError',
          argument: 'mask',
          when: 'a mask [1, 2, 2, 3] for scores [2, 2, 3] (more axes than the scores)',
          hint: 'mask',
        },
      );
      await expectThrows(() => scaledDotProductAttentionForward(p.Q, p.K, p.V, causalMask(3)), {
        what: 'scaledDotProductAttentionForward',
        name: 'ShapeError',
        argument: 'mask',
        when: 'a mask [3, 3] for scores [2, 2, 3]',
        hint: 'mask',
      });
      const blocked = mul(causalMask(3), keyPaddingMask([3, 3], 3)); // [2, 3, 3]
      blocked.data.fill(0, 0, 3); // query 0 of sequence 0 sees no key
      await expectThrows(() => scaledDotProductAttentionForward(p.K, p.K, p.V, blocked), {
        what: 'scaledDotProductAttentionForward',
        name: 'RangeError',
        argument: 'mask',
        when: 'a mask whose row 0 is all zeros',
        hint: 'mask',
      });
    },
    { requires: ['out and weights match the reference (N = 2, Tq = 3, Tk = 4, dk = 5, dv = 3)'] },
  );
});
