/**
 * Values and errors of the reference's building blocks: masks, positional encodings, the head
 * layout, the √dk scaling, and the shape errors that name the op and both shapes.
 */
import { describe, expect, it } from 'vitest';
import {
  Rng,
  ShapeError,
  add,
  matmul,
  mul,
  ones,
  randn,
  sum,
  tensor,
  zeros,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  causalMask,
  keyPaddingMask,
  layerNorm,
  learnedPositionalEmbedding,
  mergeHeads,
  multiHeadAttention,
  scaledDotProductAttention,
  sinusoidalPositionalEncoding,
  splitHeads,
} from '../src/index';
import { randnT, randomAttention } from './helpers';

describe('causal mask', () => {
  it('lets position i see keys 0..i and nothing after', () => {
    expect(causalMask(3).toArray()).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [1, 1, 1],
    ]);
    expect(causalMask(1).toArray()).toEqual([[1]]);
  });

  it('makes each output independent of later inputs', () => {
    const rng = new Rng(1);
    const x = randnT([1, 5, 4], rng);
    const y = scaledDotProductAttention(x, x, x, causalMask(5)).out;
    const changed = x.clone();
    for (let d = 0; d < 4; d++) changed.data[3 * 4 + d]! += 10; // position 3 only
    const y2 = scaledDotProductAttention(changed, changed, changed, causalMask(5)).out;
    expect(Array.from(y2.data.subarray(0, 12))).toEqual(Array.from(y.data.subarray(0, 12)));
    expect(y2.data[12]).not.toBe(y.data[12]); // position 3 itself did change
  });

  it('refuses T = 0', () => {
    expect(() => causalMask(0)).toThrow('causalMask: T must be an integer >= 1, received 0');
  });
});

describe('key padding mask', () => {
  it('is [N, 1, Tk] with ones on the real keys', () => {
    const m = keyPaddingMask([3, 1], 4);
    expect(m.shape).toEqual([2, 1, 4]);
    expect(m.toArray()).toEqual([[[1, 1, 1, 0]], [[1, 0, 0, 0]]]);
  });

  it('makes the output independent of the padded keys and values', () => {
    const rng = new Rng(2);
    const [Q, K, V] = [randnT([1, 2, 3], rng), randnT([1, 4, 3], rng), randnT([1, 4, 2], rng)];
    const m = keyPaddingMask([2], 4);
    const y = scaledDotProductAttention(Q, K, V, m).out;
    const [K2, V2] = [K.clone(), V.clone()];
    K2.data.fill(99, 2 * 3);
    V2.data.fill(-99, 2 * 2);
    expect(scaledDotProductAttention(Q, K2, V2, m).out.toArray()).toEqual(y.toArray());
  });

  it('refuses a length of 0, which would leave a query with no key', () => {
    expect(() => keyPaddingMask([2, 0], 3)).toThrow(
      'keyPaddingMask: length 0 of sequence 1 is outside 1..3',
    );
  });

  it('a mask that blocks every key of a query is an error, not NaN', () => {
    const x = randnT([1, 2, 2], new Rng(3));
    const none = tensor([
      [1, 0],
      [0, 0],
    ]);
    expect(() => scaledDotProductAttention(x, x, x, none)).toThrow(/blocks every key of query 1/);
  });
});

describe('sinusoidal positional encoding', () => {
  it('puts sines on even features and cosines on odd ones (eq. 4.8)', () => {
    const D = 6;
    const PE = sinusoidalPositionalEncoding(5, D);
    expect(PE.shape).toEqual([5, D]);
    for (let t = 0; t < 5; t++) {
      for (let i = 0; i < D / 2; i++) {
        const angle = t / 10000 ** ((2 * i) / D);
        expect(PE.get(t, 2 * i)).toBeCloseTo(Math.sin(angle), 15);
        expect(PE.get(t, 2 * i + 1)).toBeCloseTo(Math.cos(angle), 15);
      }
    }
    expect(PE.get(0, 0)).toBe(0); // sin 0
    expect(PE.get(0, 1)).toBe(1); // cos 0
    expect(PE.get(1, 0)).toBeCloseTo(Math.sin(1), 15); // the fastest pair has wavelength 2π
  });

  it('for an odd D the last feature is a sine', () => {
    const PE = sinusoidalPositionalEncoding(3, 5);
    expect(PE.get(2, 4)).toBeCloseTo(Math.sin(2 / 10000 ** (4 / 5)), 15);
  });

  it('PE[t]·PE[t + k] depends on the offset k only', () => {
    const PE = sinusoidalPositionalEncoding(40, 16);
    const dot = (a: number, b: number): number => {
      let s = 0;
      for (let d = 0; d < 16; d++) s += PE.get(a, d) * PE.get(b, d);
      return s;
    };
    for (const k of [1, 5, 12]) expect(dot(20, 20 + k)).toBeCloseTo(dot(3, 3 + k), 12);
  });
});

describe('learned positional embedding', () => {
  it('returns rows start..start+T−1 and sends the gradient only to them', () => {
    const P = randn([6, 2], new Rng(4), { requiresGrad: true });
    const rows = learnedPositionalEmbedding(P, 3, 2);
    expect(rows.toArray()).toEqual(
      [P.data.slice(4, 6), P.data.slice(6, 8), P.data.slice(8, 10)].map((r) => Array.from(r)),
    );
    sum(rows).backward();
    expect(Array.from(P.grad?.data ?? [])).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('refuses positions past the table', () => {
    expect(() => learnedPositionalEmbedding(zeros([4, 2]), 3, 2)).toThrow(
      /positions 2..4 are outside the table's 0..3/,
    );
  });
});

describe('attention ignores order unless positions are added', () => {
  it('self-attention without positions is permutation-equivariant; with them it is not', () => {
    const rng = new Rng(5);
    const [T, E] = [5, 4];
    const x = randnT([1, T, E], rng);
    const p = randomAttention(E, rng);
    const perm = [3, 0, 4, 1, 2];
    const permute = (t: Tensor): Tensor => {
      const out = t.clone();
      perm.forEach((src, dst) => out.data.set(t.data.subarray(src * E, src * E + E), dst * E));
      return out;
    };
    const f = (t: Tensor): Tensor => multiHeadAttention(t, t, t, p, 2).out;
    const y = f(x);
    const yp = f(permute(x));
    for (let i = 0; i < y.size; i++)
      expect(yp.data[i]).toBeCloseTo(permute(y).data[i] as number, 12);
    // Add positions: the same tokens in another order now give other outputs, not a shuffle.
    const PE = sinusoidalPositionalEncoding(T, E);
    const withPos = f(add(permute(x), PE));
    const shuffled = permute(f(add(x, PE)));
    const gap = Math.max(
      ...Array.from(withPos.data, (v, i) => Math.abs(v - (shuffled.data[i] as number))),
    );
    expect(gap).toBeGreaterThan(0.05);
  });
});

describe('heads and scaling', () => {
  it('head i holds features i·dk … (i+1)·dk − 1, and mergeHeads undoes splitHeads', () => {
    const x = randnT([2, 3, 6], new Rng(6));
    const h = splitHeads(x, 3); // [2, 3, 3, 2]
    expect(h.shape).toEqual([2, 3, 3, 2]);
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < 3; i++)
        for (let t = 0; t < 3; t++)
          for (let j = 0; j < 2; j++) expect(h.get(n, i, t, j)).toBe(x.get(n, t, i * 2 + j));
    expect(mergeHeads(h).toArray()).toEqual(x.toArray());
  });

  it('divides the scores by √dk before the softmax', () => {
    const Q = tensor([[[2, 0, 0, 0]]]); // [1, 1, 4], dk = 4
    const K = tensor([
      [
        [1, 0, 0, 0],
        [0, 0, 0, 0],
      ],
    ]); // scores 2 and 0, scaled: 1 and 0
    const V = tensor([[[1], [0]]]);
    const { weights } = scaledDotProductAttention(Q, K, V);
    expect(weights.get(0, 0, 0)).toBeCloseTo(Math.E / (Math.E + 1), 15);
  });

  it('scaled scores of random unit-variance vectors have variance about 1 for any dk (eq. 4.5)', () => {
    const rng = new Rng(7);
    for (const dk of [4, 64, 256]) {
      const q = randn([400, dk], rng);
      const k = randn([400, dk], rng);
      const s = mul(sum(mul(q, k), 1), 1 / Math.sqrt(dk)); // 400 scaled scores
      const variance = Array.from(s.data).reduce((a, v) => a + v * v, 0) / 400;
      expect(variance).toBeGreaterThan(0.8);
      expect(variance).toBeLessThan(1.2);
    }
  });
});

describe('shape errors name the op and both shapes', () => {
  const rng = new Rng(8);
  it('scaled dot-product attention: keys of another width', () => {
    expect(() =>
      scaledDotProductAttention(
        randnT([2, 3, 4], rng),
        randnT([2, 5, 3], rng),
        randnT([2, 5, 2], rng),
      ),
    ).toThrow(
      'scaledDotProductAttention: expected K [2, Tk, 4] (the batch axes and dk of Q [2, 3, 4]), received K [2, 5, 3]',
    );
  });

  it('scaled dot-product attention: a mask of the wrong shape', () => {
    const x = randnT([2, 3, 4], rng);
    expect(() => scaledDotProductAttention(x, x, x, ones([4, 4]))).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(x, x, x, ones([4, 4]))).toThrow(
      'scaledDotProductAttention: expected a mask that broadcasts to the scores [2, 3, 3] [..., Tq, Tk], received mask [4, 4]',
    );
  });

  it('multi-head attention: a query of the wrong width, and heads that do not divide E', () => {
    const p = randomAttention(6, rng);
    const x = randnT([2, 3, 5], rng);
    expect(() => multiHeadAttention(x, x, x, p, 2)).toThrow(
      'multiHeadAttention: expected query [*, *, 6], received [2, 3, 5]',
    );
    const y = randnT([2, 3, 6], rng);
    expect(() => multiHeadAttention(y, y, y, p, 4)).toThrow(
      /numHeads must be an integer >= 1 that divides E = 6, received 4/,
    );
  });

  it('layer norm: γ of the wrong size', () => {
    expect(() => layerNorm(randnT([2, 5], rng), ones([4]), zeros([5]))).toThrow(
      'layerNorm: expected gamma [5], received [4]',
    );
  });
});
