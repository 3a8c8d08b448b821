/**
 * Both derivations against central finite differences (h = 1e-5, float64): the autograd
 * gradients of the reference and the hand-written backward of the solutions. Tolerance 1e-6
 * relative error, the upper end of what CS231n expects for BPTT gradients.
 */
import { describe, it } from 'vitest';
import { Rng, numericalGradient, numericalGradientOfOutput } from '@rnn-course/core';
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
    expectRel(actual[name] as Tensor, e, FD_TOL, `${who} ${name}`);
}

describe('gradients against central differences', () => {
  it('rnn step: reference and solution', () => {
    const rng = new Rng(1);
    const p = {
      x: randnT([3, 4], rng),
      prevH: randnT([3, 5], rng),
      Wx: randnT([4, 5], rng, 0.5),
      Wh: randnT([5, 5], rng, 0.5),
      b: randnT([5], rng),
    };
    const dout = randnT([3, 5], rng);
    const num = numeric(() => rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b).nextH, p, dout);
    expectAll(autogradGrads(rnnStep, p, dout), num, 'reference');
    const { cache } = rnnStepForward(p.x, p.prevH, p.Wx, p.Wh, p.b);
    expectAll({ ...rnnStepBackward(dout, cache) }, num, 'solution');
  });

  it('rnn sequence (BPTT over 8 steps): reference and solution', () => {
    const rng = new Rng(2);
    const p = {
      x: randnT([2, 8, 3], rng),
      h0: randnT([2, 4], rng),
      Wx: randnT([3, 4], rng, 0.5),
      Wh: randnT([4, 4], rng, 0.5),
      b: randnT([4], rng),
    };
    const dout = randnT([2, 8, 4], rng);
    const num = numeric(() => rnnForward(p.x, p.h0, p.Wx, p.Wh, p.b).h, p, dout);
    expectAll(autogradGrads(rnn, p, dout), num, 'reference');
    const { cache } = rnnForward(p.x, p.h0, p.Wx, p.Wh, p.b);
    expectAll({ ...rnnBackward(dout, cache) }, num, 'solution');
  });

  it('embedding: reference and solution', () => {
    const rng = new Rng(3);
    const W = randnT([6, 3], rng);
    const ids = [
      [1, 1, 5],
      [0, 1, 2],
    ];
    const dout = randnT([2, 3, 3], rng);
    const num = numeric(() => wordEmbeddingForward(ids, W).out, { W }, dout);
    expectAll(
      autogradGrads((w) => wordEmbedding(ids, w), { W }, dout),
      num,
      'reference',
    );
    expectAll(wordEmbeddingBackward(dout, wordEmbeddingForward(ids, W).cache), num, 'solution');
  });

  it('temporal affine: reference and solution', () => {
    const rng = new Rng(4);
    const p = { x: randnT([2, 3, 4], rng), W: randnT([4, 5], rng), b: randnT([5], rng) };
    const dout = randnT([2, 3, 5], rng);
    const num = numeric(() => temporalAffineForward(p.x, p.W, p.b).out, p, dout);
    expectAll(autogradGrads(temporalAffine, p, dout), num, 'reference');
    expectAll(
      { ...temporalAffineBackward(dout, temporalAffineForward(p.x, p.W, p.b).cache) },
      num,
      'solution',
    );
  });

  it('temporal softmax loss with a mask: reference and solution', () => {
    const rng = new Rng(5);
    const logits = randnT([2, 3, 4], rng);
    const targets = randomIds(2, 3, 4, rng);
    const mask = [
      [1, 0, 1],
      [1, 1, 0],
    ];
    const num = numericalGradient(() => solutionLoss(logits, targets, mask).loss, logits, 1e-5);
    expectRel(
      autogradGrads((z) => temporalSoftmaxLoss(z, targets, mask), { logits }).dlogits as Tensor,
      num,
      FD_TOL,
      'reference dlogits',
    );
    expectRel(solutionLoss(logits, targets, mask).dlogits, num, FD_TOL, 'solution dlogits');
  });
});
