/**
 * The reference (autograd) and the worked solutions (hand-written backward) are two
 * independent derivations of the same layers: their values agree to 1e-10 and their gradients
 * to 1e-8 (relative error, CS231n formula) on seeded inputs, including N = 1, T = 1 and masks.
 */
import { describe, expect, it } from 'vitest';
import { Rng, add, mul, ones, orthogonal, scale, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  causalMask,
  keyPaddingMask,
  layerNorm,
  multiHeadAttention,
  rnnPathLengthGradient,
  scaledDotProductAttention,
  selfAttentionPathLengthGradient,
  sinusoidalPositionalEncoding,
  transformerEncoderBlock,
} from '../src/index';
import type { MultiHeadAttentionParams } from '../src/index';
import { causalMask as solutionCausalMask } from '@target/transformer-bridge/causal-mask';
import { layerNormBackward, layerNormForward } from '@target/transformer-bridge/layer-norm';
import {
  multiHeadAttentionBackward,
  multiHeadAttentionForward,
} from '@target/transformer-bridge/multi-head-attention';
import { rnnPathLengthGradient as solutionRnnPath } from '@target/transformer-bridge/rnn-path-length-gradient';
import { selfAttentionPathLengthGradient as solutionAttentionPath } from '@target/transformer-bridge/self-attention-path-length-gradient';
import { sinusoidalPositionalEncoding as solutionPE } from '@target/transformer-bridge/sinusoidal-positional-encoding';
import {
  scaledDotProductAttentionBackward,
  scaledDotProductAttentionForward,
} from '@target/transformer-bridge/scaled-dot-product-attention';
import {
  transformerEncoderBlockBackward,
  transformerEncoderBlockForward,
} from '@target/transformer-bridge/transformer-encoder-block';
import {
  autogradGrads,
  blockFrom,
  blockInputs,
  expectGrads,
  expectRel,
  randnT,
  randomAttention,
  randomBlock,
} from './helpers';

const VALUE_TOL = 1e-10;
const GRAD_TOL = 1e-8;

/** The eight attention parameters back from a list in the order of `{ ...params }`. */
function attentionFrom(w: Tensor[]): MultiHeadAttentionParams {
  const [Wq, Wk, Wv, bq, bk, bv, Wo, bo] = w as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ];
  return { Wq, Wk, Wv, bq, bk, bv, Wo, bo };
}

describe('scaled dot-product attention: reference vs solution', () => {
  const cases: Array<{ name: string; lead: number[]; sizes: number[]; mask?: Tensor }> = [
    { name: 'N=2, Tq=3, Tk=4, no mask', lead: [2], sizes: [3, 4, 5, 3] },
    { name: 'N=1, T=1 (one query, one key)', lead: [1], sizes: [1, 1, 4, 2] },
    {
      name: 'N=2, Tq=3, Tk=5, padding mask (lengths 5 and 2)',
      lead: [2],
      sizes: [3, 5, 4, 3],
      mask: keyPaddingMask([5, 2], 5),
    },
    { name: 'N=2, T=4, causal mask', lead: [2], sizes: [4, 4, 3, 3], mask: causalMask(4) },
    {
      name: 'N=2, T=4, causal and padding masks',
      lead: [2],
      sizes: [4, 4, 3, 2],
      mask: mul(causalMask(4), keyPaddingMask([4, 3], 4)),
    },
    {
      name: 'heads as a second batch axis [2, 3, T, dk]',
      lead: [2, 3],
      sizes: [4, 4, 2, 2],
      mask: causalMask(4),
    },
  ];
  for (const { name, lead, sizes, mask } of cases) {
    it(`values and gradients agree: ${name}`, () => {
      const [Tq, Tk, dk, dv] = sizes as [number, number, number, number];
      const rng = new Rng(lead.length * 100 + Tq * 10 + Tk);
      const inputs = {
        Q: randnT([...lead, Tq, dk], rng),
        K: randnT([...lead, Tk, dk], rng),
        V: randnT([...lead, Tk, dv], rng),
      };
      const dout = randnT([...lead, Tq, dv], rng);
      const sol = scaledDotProductAttentionForward(inputs.Q, inputs.K, inputs.V, mask);
      const ref = scaledDotProductAttention(inputs.Q, inputs.K, inputs.V, mask);
      expectRel(sol.out, ref.out, VALUE_TOL, 'out');
      expectRel(sol.weights, ref.weights, VALUE_TOL, 'weights');
      expectGrads(
        { ...scaledDotProductAttentionBackward(dout, sol.cache) },
        autogradGrads(
          (Q, K, V) => scaledDotProductAttention(Q as Tensor, K as Tensor, V as Tensor, mask).out,
          inputs,
          dout,
        ),
        GRAD_TOL,
      );
    });
  }

  it('gives masked keys weight exactly 0, and every row still sums to 1', () => {
    const rng = new Rng(3);
    const m = mul(causalMask(4), keyPaddingMask([4, 2], 4)); // [2, 4, 4]
    const x = (): Tensor => randnT([2, 4, 3], rng);
    for (const { weights } of [
      scaledDotProductAttentionForward(x(), x(), x(), m),
      scaledDotProductAttention(x(), x(), x(), m),
    ]) {
      for (let n = 0; n < 2; n++) {
        for (let i = 0; i < 4; i++) {
          let rowSum = 0;
          for (let j = 0; j < 4; j++) {
            if (m.get(n, i, j) === 0) expect(weights.get(n, i, j), `[${n}, ${i}, ${j}]`).toBe(0);
            rowSum += weights.get(n, i, j);
          }
          expect(rowSum).toBeCloseTo(1, 14);
        }
      }
    }
  });
});

describe('multi-head attention: reference vs solution', () => {
  const cases: Array<{
    name: string;
    sizes: [N: number, Tq: number, Tk: number, E: number, h: number];
    self: boolean;
    mask?: Tensor;
  }> = [
    { name: 'cross-attention N=2, Tq=3, Tk=5, E=6, h=2', sizes: [2, 3, 5, 6, 2], self: false },
    {
      name: 'cross-attention with a padding mask, h=3',
      sizes: [2, 3, 5, 6, 3],
      self: false,
      mask: keyPaddingMask([5, 3], 5),
    },
    {
      name: 'self-attention with causal and padding masks, h=2',
      sizes: [2, 4, 4, 4, 2],
      self: true,
      mask: mul(causalMask(4), keyPaddingMask([4, 2], 4)),
    },
    { name: 'N=1, T=1, one head', sizes: [1, 1, 1, 3, 1], self: true },
  ];
  for (const { name, sizes, self, mask } of cases) {
    it(`values and gradients agree: ${name}`, () => {
      const [N, Tq, Tk, E, h] = sizes;
      const rng = new Rng(N * 1000 + Tq * 100 + Tk * 10 + h);
      const p = randomAttention(E, rng);
      const query = randnT([N, Tq, E], rng);
      const key = self ? query : randnT([N, Tk, E], rng);
      const value = self ? query : randnT([N, Tk, E], rng);
      const dout = randnT([N, Tq, E], rng);
      const sol = multiHeadAttentionForward(query, key, value, p, h, mask);
      const ref = multiHeadAttention(query, key, value, p, h, mask);
      expectRel(sol.out, ref.out, VALUE_TOL, 'out');
      expectRel(sol.weights, ref.weights, VALUE_TOL, 'weights');
      const g = multiHeadAttentionBackward(dout, sol.cache);
      if (self) {
        // One tensor x is the query, the key and the value: its gradient is the sum of three.
        const { dx, ...dparams } = autogradGrads(
          (x, ...w) => {
            const t = x as Tensor;
            return multiHeadAttention(t, t, t, attentionFrom(w), h, mask).out;
          },
          { x: query, ...p },
          dout,
        );
        expectRel(add(add(g.dquery, g.dkey), g.dvalue), dx as Tensor, GRAD_TOL, 'dx');
        expectGrads({ ...g }, dparams, GRAD_TOL);
      } else {
        const expected = autogradGrads(
          (q, k, v, ...w) =>
            multiHeadAttention(q as Tensor, k as Tensor, v as Tensor, attentionFrom(w), h, mask)
              .out,
          { query, key, value, ...p },
          dout,
        );
        expectGrads({ ...g }, expected, GRAD_TOL);
      }
    });
  }
});

describe('layer norm: reference vs solution', () => {
  for (const shape of [
    [2, 3, 5],
    [1, 1, 4],
    [4, 6],
  ]) {
    it(`values and gradients agree for x [${shape.join(', ')}]`, () => {
      const rng = new Rng(shape.length * 10 + (shape[0] as number));
      const D = shape.at(-1) as number;
      const inputs = {
        x: add(randnT(shape, rng, 2), 3), // a nonzero mean, so that centring matters
        gamma: add(randnT([D], rng, 0.3), 1),
        beta: randnT([D], rng, 0.3),
      };
      const dout = randnT(shape, rng);
      const sol = layerNormForward(inputs.x, inputs.gamma, inputs.beta);
      expectRel(sol.out, layerNorm(inputs.x, inputs.gamma, inputs.beta), VALUE_TOL, 'out');
      expectGrads(
        { ...layerNormBackward(dout, sol.cache) },
        autogradGrads((x, g, b) => layerNorm(x as Tensor, g as Tensor, b as Tensor), inputs, dout),
        GRAD_TOL,
      );
    });
  }

  it('normalises every position over its features, with the biased variance', () => {
    const x = randnT([3, 4, 6], new Rng(8), 5);
    const { out } = layerNormForward(x, ones([6]), zeros([6]));
    for (let row = 0; row < 12; row++) {
      const v = Array.from(out.data.subarray(row * 6, row * 6 + 6));
      const mean = v.reduce((s, a) => s + a, 0) / 6;
      const variance = v.reduce((s, a) => s + (a - mean) ** 2, 0) / 6; // biased, as normalised
      expect(mean).toBeCloseTo(0, 12);
      expect(variance).toBeCloseTo(1, 5); // 1 − eps/(σ² + eps): eps = 1e-5 against σ² ≈ 25
    }
  });
});

describe('transformer encoder block (pre-norm): reference vs solution', () => {
  for (const { name, N, T, E, h, F, mask } of [
    { name: 'N=2, T=4, E=4, h=2, F=8, no mask', N: 2, T: 4, E: 4, h: 2, F: 8, mask: undefined },
    {
      name: 'N=2, T=4, padding mask',
      N: 2,
      T: 4,
      E: 6,
      h: 3,
      F: 5,
      mask: keyPaddingMask([4, 2], 4),
    },
    { name: 'N=1, T=1', N: 1, T: 1, E: 4, h: 2, F: 3, mask: undefined },
  ]) {
    it(`values and every gradient agree: ${name}`, () => {
      const rng = new Rng(N * 100 + T * 10 + E);
      const p = randomBlock(E, F, rng);
      const x = randnT([N, T, E], rng);
      const dout = randnT([N, T, E], rng);
      const sol = transformerEncoderBlockForward(x, p, h, mask);
      const opts = { numHeads: h, normFirst: true };
      const ref = transformerEncoderBlock(x, p, opts, mask);
      expectRel(sol.out, ref.out, VALUE_TOL, 'out');
      expectRel(sol.weights, ref.weights, VALUE_TOL, 'weights');
      const names = Object.keys(blockInputs(p));
      const expected = autogradGrads(
        (xs, ...w) =>
          transformerEncoderBlock(
            xs as Tensor,
            blockFrom(Object.fromEntries(names.map((k, i) => [k, w[i] as Tensor]))),
            opts,
            mask,
          ).out,
        { x, ...blockInputs(p) },
        dout,
      );
      expectGrads({ ...transformerEncoderBlockBackward(dout, sol.cache) }, expected, GRAD_TOL);
    });
  }
});

describe('positional encoding and causal mask: reference vs solution', () => {
  it('sinusoidal encodings are identical, for even and odd D', () => {
    for (const [T, D] of [
      [7, 8],
      [5, 7],
      [1, 1],
    ] as const) {
      expectRel(solutionPE(T, D), sinusoidalPositionalEncoding(T, D), 0, `PE ${T}x${D}`);
    }
  });

  it('causal masks are identical', () => {
    for (const T of [1, 2, 6]) expectRel(solutionCausalMask(T), causalMask(T), 0, `mask ${T}`);
  });
});

describe('path length: reference (autograd) vs solution (hand-derived Jacobians)', () => {
  for (const T of [1, 2, 7]) {
    it(`RNN and self-attention agree at T = ${T}`, () => {
      const rng = new Rng(40 + T);
      const [D, H] = [3, 5];
      const x = randnT([1, T, D], rng);
      const Wx = randnT([D, H], rng, 0.7);
      const Wh = scale(orthogonal([H, H], rng).detach(), 0.9);
      const b = randnT([H], rng, 0.1);
      const h0 = zeros([1, H]);
      expectRel(
        solutionRnnPath(x, h0, Wx, Wh, b),
        rnnPathLengthGradient(x, h0, Wx, Wh, b),
        VALUE_TOL,
        'RNN',
      );
      const [Wq, Wk, Wv] = [randnT([D, 4], rng), randnT([D, 4], rng), randnT([D, 2], rng)];
      expectRel(
        solutionAttentionPath(x, Wq as Tensor, Wk as Tensor, Wv as Tensor),
        selfAttentionPathLengthGradient(x, Wq as Tensor, Wk as Tensor, Wv as Tensor),
        VALUE_TOL,
        'self-attention',
      );
    });
  }

  it('at T = 1 the self-attention Jacobian is Wvᵀ (one key, weight 1)', () => {
    const rng = new Rng(2);
    const Wv = randnT([3, 2], rng);
    const frob = Math.sqrt(Array.from(Wv.data).reduce((s, v) => s + v * v, 0));
    const got = solutionAttentionPath(
      randnT([1, 1, 3], rng),
      randnT([3, 4], rng),
      randnT([3, 4], rng),
      Wv,
    );
    expect(got).toBeCloseTo(frob, 12);
  });
});
