/**
 * The reference (autograd) and the worked solutions (hand-written backward) are two
 * independent derivations of the same layers: their values agree to 1e-10 and their gradients
 * to 1e-8 (relative error, CS231n formula) on seeded inputs.
 */
import { describe, expect, it } from 'vitest';
import { Rng, tensor } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { wordEmbedding, rnn, rnnStep, temporalAffine, temporalSoftmaxLoss } from '../src/index';
import { wordEmbeddingBackward, wordEmbeddingForward } from '../../../solutions/rnn/word-embedding';
import { rnnBackward, rnnForward } from '../../../solutions/rnn/rnn';
import { rnnStepBackward, rnnStepForward } from '../../../solutions/rnn/rnn-step';
import {
  temporalAffineBackward,
  temporalAffineForward,
} from '../../../solutions/rnn/temporal-affine';
import { temporalSoftmaxLossAndGrad as solutionLoss } from '../../../solutions/rnn/temporal-softmax-loss';
import { autogradGrads, expectRel, randnT, randomIds } from './helpers';

const VALUE_TOL = 1e-10;
const GRAD_TOL = 1e-8;

function expectGrads(actual: Record<string, Tensor>, expected: Record<string, Tensor>): void {
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name];
    expect(a, `${name} returned`).toBeDefined();
    expectRel(a as Tensor, e, GRAD_TOL, name);
  }
}

describe('rnn step: reference vs solution', () => {
  for (const [N, D, H] of [
    [3, 4, 5],
    [1, 1, 1],
    [2, 6, 3],
  ] as const) {
    it(`values and gradients agree for N=${N}, D=${D}, H=${H}`, () => {
      const rng = new Rng(10 + N * 7 + D);
      const inputs = {
        x: randnT([N, D], rng),
        prevH: randnT([N, H], rng),
        Wx: randnT([D, H], rng, 0.5),
        Wh: randnT([H, H], rng, 0.5),
        b: randnT([H], rng),
      };
      const dnextH = randnT([N, H], rng);
      const { nextH, cache } = rnnStepForward(
        inputs.x,
        inputs.prevH,
        inputs.Wx,
        inputs.Wh,
        inputs.b,
      );
      expectRel(
        nextH,
        rnnStep(inputs.x, inputs.prevH, inputs.Wx, inputs.Wh, inputs.b),
        VALUE_TOL,
        'nextH',
      );
      expectGrads({ ...rnnStepBackward(dnextH, cache) }, autogradGrads(rnnStep, inputs, dnextH));
    });
  }
});

describe('rnn sequence (BPTT): reference vs solution', () => {
  for (const [N, T, D, H] of [
    [2, 6, 3, 4],
    [1, 1, 2, 3],
    [3, 10, 2, 5],
  ] as const) {
    it(`values and gradients agree for N=${N}, T=${T}, D=${D}, H=${H}`, () => {
      const rng = new Rng(100 + T);
      const inputs = {
        x: randnT([N, T, D], rng),
        h0: randnT([N, H], rng),
        Wx: randnT([D, H], rng, 0.5),
        Wh: randnT([H, H], rng, 0.5),
        b: randnT([H], rng),
      };
      const dh = randnT([N, T, H], rng);
      const { h, cache } = rnnForward(inputs.x, inputs.h0, inputs.Wx, inputs.Wh, inputs.b);
      expectRel(h, rnn(inputs.x, inputs.h0, inputs.Wx, inputs.Wh, inputs.b), VALUE_TOL, 'h');
      expectGrads({ ...rnnBackward(dh, cache) }, autogradGrads(rnn, inputs, dh));
    });
  }
});

describe('embedding: reference vs solution', () => {
  it('values agree and repeated ids accumulate into the same row of dW', () => {
    const rng = new Rng(7);
    const W = randnT([5, 3], rng);
    const ids = [
      [0, 3, 3, 1],
      [3, 4, 0, 0],
    ]; // id 3 three times, id 0 three times, id 2 never
    const dout = randnT([2, 4, 3], rng);
    const { out, cache } = wordEmbeddingForward(ids, W);
    expectRel(out, wordEmbedding(ids, W), VALUE_TOL, 'out');
    const { dW } = wordEmbeddingBackward(dout, cache);
    expectGrads(
      { dW },
      autogradGrads((w) => wordEmbedding(ids, w), { W }, dout),
    );
    expect(Array.from(dW.data.subarray(6, 9))).toEqual([0, 0, 0]); // row 2 never looked up
  });
});

describe('temporal affine: reference vs solution', () => {
  for (const [N, T, H, V] of [
    [2, 3, 4, 5],
    [1, 1, 1, 1],
  ] as const) {
    it(`values and gradients agree for N=${N}, T=${T}, H=${H}, V=${V}`, () => {
      const rng = new Rng(21 + V);
      const inputs = { x: randnT([N, T, H], rng), W: randnT([H, V], rng), b: randnT([V], rng) };
      const dout = randnT([N, T, V], rng);
      const { out, cache } = temporalAffineForward(inputs.x, inputs.W, inputs.b);
      expectRel(out, temporalAffine(inputs.x, inputs.W, inputs.b), VALUE_TOL, 'out');
      expectGrads(
        { ...temporalAffineBackward(dout, cache) },
        autogradGrads(temporalAffine, inputs, dout),
      );
    });
  }
});

describe('temporal softmax loss: reference vs solution', () => {
  it('loss and dlogits agree with a mask, and the loss is divided by N only', () => {
    const rng = new Rng(33);
    const [N, T, V] = [3, 4, 6];
    const logits = randnT([N, T, V], rng, 2);
    const targets = randomIds(N, T, V, rng);
    const mask = [
      [1, 1, 1, 1],
      [1, 1, 0, 0],
      [1, 0, 0, 0],
    ];
    const { loss, dlogits } = solutionLoss(logits, targets, mask);
    const ref = temporalSoftmaxLoss(logits, targets, mask);
    expectRel(loss, ref.item(), VALUE_TOL, 'loss');
    expectGrads(
      { dlogits },
      autogradGrads((z) => temporalSoftmaxLoss(z, targets, mask), { logits }),
    );

    // Hand count: Σ over the 7 unmasked positions of −log p[target], divided by N = 3.
    let expected = 0;
    for (let n = 0; n < N; n++) {
      for (let t = 0; t < T; t++) {
        if (mask[n]![t] === 0) continue;
        const row = Array.from(logits.data.subarray((n * T + t) * V, (n * T + t + 1) * V));
        const lse = Math.log(row.reduce((s, z) => s + Math.exp(z), 0));
        expected += lse - row[targets[n]![t]!]!;
      }
    }
    expect(loss).toBeCloseTo(expected / N, 12);
  });

  it('is finite for logits of ±1e4, where a softmax without the max would overflow', () => {
    const logits = tensor([
      [
        [1e4, -1e4, 0],
        [-1e4, 1e4, 5],
      ],
    ]); // [1, 2, 3]
    const targets = [[1, 1]];
    const mask = [[1, 1]];
    const { loss, dlogits } = solutionLoss(logits, targets, mask);
    const ref = temporalSoftmaxLoss(logits, targets, mask);
    expect(loss).toBeCloseTo(2e4, 6); // position 0: −log p[1] = 1e4 − (−1e4); position 1: ≈ 0
    expect(ref.item()).toBeCloseTo(loss, 6);
    expect(Array.from(dlogits.data).every(Number.isFinite)).toBe(true);
  });
});
