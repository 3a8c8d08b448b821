/**
 * The reference (autograd) and the worked solutions (hand-written backward) are two
 * independent derivations of the same layers: their values agree to 1e-10 and their gradients
 * to 1e-8 (relative error, CS231n formula) on seeded inputs.
 */
import { describe, expect, it } from 'vitest';
import { Rng, randn, tensor } from '@rnn-course/core';
import { expectClose, referenceGradients } from '@rnn-course/grader/testing';
import type { Tensor } from '@rnn-course/core';
import { wordEmbedding, rnn, rnnStep, temporalAffine, temporalSoftmaxLoss } from '../src/index';
import { wordEmbeddingBackward, wordEmbeddingForward } from '@target/rnn/word-embedding';
import { rnnBackward, rnnForward } from '@target/rnn/rnn';
import { rnnStepBackward, rnnStepForward } from '@target/rnn/rnn-step';
import { temporalAffineBackward, temporalAffineForward } from '@target/rnn/temporal-affine';
import { temporalSoftmaxLossAndGrad as solutionLoss } from '@target/rnn/temporal-softmax-loss';
import { ids } from '../grading/inputs';

const VALUE_TOL = 1e-10;
const GRAD_TOL = 1e-8;

function expectGrads(actual: Record<string, Tensor>, expected: Record<string, Tensor>): void {
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name];
    expect(a, `${name} returned`).toBeDefined();
    expectClose(a as Tensor, e, { what: name, tol: GRAD_TOL });
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
        x: randn([N, D], rng),
        prevH: randn([N, H], rng),
        Wx: randn([D, H], rng, { std: 0.5 }),
        Wh: randn([H, H], rng, { std: 0.5 }),
        b: randn([H], rng),
      };
      const dnextH = randn([N, H], rng);
      const { nextH, cache } = rnnStepForward(
        inputs.x,
        inputs.prevH,
        inputs.Wx,
        inputs.Wh,
        inputs.b,
      );
      expectClose(nextH, rnnStep(inputs.x, inputs.prevH, inputs.Wx, inputs.Wh, inputs.b), {
        what: 'nextH',
        tol: VALUE_TOL,
      });
      expectGrads(
        { ...rnnStepBackward(dnextH, cache) },
        referenceGradients(rnnStep, inputs, dnextH),
      );
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
        x: randn([N, T, D], rng),
        h0: randn([N, H], rng),
        Wx: randn([D, H], rng, { std: 0.5 }),
        Wh: randn([H, H], rng, { std: 0.5 }),
        b: randn([H], rng),
      };
      const dh = randn([N, T, H], rng);
      const { h, cache } = rnnForward(inputs.x, inputs.h0, inputs.Wx, inputs.Wh, inputs.b);
      expectClose(h, rnn(inputs.x, inputs.h0, inputs.Wx, inputs.Wh, inputs.b), {
        what: 'h',
        tol: VALUE_TOL,
      });
      expectGrads({ ...rnnBackward(dh, cache) }, referenceGradients(rnn, inputs, dh));
    });
  }
});

describe('embedding: reference vs solution', () => {
  it('values agree and repeated ids accumulate into the same row of dW', () => {
    const rng = new Rng(7);
    const W = randn([5, 3], rng);
    const ids = [
      [0, 3, 3, 1],
      [3, 4, 0, 0],
    ]; // id 3 three times, id 0 three times, id 2 never
    const dout = randn([2, 4, 3], rng);
    const { out, cache } = wordEmbeddingForward(ids, W);
    expectClose(out, wordEmbedding(ids, W), { what: 'out', tol: VALUE_TOL });
    const { dW } = wordEmbeddingBackward(dout, cache);
    expectGrads(
      { dW },
      referenceGradients((w) => wordEmbedding(ids, w), { W }, dout),
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
      const inputs = { x: randn([N, T, H], rng), W: randn([H, V], rng), b: randn([V], rng) };
      const dout = randn([N, T, V], rng);
      const { out, cache } = temporalAffineForward(inputs.x, inputs.W, inputs.b);
      expectClose(out, temporalAffine(inputs.x, inputs.W, inputs.b), {
        what: 'out',
        tol: VALUE_TOL,
      });
      expectGrads(
        { ...temporalAffineBackward(dout, cache) },
        referenceGradients(temporalAffine, inputs, dout),
      );
    });
  }
});

describe('temporal softmax loss: reference vs solution', () => {
  it('loss and dlogits agree with a mask, and the loss is divided by N only', () => {
    const rng = new Rng(33);
    const [N, T, V] = [3, 4, 6];
    const logits = randn([N, T, V], rng, { std: 2 });
    const targets = ids(33, N, T, V);
    const mask = [
      [1, 1, 1, 1],
      [1, 1, 0, 0],
      [1, 0, 0, 0],
    ];
    const { loss, dlogits } = solutionLoss(logits, targets, mask);
    const ref = temporalSoftmaxLoss(logits, targets, mask);
    expectClose(loss, ref.item(), { what: 'loss', tol: VALUE_TOL });
    expectGrads(
      { dlogits },
      referenceGradients((z) => temporalSoftmaxLoss(z, targets, mask), { logits }),
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
