/**
 * Grading suite of transformer-bridge/multi-head-attention-forward: eqs. 4.1 and 4.7 in
 * PyTorch's layout (head i reads features i·dk … (i+1)·dk − 1), against the reference on seeded
 * inputs: cross-attention, self-attention with the chapter's masks, one head and one feature per
 * head, and the promised refusals.
 */
import {
  add,
  matmul,
  maskedFill,
  mul,
  ones,
  permute,
  reshape,
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
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import {
  causalMask,
  keyPaddingMask,
  multiHeadAttention,
  type MultiHeadAttentionParams,
} from '@rnn-course/transformer-bridge';
import { Rng } from '@rnn-course/core';
import { normal, randomAttention } from './inputs';

const { multiHeadAttentionForward } = await targetModule<
  typeof import('@target/transformer-bridge/multi-head-attention')
>('transformer-bridge/multi-head-attention.ts');

// Tolerance TOLERANCES.value: three projections, attention per head and one more projection,
// exact up to rounding (about 1e-15 here).

/** One case: inputs, parameters, heads and mask. */
interface Case {
  query: Tensor; // [N, Tq, E]
  key: Tensor; // [N, Tk, E]
  value: Tensor; // [N, Tk, E]
  p: MultiHeadAttentionParams;
  h: number;
  mask?: Tensor;
}

/** A seeded case; self-attention when `Tk` is undefined (query, key and value one tensor). */
function seededCase(
  seed: number,
  N: number,
  Tq: number,
  Tk: number | undefined,
  E: number,
  h: number,
  mask?: Tensor,
): Case {
  const query = normal(seed, [N, Tq, E]);
  const key = Tk === undefined ? query : normal(seed + 1, [N, Tk, E]);
  const value = Tk === undefined ? query : normal(seed + 2, [N, Tk, E]);
  return { query, key, value, p: randomAttention(E, new Rng(seed + 3)), h, mask };
}

/** The ways of splitting `[N, T, E]` into heads and merging them back. */
type Layout = 'right' | 'dk-h' | 'direct';

const split = (x: Tensor, h: number, how: Layout): Tensor => {
  const [N, T, E] = x.shape as [number, number, number];
  const dk = E / h;
  if (how === 'dk-h') return permute(reshape(x, [N, T, dk, h]), [0, 3, 1, 2]); // head i: features i, i+h, …
  if (how === 'direct') return reshape(x, [N, h, T, dk]); // positions mixed into heads
  return permute(reshape(x, [N, T, h, dk]), [0, 2, 1, 3]); // [N, h, T, dk]
};

const merge = (x: Tensor, how: Layout): Tensor => {
  const [N, h, T, dk] = x.shape as [number, number, number, number];
  if (how === 'dk-h') return reshape(permute(x, [0, 2, 3, 1]), [N, T, h * dk]); // interleaved
  if (how === 'direct') return reshape(x, [N, T, h * dk]); // no swap back
  return reshape(permute(x, [0, 2, 1, 3]), [N, T, h * dk]); // [N, T, E]
};

/** Multi-head attention with a chosen split, merge and score scale; no output projection if `raw`. */
function variant(
  c: Case,
  how: { split: Layout; merge: Layout; s?: number; raw?: boolean },
): Tensor {
  const { p, h } = c;
  const E = p.Wq.shape[0] as number;
  const Q = split(add(matmul(c.query, p.Wq), p.bq), h, how.split); // [N, h, Tq, dk]
  const K = split(add(matmul(c.key, p.Wk), p.bk), h, how.split); // [N, h, Tk, dk]
  const V = split(add(matmul(c.value, p.Wv), p.bv), h, how.split); // [N, h, Tk, dk]
  let S = scale(matmul(Q, transpose(K)), how.s ?? 1 / Math.sqrt(E / h)); // [N, h, Tq, Tk]
  if (c.mask !== undefined) {
    const m =
      c.mask.ndim === 3
        ? reshape(c.mask, [c.mask.shape[0] as number, 1, ...c.mask.shape.slice(1)])
        : c.mask;
    S = maskedFill(S, sub(1, m), -Infinity);
  }
  const merged = merge(matmul(softmax(S, -1), V), how.merge); // [N, Tq, E]
  return how.raw ? merged : add(matmul(merged, p.Wo), p.bo);
}

/** What a wrong output says, read against the usual slips of splitting, merging and scaling. */
function readHeadsMistake(out: unknown, c: Case): Explanation {
  const E = c.p.Wq.shape[0] as number;
  const layouts: Layout[] = ['right', 'dk-h', 'direct'];
  for (const s of layouts) {
    for (const m of layouts) {
      if ((s === 'right' && m === 'right') || !agrees(out, variant(c, { split: s, merge: m })))
        continue;
      const lines: string[] = [];
      if (s === 'dk-h')
        lines.push(
          "The heads are split in the wrong order: head i takes features i, i + h, i + 2h, …; in PyTorch's layout it takes the block i·dk … (i+1)·dk − 1, a reshape to [N, T, h, dk] (h before dk).",
        );
      if (s === 'direct')
        lines.push(
          'The heads are split by reshaping [N, T, E] straight to [N, h, T, dk], which mixes positions into heads: reshape to [N, T, h, dk] first, then swap the time and head axes.',
        );
      if (m === 'dk-h')
        lines.push(
          'The heads are merged in the wrong order: their features are interleaved. Merge head 0 first, then head 1, …: [N, h, T, dk] → [N, T, h, dk] → [N, T, E].',
        );
      if (m === 'direct')
        lines.push(
          'The heads are merged by reshaping [N, h, T, dk] straight to [N, T, E], which mixes positions: swap the head and time axes back first, [N, T, h, dk], then reshape.',
        );
      const text = lines.join('\n');
      return m === 'right' ? { text, hint: 'split' } : { text, hint: 'merge' };
    }
  }
  if (agrees(out, variant(c, { split: 'right', merge: 'right', s: 1 / Math.sqrt(E) }))) {
    return {
      text: `The scores are divided by √E = √${E}: each head has dk = E / h = ${E / c.h} features, and its scores are divided by √dk.`,
      hint: 'project',
    };
  }
  if (agrees(out, variant(c, { split: 'right', merge: 'right', raw: true }))) {
    return {
      text: 'out is the merged heads without the output projection: eq. 4.7 ends with merged Wo + bo.',
      hint: 'merge',
    };
  }
  return undefined;
}

/** Runs the learner's forward on `c` and compares out and weights with the reference. */
async function expectHeads(c: Case, label: string) {
  const expected = multiHeadAttention(c.query, c.key, c.value, c.p, c.h, c.mask);
  const got = await multiHeadAttentionForward(c.query, c.key, c.value, c.p, c.h, c.mask);
  const why = { hint: 'split', explain: () => readHeadsMistake(got.out, c) };
  expectShape(got.out, expected.out.shape, `out ${label}`, why);
  expectClose(got.out, expected.out, { what: `out ${label}`, tol: TOLERANCES.value, ...why });
  expectShape(got.weights, expected.weights.shape, `weights ${label}`, {
    hint: 'merge',
    explain: () => "weights are every head's attention weights, [N, h, Tq, Tk].",
  });
  expectClose(got.weights, expected.weights, {
    what: `weights ${label}`,
    tol: TOLERANCES.value,
    ...why,
  });
  return got;
}

exercise('transformer-bridge/multi-head-attention-forward', () => {
  // Cross-attention: queries from one sequence, keys and values from another (Tq != Tk), so
  // that swapped inputs or axes cannot agree by accident.
  check(
    'cross-attention matches the reference (N = 2, Tq = 3, Tk = 4, E = 8, h = 2)',
    2,
    async () => {
      await expectHeads(seededCase(1301, 2, 3, 4, 8, 2), '(cross-attention)');
    },
  );

  // Self-attention with the chapter's masks: a causal mask [T, T] and a padding mask
  // [N, 1, T] broadcast over the heads; their product [N, T, T] needs a head axis.
  check('self-attention with causal, padding and combined masks (h = 4 and h = 1)', 1, async () => {
    const T = 4;
    const masks: Array<[Tensor, string]> = [
      [causalMask(T), '(causal mask [T, T])'],
      [keyPaddingMask([4, 2], T), '(padding mask [N, 1, T])'],
      [mul(causalMask(T), keyPaddingMask([4, 3], T)), '(both, [N, T, T])'],
    ];
    for (const [k, [mask, label]] of masks.entries()) {
      const c = seededCase(1311 + 10 * k, 2, T, undefined, 8, 4, mask);
      try {
        await expectHeads(c, label);
      } catch (error) {
        if ((error as Error).name !== 'ShapeError') throw error;
        fail(
          `out ${label}`,
          `multiHeadAttentionForward threw for a mask of shape [${mask.shape.join(', ')}]: ${(error as Error).message}`,
          {
            hint: 'mask',
            explain: () =>
              "A 3-D mask [N, Tq, Tk] does not broadcast against the heads' scores [N, h, Tq, Tk] as it is: give it a head axis, [N, 1, Tq, Tk].",
          },
        );
      }
    }
    await expectHeads(seededCase(1341, 2, T, undefined, 6, 1, causalMask(T)), '(h = 1)');
  });

  // Edge cases, same tolerance: one position and a batch of one; one feature per head (h = E).
  // The promises of the doc comment: refusals, inputs unchanged, new tensors; with the values,
  // so that refusing everything scores nothing.
  check(
    'N = 1, T = 1 and h = E; refuses bad shapes and numHeads; inputs unchanged; new tensors',
    1,
    async () => {
      await expectHeads(seededCase(1351, 1, 1, 1, 6, 3), '(N = 1, T = 1)');
      const c = seededCase(1352, 2, 3, 2, 4, 4); // dk = 1
      const inputs = { query: c.query, key: c.key, value: c.value, ...c.p };
      const got = await expectNoInputMutation(inputs, () => expectHeads(c, '(h = E = 4)'), {
        what: 'multiHeadAttentionForward',
      });
      const what = 'multiHeadAttentionForward';
      const call = (q: Tensor, k: Tensor, v: Tensor, h: number, mask?: Tensor) => () =>
        multiHeadAttentionForward(q, k, v, c.p, h, mask);
      await expectThrows(call(c.query, c.key, c.value, 3), {
        what,
        name: 'RangeError',
        argument: 'numHeads',
        when: 'numHeads = 3 for E = 4',
        hint: 'project',
      });
      for (const [bad, when] of [
        [0, 'numHeads = 0'],
        [1.5, 'numHeads = 1.5 (not an integer)'],
      ] as const) {
        await expectThrows(call(c.query, c.key, c.value, bad), {
          what,
          name: 'RangeError',
          argument: 'numHeads',
          when,
          hint: 'project',
        });
      }
      await expectThrows(call(normal(1353, [2, 3, 5]), c.key, c.value, 2), {
        what,
        name: 'ShapeError',
        argument: 'query',
        when: 'query [2, 3, 5] for E = 4',
        hint: 'project',
      });
      await expectThrows(call(c.query, normal(1354, [2, 2, 3]), c.value, 2), {
        what,
        name: 'ShapeError',
        argument: 'key',
        when: 'key [2, 2, 3] for E = 4',
        hint: 'project',
      });
      await expectThrows(call(c.query, c.key, normal(1355, [2, 3, 4]), 2), {
        what,
        name: 'ShapeError',
        argument: 'value',
        when: 'value [2, 3, 4] where key is [2, 2, 4]',
        hint: 'project',
      });
      await expectThrows(call(c.query, c.key, c.value, 2, causalMask(3)), {
        what,
        name: 'ShapeError',
        argument: 'mask',
        when: 'a mask [3, 3] for scores [2, 3, 2]',
        hint: 'mask',
      });
      await expectThrows(call(c.query, c.key, c.value, 2, ones([1, 2, 3, 2])), {
        what,
        name: 'ShapeError',
        argument: 'mask',
        when: 'a mask [1, 2, 3, 2] for scores [2, 3, 2] (more axes than the scores)',
        hint: 'mask',
      });
    },
    { requires: ['cross-attention matches the reference (N = 2, Tq = 3, Tk = 4, E = 8, h = 2)'] },
  );
});
