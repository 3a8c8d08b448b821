/**
 * Grading suite of transformer-bridge/self-attention-path-length-gradient: eq. 4.15,
 * ‖∂y_{T−1}/∂x_0‖_F of one head of causal self-attention, against the reference's autograd for
 * several lengths; W_k = 0, where attention is uniform and the norm is ‖W_v‖_F / T exactly; and
 * the promised refusal.
 */
import {
  add,
  matmul,
  narrow,
  Rng,
  randn,
  reshape,
  scale,
  softmax,
  square,
  sub,
  sum,
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
import { selfAttentionPathLengthGradient as referenceNorm } from '@rnn-course/transformer-bridge';

const { selfAttentionPathLengthGradient } = await targetModule<
  typeof import('@target/transformer-bridge/self-attention-path-length-gradient')
>('transformer-bridge/self-attention-path-length-gradient.ts');

// Tolerance TOLERANCES.gradient: the reference differentiates the masked attention by
// autograd; eq. 4.15 is the same derivative in closed form, exact up to rounding. W_k = 0
// gives ‖W_v‖_F / T up to a few ulps (TOLERANCES.value).

/** One sequence x [1, T, D] and one head of widths dk and dv. */
function seededHead(seed: number, T: number, D: number, dk: number, dv: number) {
  const rng = new Rng(seed);
  return {
    x: randn([1, T, D], rng), // [1, T, D]
    Wq: randn([D, dk], rng, { std: 1 / Math.sqrt(D) }), // [D, dk]
    Wk: randn([D, dk], rng, { std: 1 / Math.sqrt(D) }), // [D, dk]
    Wv: randn([D, dv], rng, { std: 1 / Math.sqrt(D) }), // [D, dv]
  };
}
type HeadCase = ReturnType<typeof seededHead>;

/** Eq. 4.15 with the usual slips as options. */
function pathNorm(
  c: HeadCase,
  opts: { valueOnly?: boolean; keyScale?: number; flip?: boolean; noWeight?: boolean },
): number {
  const [, T, D] = c.x.shape as [number, number, number];
  const dk = c.Wq.shape[1] as number;
  const X = reshape(c.x, [T, D]);
  const q = matmul(narrow(X, 0, T - 1, 1), c.Wq); // [1, dk]
  const K = matmul(X, c.Wk); // [T, dk]
  const V = matmul(X, c.Wv); // [T, dv]
  const a = softmax(scale(matmul(q, transpose(K)), 1 / Math.sqrt(dk)), -1); // [1, T]
  const y = matmul(a, V); // [1, dv]
  const v0 = narrow(V, 0, 0, 1); // [1, dv]
  const diff = opts.flip ? sub(y, v0) : sub(v0, y);
  const keyPath = scale(
    matmul(transpose(diff), transpose(matmul(c.Wk, transpose(q)))),
    opts.keyScale ?? 1 / Math.sqrt(dk),
  );
  const J = opts.valueOnly ? transpose(c.Wv) : add(transpose(c.Wv), keyPath); // [dv, D]
  const weighted = opts.noWeight ? J : scale(J, a.get(0, 0));
  return Math.sqrt(sum(square(weighted)).item());
}

/** What a wrong norm says, read against the usual slips of eq. 4.15. */
function readAttentionPath(got: unknown, c: HeadCase): Explanation {
  if (typeof got !== 'number') return undefined;
  if (agrees(got, pathNorm(c, { valueOnly: true }))) {
    return {
      text:
        'This is the value path alone, a_0 Wvᵀ: x_0 also moves the score of key 0, and through it every ' +
        'weight of the row; add the key path a_0 (v_0 − y)(Wk q)ᵀ / √dk (eq. 4.15).',
      hint: 'keyPath',
    };
  }
  if (agrees(got, pathNorm(c, { keyScale: 1 }))) {
    return {
      text: 'The key path is missing its 1/√dk: the scores are q kᵀ / √dk.',
      hint: 'keyPath',
    };
  }
  if (agrees(got, pathNorm(c, { flip: true }))) {
    return {
      text: 'The key path has the wrong sign: it is (v_0 − y), the value of key 0 minus the output.',
      hint: 'keyPath',
    };
  }
  if (agrees(got, pathNorm(c, { noWeight: true }))) {
    return {
      text: 'The factor a_0, the weight of key 0 for the last query, is missing from both paths.',
      hint: 'paths',
    };
  }
  return undefined;
}

/** The learner's norm for one case against the reference. */
async function expectPath(c: HeadCase, label: string): Promise<number> {
  const got = await selfAttentionPathLengthGradient(c.x, c.Wq, c.Wk, c.Wv);
  expectClose(got, referenceNorm(c.x, c.Wq, c.Wk, c.Wv), {
    what: `‖∂y_{T−1}/∂x_0‖_F ${label}`,
    tol: TOLERANCES.gradient,
    hint: 'paths',
    explain: () => readAttentionPath(got, c),
  });
  return got;
}

exercise('transformer-bridge/self-attention-path-length-gradient', () => {
  check('matches the reference for T = 2, 5 and 16 (D = 6, dk = 4, dv = 5)', 2, async () => {
    for (const T of [2, 5, 16]) await expectPath(seededHead(2201 + T, T, 6, 4, 5), `(T = ${T})`);
  });

  // T = 1: x_0 is also the last query, whose one weight is 1 whatever the score, so only the
  // value path is left, ‖Wv‖_F. W_k = 0: every score is 0, the weights are 1/T and the key path
  // vanishes, so the norm is ‖Wv‖_F / T exactly. Same tolerances.
  check('T = 1 gives ‖Wv‖_F; W_k = 0 gives ‖Wv‖_F / T', 1, async () => {
    const one = seededHead(2211, 1, 4, 3, 3);
    await expectPath(one, '(T = 1)');
    const c = { ...seededHead(2212, 8, 4, 3, 5), Wk: zeros([4, 3]) };
    const got = await selfAttentionPathLengthGradient(c.x, c.Wq, c.Wk, c.Wv);
    const expected = Math.sqrt(sum(square(c.Wv)).item()) / 8;
    expectClose(got, expected, {
      what: '‖∂y_{T−1}/∂x_0‖_F (W_k = 0, T = 8)',
      tol: TOLERANCES.value,
      hint: 'paths',
      explain: () =>
        readAttentionPath(got, c) ??
        'With W_k = 0 every weight is 1/T and the key path vanishes (v_0 − y is multiplied by W_k q = 0): ' +
          'the Jacobian is Wvᵀ / T.',
    });
  });

  // x of a batch of two is refused (the experiment follows one sequence); the inputs are read,
  // never written. With a value, so that doing nothing scores nothing.
  check(
    'refuses a batch of two; inputs unchanged',
    1,
    async () => {
      const c = seededHead(2221, 6, 4, 2, 3);
      await expectNoInputMutation({ ...c }, () => expectPath(c, '(T = 6)'), {
        what: 'selfAttentionPathLengthGradient',
      });
      await expectThrows(
        () => selfAttentionPathLengthGradient(randn([2, 3, 4], new Rng(2222)), c.Wq, c.Wk, c.Wv),
        {
          what: 'selfAttentionPathLengthGradient',
          name: 'ShapeError',
          argument: 'x',
          when: 'x [2, 3, 4], a batch of two',
          hint: 'forward',
        },
      );
    },
    { requires: ['matches the reference for T = 2, 5 and 16 (D = 6, dk = 4, dv = 5)'] },
  );
});
