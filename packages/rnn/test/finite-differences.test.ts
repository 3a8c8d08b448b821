/**
 * Both derivations against central finite differences (h = 1e-5, float64): the autograd
 * gradients of the reference and the hand-written backward of the solutions. Tolerance 1e-6
 * relative error, the upper end of what CS231n expects for BPTT gradients.
 */
import { describe, it } from 'vitest';
import { Rng, numericalGradient, numericalGradientOfOutput, randn } from '@rnn-course/core';
import { expectClose, referenceGradients } from '@rnn-course/grader/testing';
import type { Tensor } from '@rnn-course/core';
import { wordEmbedding, rnn, rnnStep, temporalAffine, temporalSoftmaxLoss } from '../src/index';
import { wordEmbeddingBackward, wordEmbeddingForward } from '@target/rnn/word-embedding';
import { rnnBackward, rnnForward } from '@target/rnn/rnn';
import { rnnStepBackward, rnnStepForward } from '@target/rnn/rnn-step';
import { temporalAffineBackward, temporalAffineForward } from '@target/rnn/temporal-affine';
import { temporalSoftmaxLossAndGrad as solutionLoss } from '@target/rnn/temporal-softmax-loss';
import { ids } from '../grading/inputs';

const FD_TOL = 1e-6;

/** Numeric d(sum(f() ⊙ dout))/d(input) for every input, named 'd' + input name. */
function numeric(
  f: () => Tensor,
  inputs: Record<string, Tensor>,
  dout: Tensor,
): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, x]) => [`d${k}`, numericalGradientOfOutput(f, x, dout, 1e-5)]),
  );
}

function expectAll(
  actual: Record<string, Tensor>,
  expected: Record<string, Tensor>,
  who: string,
): void {
  for (const [name, e] of Object.entries(expected))
    expectClose(actual[name] as Tensor, e, { what: `${who} ${name}`, tol: FD_TOL });
}

describe('gradients against central differences', () => {
  it('rnn step: reference and solution', () => {
    const rng = new Rng(1);
    const p = {
      x: randn([3, 4], rng),
      prevH: randn([3, 5], rng),
      Wx: randn([4, 5], rng, { std: 0.5 }),
      Wh: randn([5, 5], rng, { std: 0.5 }),
      b: randn([5], rng),
    };
    const dout = randn([3, 5], rng);
    const num = numeric(() => rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b).nextH, p, dout);
    expectAll(referenceGradients(rnnStep, p, dout), num, 'reference');
    const { cache } = rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
    expectAll({ ...rnnStepBackward(dout, cache) }, num, 'solution');
  });

  it('rnn sequence (BPTT over 8 steps): reference and solution', () => {
    const rng = new Rng(2);
    const p = {
      x: randn([2, 8, 3], rng),
      h0: randn([2, 4], rng),
      Wx: randn([3, 4], rng, { std: 0.5 }),
      Wh: randn([4, 4], rng, { std: 0.5 }),
      b: randn([4], rng),
    };
    const dout = randn([2, 8, 4], rng);
    const num = numeric(() => rnnForward(p.x, p.h0, p.Wx, p.Wh, p.b).h, p, dout);
    expectAll(referenceGradients(rnn, p, dout), num, 'reference');
    const { cache } = rnnForward(p.x, p.h0, p.Wx, p.Wh, p.b);
    expectAll({ ...rnnBackward(dout, cache) }, num, 'solution');
  });

  it('embedding: reference and solution', () => {
    const rng = new Rng(3);
    const W = randn([6, 3], rng);
    const ids = [
      [1, 1, 5],
      [0, 1, 2],
    ];
    const dout = randn([2, 3, 3], rng);
    const num = numeric(() => wordEmbeddingForward(ids, W).out, { W }, dout);
    expectAll(
      referenceGradients((w) => wordEmbedding(ids, w), { W }, dout),
      num,
      'reference',
    );
    expectAll(wordEmbeddingBackward(dout, wordEmbeddingForward(ids, W).cache), num, 'solution');
  });

  it('temporal affine: reference and solution', () => {
    const rng = new Rng(4);
    const p = { x: randn([2, 3, 4], rng), W: randn([4, 5], rng), b: randn([5], rng) };
    const dout = randn([2, 3, 5], rng);
    const num = numeric(() => temporalAffineForward(p.x, p.W, p.b).out, p, dout);
    expectAll(referenceGradients(temporalAffine, p, dout), num, 'reference');
    expectAll(
      { ...temporalAffineBackward(dout, temporalAffineForward(p.x, p.W, p.b).cache) },
      num,
      'solution',
    );
  });

  it('temporal softmax loss with a mask: reference and solution', () => {
    const rng = new Rng(5);
    const logits = randn([2, 3, 4], rng);
    const targets = ids(5, 2, 3, 4);
    const mask = [
      [1, 0, 1],
      [1, 1, 0],
    ];
    const num = numericalGradient(() => solutionLoss(logits, targets, mask).loss, logits, 1e-5);
    expectClose(
      referenceGradients((z) => temporalSoftmaxLoss(z, targets, mask), { logits })
        .dlogits as Tensor,
      num,
      { what: 'reference dlogits', tol: FD_TOL },
    );
    expectClose(solutionLoss(logits, targets, mask).dlogits, num, {
      what: 'solution dlogits',
      tol: FD_TOL,
    });
  });
});
