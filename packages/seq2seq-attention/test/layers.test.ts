/**
 * What the reference's layers promise, beyond agreeing with the solutions: padding never
 * matters, the backward direction reads each sequence from its end, dropout is seeded, and
 * shape errors name the operation and both shapes.
 */
import { describe, expect, it } from 'vitest';
import {
  Rng,
  ShapeError,
  concat,
  narrow,
  reverseSequence,
  sequenceMask,
  tensor,
  timeStep,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnn } from '@rnn-course/rnn';
import {
  additiveAttention,
  bidirectionalRnn,
  maskedSoftmax,
  multiplicativeAttention,
  stackedRnn,
} from './reference';
import { expectRel, randnT } from './helpers';

const rowSums = (w: Tensor): number[] => {
  const [N, T] = w.shape as [number, number];
  return Array.from({ length: N }, (_, n) =>
    w.data.subarray(n * T, (n + 1) * T).reduce((s, v) => s + v, 0),
  );
};

describe('maskedSoftmax', () => {
  const mask = tensor([
    [1, 1, 1, 0],
    [1, 0, 0, 0],
    [0, 0, 0, 0],
  ]);

  it('puts exactly zero weight on padding, sums to 1 over valid positions, 0 for an empty row', () => {
    const w = maskedSoftmax(randnT([3, 4], new Rng(1)), mask);
    expect([w.get(0, 3), w.get(1, 1), w.get(1, 3), w.get(2, 0)]).toEqual([0, 0, 0, 0]);
    expect(w.get(1, 0)).toBe(1);
    const sums = rowSums(w);
    expect(sums[0]).toBeCloseTo(1, 14);
    expect(sums[2]).toBe(0);
    expect(Array.from(w.data).every(Number.isFinite)).toBe(true);
  });

  it('ignores the scores at padded positions, however large', () => {
    const s = randnT([3, 4], new Rng(2));
    const huge = s.clone();
    huge.set(1e300, 0, 3);
    huge.set(-1e300, 1, 2);
    expect(maskedSoftmax(huge, mask).data).toEqual(maskedSoftmax(s, mask).data);
  });

  it('stays finite for valid scores of ±1e4 and matches the softmax when nothing is masked', () => {
    const s = tensor([[1e4, -1e4, 0]]);
    const w = maskedSoftmax(s, tensor([[1, 1, 1]]));
    expect(w.get(0, 0)).toBe(1);
    expect(w.get(0, 1)).toBe(0);
    const t = tensor([[0.5, -1, 2]]);
    const e = [0.5, -1, 2].map(Math.exp);
    const z = e.reduce((a, b) => a + b);
    expectRel(
      maskedSoftmax(t, tensor([[1, 1, 1]])),
      tensor([e.map((v) => v / z)]),
      1e-15,
      'softmax',
    );
  });

  it('names the op and both shapes, and rejects a mask that is not 0/1', () => {
    expect(() => maskedSoftmax(randnT([2, 3], new Rng(3)), tensor([[1, 1]]))).toThrow(
      'maskedSoftmax: expected scores [..., T] and mask of the same shape, received scores [2, 3] and mask [1, 2]',
    );
    expect(() => maskedSoftmax(tensor([[1, 2]]), tensor([[1, 0.5]]))).toThrow(
      /mask values must be 0 or 1/,
    );
  });
});

describe('attention', () => {
  const rng = new Rng(4);
  const [N, T, H] = [2, 5, 3];
  const query = randnT([N, H], rng);
  const keys = randnT([N, T, H], rng);
  const values = randnT([N, T, 4], rng);
  const mask = sequenceMask([5, 2], T);
  const Wq = randnT([H, 6], rng);
  const Wk = randnT([H, 6], rng);
  const v = randnT([6], rng);
  const Wa = randnT([H, H], rng);

  const layers: [string, (k: Tensor, val: Tensor) => { context: Tensor; weights: Tensor }][] = [
    ['additive', (k, val) => additiveAttention(query, k, val, mask, Wq, Wk, v)],
    ['dot', (k, val) => multiplicativeAttention(query, k, val, mask)],
    ['general', (k, val) => multiplicativeAttention(query, k, val, mask, Wa)],
  ];
  for (const [name, attend] of layers) {
    it(`${name}: the context is the weighted average of the values, and padding changes nothing`, () => {
      const { context, weights } = attend(keys, values);
      expect(rowSums(weights).map((s) => Math.round(s * 1e12) / 1e12)).toEqual([1, 1]);
      expect(weights.get(1, 2)).toBe(0);
      // c_1 = Σ_t α_{1,t} values_{1,t}, written out.
      for (let h = 0; h < 4; h++) {
        let c = 0;
        for (let t = 0; t < T; t++) c += weights.get(1, t) * values.get(1, t, h);
        expect(context.get(1, h)).toBeCloseTo(c, 13);
      }
      // Scribbling over row 1's padded keys and values leaves its context as it was.
      const k2 = keys.clone();
      const v2 = values.clone();
      for (let t = 2; t < T; t++) {
        for (let h = 0; h < H; h++) k2.set(100, 1, t, h);
        for (let h = 0; h < 4; h++) v2.set(-100, 1, t, h);
      }
      expect(attend(k2, v2).context.data).toEqual(context.data);
    });
  }

  it('dot attention needs query and keys of one size; errors name the op and both shapes', () => {
    expect(() => multiplicativeAttention(randnT([N, 2], rng), keys, values, mask)).toThrow(
      'multiplicativeAttention: expected query [N, Hk] and keys [N, T, Hk] of equal Hk for dot attention (or a matrix Wa), received query [2, 2] and keys [2, 5, 3]',
    );
    expect(() =>
      additiveAttention(query, keys, values, sequenceMask([4, 2], 4), Wq, Wk, v),
    ).toThrow(
      'additiveAttention: expected mask [2, 5] (one entry per source position of keys [2, 5, 3]), received [2, 4]',
    );
    expect(() => additiveAttention(query, keys, values, mask, Wq, randnT([H, 5], rng), v)).toThrow(
      ShapeError,
    );
  });
});

describe('bidirectionalRnn', () => {
  const rng = new Rng(5);
  const [N, T, D, H] = [2, 5, 3, 4];
  const x = randnT([N, T, D], rng);
  const h0 = randnT([N, H], rng);
  const params = {
    Wxf: randnT([D, H], rng, 0.5),
    Whf: randnT([H, H], rng, 0.5),
    bf: randnT([H], rng),
    Wxb: randnT([D, H], rng, 0.5),
    Whb: randnT([H, H], rng, 0.5),
    bb: randnT([H], rng),
  };
  const lengths = [5, 3];

  it('holds [h→_t ; h←_t]: the left-to-right RNN, and the right-to-left one read back in place', () => {
    const h = bidirectionalRnn(x, h0, h0, params, lengths); // [N, T, 2H]
    expectRel(narrow(h, 2, 0, H), rnn(x, h0, params.Wxf, params.Whf, params.bf), 0, 'forward half');
    // Row 1 has length 3: the backward RNN reads x_2, x_1, x_0, so h←_2 is its first state.
    const row = narrow(x, 0, 1, 1); // [1, T, D]
    const reversed = concat(
      [2, 1, 0].map((t) => narrow(row, 1, t, 1)),
      1,
    ); // [1, 3, D]
    const states = rnn(reversed, narrow(h0, 0, 1, 1), params.Wxb, params.Whb, params.bb); // [1, 3, H]
    for (const [t, k] of [
      [2, 0],
      [1, 1],
      [0, 2],
    ]) {
      expectRel(
        narrow(timeStep(narrow(h, 0, 1, 1), t as number), 1, H, H),
        timeStep(states, k as number),
        1e-15,
        `h← at t = ${t}`,
      );
    }
  });

  it('values at real positions do not depend on the padding after them', () => {
    const padded = x.clone();
    for (let t = 3; t < T; t++) for (let d = 0; d < D; d++) padded.set(50, 1, t, d);
    const a = bidirectionalRnn(x, h0, h0, params, lengths);
    const b = bidirectionalRnn(padded, h0, h0, params, lengths);
    expect(Array.from(a.data.subarray(T * 2 * H, (T + 3) * 2 * H))).toEqual(
      Array.from(b.data.subarray(T * 2 * H, (T + 3) * 2 * H)),
    );
  });

  it('without the reversal back, position t would hold the state of position len − 1 − t', () => {
    // The mistake the chapter warns about, made on purpose: the two halves then disagree on which
    // input they describe, and the result differs from the reference.
    const wrong = concat(
      [
        rnn(x, h0, params.Wxf, params.Whf, params.bf),
        rnn(reverseSequence(x), h0, params.Wxb, params.Whb, params.bb),
      ],
      2,
    );
    const right = bidirectionalRnn(x, h0, h0, params);
    expect(
      Math.max(...Array.from(right.data, (v, i) => Math.abs(v - wrong.data[i]!))),
    ).toBeGreaterThan(0.01);
  });

  it('names the op and the shapes', () => {
    expect(() => bidirectionalRnn(x, h0, randnT([N, 3], rng), params)).toThrow(
      'bidirectionalRnn: expected h0b [2, 4], received [2, 3]',
    );
  });
});

describe('stackedRnn', () => {
  const rng = new Rng(6);
  const [N, T, D, H] = [2, 3, 2, 3];
  const x = randnT([N, T, D], rng);
  const h0 = [randnT([N, H], rng), randnT([N, H], rng)];
  const layers = [
    { Wx: randnT([D, H], rng), Wh: randnT([H, H], rng), b: randnT([H], rng) },
    { Wx: randnT([H, H], rng), Wh: randnT([H, H], rng), b: randnT([H], rng) },
  ];

  it('without dropout is one RNN feeding the next', () => {
    const below = rnn(x, h0[0]!, layers[0]!.Wx, layers[0]!.Wh, layers[0]!.b);
    const top = rnn(below, h0[1]!, layers[1]!.Wx, layers[1]!.Wh, layers[1]!.b);
    expect(stackedRnn(x, h0, layers).data).toEqual(top.data);
    expect(stackedRnn(x, h0, layers, 0.5).data).toEqual(top.data); // no rng: evaluation
  });

  it('draws one uniform per unit between layers, so equal seeds give equal outputs', () => {
    const a = new Rng(3);
    const out = stackedRnn(x, h0, layers, 0.5, a);
    const b = new Rng(3);
    for (let i = 0; i < N * T * H; i++) b.uniform();
    expect(a.uniform()).toBe(b.uniform());
    expect(stackedRnn(x, h0, layers, 0.5, new Rng(3)).data).toEqual(out.data);
    expect(stackedRnn(x, h0, layers, 0.5, new Rng(4)).data).not.toEqual(out.data);
  });

  it('names the op and the layer whose shape is wrong', () => {
    const bad = [layers[0]!, { ...layers[1]!, Wx: randnT([D, H], rng) }];
    expect(() => stackedRnn(x, h0, bad)).toThrow(
      'stackedRnn: expected layers[1].Wx [3, *], received [2, 3]',
    );
  });
});
