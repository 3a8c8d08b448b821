/**
 * Grading suite of transformer-bridge/multi-head-attention-backward: the chain of eq. 4.6 per
 * head, the split and merge, and four affine maps, against central differences of the learner's
 * own forward and against the reference's autograd; self-attention (one input feeding query, key
 * and value), masks, and the key bias, whose gradient is zero in exact arithmetic.
 */
import { add, Rng, zerosLike, type Tensor } from '@rnn-course/core';
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
  numericGradients,
  referenceGradients,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import {
  causalMask,
  keyPaddingMask,
  multiHeadAttention,
  type MultiHeadAttentionParams,
} from '@rnn-course/transformer-bridge';
import { mul } from '@rnn-course/core';
import { attentionFrom, normal, randomAttention } from './inputs';

const { multiHeadAttentionBackward, multiHeadAttentionForward } = await targetModule<
  typeof import('@target/transformer-bridge/multi-head-attention')
>('transformer-bridge/multi-head-attention.ts');

// Tolerances: expectGradients' defaults, TOLERANCES.gradient against the reference (about
// 1e-14 apart here) and TOLERANCES.numeric against central differences of the learner's forward.
// dbk is zero in exact arithmetic (a key bias shifts every score of a row equally, which the
// softmax ignores): it is compared by size, below the absolute floors, never by relative error.

const PARAMS = ['Wq', 'Wk', 'Wv', 'bq', 'bk', 'bv', 'Wo', 'bo'] as const;

/** The learner's gradients, central differences of the learner's forward, the reference's. */
function gradientsOf(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  p: MultiHeadAttentionParams,
  h: number,
  mask: Tensor | undefined,
  dout: Tensor,
): Promise<LayerGradients> {
  const withParams = (t: Tensor[]) =>
    attentionFrom(Object.fromEntries(PARAMS.map((k, i) => [k, t[i + 3] as Tensor])));
  return layerGradients({
    inputs: { query, key, value, ...p }, // the order of the two functions below
    dout,
    forward: (...t: Tensor[]) =>
      multiHeadAttentionForward(
        t[0] as Tensor,
        t[1] as Tensor,
        t[2] as Tensor,
        withParams(t),
        h,
        mask,
      ),
    output: (r) => r.out,
    backward: multiHeadAttentionBackward,
    reference: (...t: Tensor[]) =>
      multiHeadAttention(t[0] as Tensor, t[1] as Tensor, t[2] as Tensor, withParams(t), h, mask)
        .out,
  });
}

/** What wrong gradients say: which group of them is wrong points at the step. */
function readHeadsBackward(g: Record<string, unknown>, ref: Record<string, Tensor>): Explanation {
  const wrong = Object.keys(ref).filter((k) => !agrees(g[k], ref[k] as Tensor));
  if (wrong.length === 0) return undefined;
  const biases = ['dbq', 'dbk', 'dbv', 'dbo'].filter((k) => wrong.includes(k));
  const perRow = biases.filter((k) => {
    const b = g[k];
    return isTensor(b) && b.ndim > 1;
  });
  if (perRow.length > 0) {
    return {
      text: `${perRow.join(', ')} keep one row per position: a bias is added to all N·T rows, so its gradient sums over them, [E].`,
      hint: 'params',
    };
  }
  if (wrong.every((k) => k === 'dWo' || k === 'dbo')) {
    return {
      text: 'Only the output projection is wrong: dWo = Σ mergedᵀ dout over all rows, dbo = Σ dout.',
      hint: 'params',
    };
  }
  if (!wrong.includes('dWo') && !wrong.includes('dbo')) {
    return {
      text:
        'dWo and dbo are right, the rest is wrong: the error lies between the output projection and ' +
        'the heads. Split the gradient of the merged heads exactly as the forward split Q, run your ' +
        "attention backward on the heads' cache, and merge dQ, dK, dV back to [N, T, E].",
      hint: 'moves',
    };
  }
  return undefined;
}

/** The learner's gradients against finite differences and the reference, with the reading. */
async function expectHeadsBackward(
  what: string,
  args: Parameters<typeof gradientsOf>,
): Promise<LayerGradients> {
  const grads = await gradientsOf(...args);
  expectGradients({
    what,
    ...grads,
    hint: 'order',
    explain: () => readHeadsBackward(grads.analytic, grads.reference),
  });
  return grads;
}

exercise('transformer-bridge/multi-head-attention-backward', () => {
  check(
    'the eleven gradients match finite differences of your forward and the reference (cross-attention, N = 2, Tq = 3, Tk = 4, E = 6, h = 2)',
    2,
    async () => {
      const p = randomAttention(6, new Rng(1401));
      await expectHeadsBackward('multiHeadAttentionBackward', [
        normal(1402, [2, 3, 6]),
        normal(1403, [2, 4, 6]),
        normal(1404, [2, 4, 6]),
        p,
        2,
        undefined,
        normal(1405, [2, 3, 6]),
      ]);
    },
  );

  // Self-attention: x is the query, the key and the value, so its gradient is the sum of the
  // three; compared with central differences of your forward on (x, x, x) and with the
  // reference. Causal and padding masks, [N, T, T]. Same tolerances.
  check(
    'self-attention: dquery + dkey + dvalue is the gradient of x (causal and padding masks)',
    1,
    async () => {
      const p = randomAttention(4, new Rng(1411));
      const x = normal(1412, [2, 4, 4]);
      const mask = mul(causalMask(4), keyPaddingMask([4, 2], 4)); // [2, 4, 4]
      const dout = normal(1413, [2, 4, 4]);
      const { cache } = await multiHeadAttentionForward(x, x, x, p, 2, mask);
      const g = await multiHeadAttentionBackward(dout, cache);
      const numeric = await numericGradients(
        async (t) =>
          (
            await multiHeadAttentionForward(
              t['x'] as Tensor,
              t['x'] as Tensor,
              t['x'] as Tensor,
              p,
              2,
              mask,
            )
          ).out,
        { x: x.clone() },
        dout,
      );
      const reference = referenceGradients(
        (t: Tensor) => multiHeadAttention(t, t, t, p, 2, mask).out,
        { x },
        dout,
      );
      const sum = [g.dquery, g.dkey, g.dvalue].every(isTensor)
        ? add(add(g.dquery, g.dkey), g.dvalue)
        : g.dquery;
      expectGradients({
        what: 'multiHeadAttentionBackward (self-attention, dx = dquery + dkey + dvalue)',
        analytic: { dx: sum },
        numeric,
        reference,
        hint: 'selfAttention',
        explain: () =>
          readHeadsBackward(
            g as unknown as Record<string, unknown>,
            referenceGradients(
              (q: Tensor, k: Tensor, v: Tensor) => multiHeadAttention(q, k, v, p, 2, mask).out,
              { query: x, key: x, value: x },
              dout,
            ),
          ),
      });
    },
  );

  // Edge cases, same tolerances: one position of a batch of one with one head (attention is
  // then the identity on V: dquery and dkey are zero), and dbk, zero in exact arithmetic,
  // compared by size.
  check('N = 1, T = 1, h = 1, and dbk is zero (compared by size)', 1, async () => {
    const one = randomAttention(3, new Rng(1421));
    const { analytic } = await expectHeadsBackward('multiHeadAttentionBackward (N = 1, T = 1)', [
      normal(1422, [1, 1, 3]),
      normal(1423, [1, 1, 3]),
      normal(1424, [1, 1, 3]),
      one,
      1,
      undefined,
      normal(1425, [1, 1, 3]),
    ]);
    for (const name of ['dquery', 'dkey'] as const) {
      expectClose(analytic[name], zerosLike(analytic[name] as Tensor), {
        what: `${name} (T = 1)`,
        tol: TOLERANCES.exact,
        hint: 'heads',
        explain: () =>
          'With one key its weight is 1 whatever the scores: the queries and keys get no gradient.',
      });
    }
    const p = randomAttention(6, new Rng(1426));
    const { analytic: g, reference } = await expectHeadsBackward(
      'multiHeadAttentionBackward (padding mask)',
      [
        normal(1427, [2, 3, 6]),
        normal(1428, [2, 5, 6]),
        normal(1429, [2, 5, 6]),
        p,
        3,
        keyPaddingMask([5, 3], 5),
        normal(1430, [2, 3, 6]),
      ],
    );
    expectClose(g['dbk'], zerosLike(reference['dbk'] as Tensor), {
      what: 'dbk',
      tol: TOLERANCES.exact,
      hint: 'params',
      explain: () =>
        'dbk is zero in exact arithmetic: bk adds q_i · bk to every score of row i, and the softmax of a ' +
        'row ignores a shift common to all its scores. dbk = Σ dK over the rows; is dK right?',
    });
  });

  // The cache holds the inputs and parameters; a backward that writes into them (or into dout)
  // corrupts the caller's model. A dout of the wrong shape is refused. With the values.
  check(
    'dout and the inputs held in the cache are not changed; a wrong dout is refused',
    1,
    async () => {
      const p = randomAttention(4, new Rng(1431));
      const [query, key, value] = [
        normal(1432, [2, 3, 4]),
        normal(1433, [2, 2, 4]),
        normal(1434, [2, 2, 4]),
      ];
      const dout = normal(1435, [2, 3, 4]);
      const { cache } = await multiHeadAttentionForward(query, key, value, p, 2);
      const g = await expectNoInputMutation(
        { dout, query, key, value, ...p },
        () => multiHeadAttentionBackward(dout, cache),
        { what: 'multiHeadAttentionBackward' },
      );
      const reference = referenceGradients(
        (q: Tensor, k: Tensor, v: Tensor) => multiHeadAttention(q, k, v, p, 2).out,
        { query, key, value },
        dout,
      );
      expectGradients({
        what: 'multiHeadAttentionBackward',
        analytic: { dquery: g.dquery, dkey: g.dkey, dvalue: g.dvalue },
        reference,
        hint: 'order',
      });
      await expectThrows(() => multiHeadAttentionBackward(normal(1436, [2, 2, 4]), cache), {
        what: 'multiHeadAttentionBackward',
        name: 'ShapeError',
        argument: 'dout',
        when: 'dout [2, 2, 4] where out is [2, 3, 4]',
        hint: 'order',
      });
    },
    {
      requires: [
        'the eleven gradients match finite differences of your forward and the reference (cross-attention, N = 2, Tq = 3, Tk = 4, E = 6, h = 2)',
      ],
    },
  );
});
