/**
 * Both derivations against central finite differences (h = 1e-5, float64): the autograd
 * gradients of the reference and the hand-written backward of the solutions, with masks,
 * N = 1 and T = 1 included. Tolerance 1e-6 relative error, the upper end of what CS231n
 * expects for a backward pass.
 */
import { describe, it } from 'vitest';
import { Rng, add, mul } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  causalMask,
  keyPaddingMask,
  layerNorm,
  multiHeadAttention,
  scaledDotProductAttention,
  transformerEncoderBlock,
} from '../src/index';
import { layerNormBackward, layerNormForward } from '@target/transformer-bridge/layer-norm';
import {
  multiHeadAttentionBackward,
  multiHeadAttentionForward,
} from '@target/transformer-bridge/multi-head-attention';
import {
  scaledDotProductAttentionBackward,
  scaledDotProductAttentionForward,
} from '@target/transformer-bridge/scaled-dot-product-attention';
import {
  transformerEncoderBlockBackward,
  transformerEncoderBlockForward,
} from '@target/transformer-bridge/transformer-encoder-block';
import {
  ZERO_TOL,
  autogradGrads,
  blockFrom,
  blockInputs,
  expectGrads,
  numericGrads,
  randnT,
  randomAttention,
  randomBlock,
} from './helpers';

const FD_TOL = 1e-6;

/** Both derivations against the numeric gradients. */
function expectBoth(
  numeric: Record<string, Tensor>,
  reference: Record<string, Tensor>,
  solution: Record<string, Tensor>,
): void {
  expectGrads(reference, numeric, FD_TOL, 'reference', ZERO_TOL.numeric);
  expectGrads(solution, numeric, FD_TOL, 'solution', ZERO_TOL.numeric);
}

describe('scaled dot-product attention against central differences', () => {
  for (const { name, N, Tq, Tk, mask } of [
    {
      name: 'causal and padding masks, N=2, T=5',
      N: 2,
      Tq: 5,
      Tk: 5,
      mask: mul(causalMask(5), keyPaddingMask([5, 3], 5)),
    },
    {
      name: 'cross-attention with padding, Tq=2, Tk=4',
      N: 2,
      Tq: 2,
      Tk: 4,
      mask: keyPaddingMask([2, 4], 4),
    },
    { name: 'N=1, T=1', N: 1, Tq: 1, Tk: 1, mask: undefined },
  ]) {
    it(name, () => {
      const rng = new Rng(Tq * 10 + Tk);
      const p = {
        Q: randnT([N, Tq, 3], rng),
        K: randnT([N, Tk, 3], rng),
        V: randnT([N, Tk, 2], rng),
      };
      const dout = randnT([N, Tq, 2], rng);
      const f = (Q: Tensor, K: Tensor, V: Tensor): Tensor =>
        scaledDotProductAttention(Q, K, V, mask).out;
      const numeric = numericGrads(
        () => scaledDotProductAttentionForward(p.Q, p.K, p.V, mask).out,
        p,
        dout,
      );
      const { cache } = scaledDotProductAttentionForward(p.Q, p.K, p.V, mask);
      expectBoth(
        numeric,
        autogradGrads((Q, K, V) => f(Q as Tensor, K as Tensor, V as Tensor), p, dout),
        { ...scaledDotProductAttentionBackward(dout, cache) },
      );
    });
  }
});

describe('multi-head attention against central differences', () => {
  for (const { name, N, T, E, h, mask } of [
    {
      name: 'self-attention, causal and padding masks, h=2',
      N: 2,
      T: 4,
      E: 4,
      h: 2,
      mask: mul(causalMask(4), keyPaddingMask([4, 2], 4)),
    },
    { name: 'N=1, T=1, h=3', N: 1, T: 1, E: 6, h: 3, mask: undefined },
  ]) {
    it(name, () => {
      const rng = new Rng(T * 10 + E);
      const p = randomAttention(E, rng);
      const inputs = {
        query: randnT([N, T, E], rng),
        key: randnT([N, T, E], rng),
        value: randnT([N, T, E], rng),
        ...p,
      };
      const dout = randnT([N, T, E], rng);
      const run = () =>
        multiHeadAttentionForward(inputs.query, inputs.key, inputs.value, inputs, h, mask);
      const numeric = numericGrads(() => run().out, inputs, dout);
      const reference = autogradGrads(
        (q, k, v, Wq, Wk, Wv, bq, bk, bv, Wo, bo) =>
          multiHeadAttention(
            q as Tensor,
            k as Tensor,
            v as Tensor,
            { Wq, Wk, Wv, bq, bk, bv, Wo, bo } as never,
            h,
            mask,
          ).out,
        inputs,
        dout,
      );
      expectBoth(numeric, reference, { ...multiHeadAttentionBackward(dout, run().cache) });
    });
  }
});

describe('layer norm against central differences', () => {
  for (const shape of [
    [2, 3, 5],
    [1, 1, 3],
  ]) {
    it(`x [${shape.join(', ')}]`, () => {
      const rng = new Rng(shape[0] as number);
      const D = shape.at(-1) as number;
      const p = {
        x: add(randnT(shape, rng), 1),
        gamma: add(randnT([D], rng, 0.3), 1),
        beta: randnT([D], rng),
      };
      const dout = randnT(shape, rng);
      const numeric = numericGrads(() => layerNormForward(p.x, p.gamma, p.beta).out, p, dout);
      const { cache } = layerNormForward(p.x, p.gamma, p.beta);
      expectBoth(
        numeric,
        autogradGrads((x, g, b) => layerNorm(x as Tensor, g as Tensor, b as Tensor), p, dout),
        { ...layerNormBackward(dout, cache) },
      );
    });
  }
});

describe('transformer encoder block against central differences', () => {
  for (const { name, N, T, mask } of [
    { name: 'N=2, T=3, padding mask', N: 2, T: 3, mask: keyPaddingMask([3, 2], 3) },
    { name: 'N=1, T=1', N: 1, T: 1, mask: undefined },
  ]) {
    it(`every gradient: ${name}`, () => {
      const [E, h, F] = [4, 2, 6];
      const rng = new Rng(N * 10 + T);
      const p = randomBlock(E, F, rng);
      const inputs = { x: randnT([N, T, E], rng), ...blockInputs(p) };
      const dout = randnT([N, T, E], rng);
      const run = () => transformerEncoderBlockForward(inputs.x, blockFrom(inputs), h, mask);
      const numeric = numericGrads(() => run().out, inputs, dout);
      const names = Object.keys(inputs);
      const reference = autogradGrads(
        (...w) => {
          const t = Object.fromEntries(names.map((k, i) => [k, w[i] as Tensor]));
          return transformerEncoderBlock(
            t.x as Tensor,
            blockFrom(t),
            { numHeads: h, normFirst: true },
            mask,
          ).out;
        },
        inputs,
        dout,
      );
      expectBoth(numeric, reference, { ...transformerEncoderBlockBackward(dout, run().cache) });
    });
  }
});
