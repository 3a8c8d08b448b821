/**
 * The core's `gradcheck` with its default tolerances (eps 1e-5, atol 1e-8, rtol 1e-6: chapter 0,
 * "Absolute and relative tolerance") passes every correct backward of this chapter: the
 * reference's autograd gradients and the solutions' hand-written ones (made graph nodes by
 * `customOp`), in both of its modes. A tolerance tighter than float64 allows would fail here.
 */
import { describe, expect, it } from 'vitest';
import { Rng, customOp, formatGradcheckReport, gradcheck, randn } from '@rnn-course/core';
import type { GradcheckOptions, Tensor } from '@rnn-course/core';
import { rnnStepBackward, rnnStepForward } from '@target/rnn/rnn-step';
import { loadImpl } from '../labs/impl';
import { chunkLoss, referenceLayers, rnnStep } from '../src/index';
import type { RnnLayers } from '../src/index';

function expectPasses(
  what: string,
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  names: string[],
): void {
  for (const mode of ['full', 'random-direction'] as const) {
    const opts: GradcheckOptions = { names, mode, rng: new Rng(3) };
    const report = gradcheck(f, inputs, opts);
    expect(report.ok, `${what} (${mode})\n${formatGradcheckReport(report)}`).toBe(true);
  }
}

const solutionStep = customOp({
  name: 'rnnStep',
  inputs: ['x', 'prevH', 'Wx', 'Wh', 'b'],
  forward: (x, prevH, Wx, Wh, b) => {
    const { nextH, cache } = rnnStepForward(x!, prevH!, Wx!, Wh!, b!);
    return { out: nextH, cache };
  },
  backward: (dnextH, cache) => ({ ...rnnStepBackward(dnextH, cache as never) }),
});

describe('gradcheck at its default tolerances passes every correct backward of chapter 1', () => {
  it('one step: reference and solution', () => {
    const rng = new Rng(1);
    const inputs = [
      randn([3, 4], rng),
      randn([3, 5], rng),
      randn([4, 5], rng, { std: 0.5 }),
      randn([5, 5], rng, { std: 0.5 }),
      randn([5], rng),
    ];
    const names = ['x', 'prevH', 'Wx', 'Wh', 'b'];
    expectPasses('rnnStep (reference)', rnnStep, inputs, names);
    expectPasses('rnnStepForward/Backward (solution)', solutionStep, inputs, names);
  });

  it('every layer and a whole chunk, reference and solutions', async () => {
    const solutions = (await loadImpl('solutions')).layers;
    const ids = [
      [1, 3, 1, 0, 2],
      [0, 2, 4, 4, 1],
      [3, 3, 1, 2, 0],
    ];
    const targets = [
      [0, 3, 1, 2, 4],
      [2, 2, 0, 4, 1],
      [1, 4, 3, 0, 0],
    ];
    const mask = [
      [1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0],
      [1, 1, 0, 0, 0],
    ];
    for (const [who, layers] of [
      ['reference', referenceLayers],
      ['solutions', solutions],
    ] as [string, RnnLayers][]) {
      const rng = new Rng(2);
      const [N, T, D, H, V] = [3, 5, 4, 6, 5];
      expectPasses(
        `${who}: rnn over T = 20`,
        (x, h0, Wx, Wh, b) => layers.rnn(x!, h0!, Wx!, Wh!, b!),
        [
          randn([4, 20, 8], rng),
          randn([4, 16], rng),
          randn([8, 16], rng, { std: 0.3 }),
          randn([16, 16], rng, { std: 0.3 }),
          randn([16], rng),
        ],
        ['x', 'h0', 'Wx', 'Wh', 'b'],
      );
      expectPasses(
        `${who}: embedding`,
        (W) => layers.wordEmbedding(ids, W!),
        [randn([V, D], rng)],
        ['W'],
      );
      expectPasses(
        `${who}: temporal affine`,
        (x, W, b) => layers.temporalAffine(x!, W!, b!),
        [randn([N, T, H], rng), randn([H, V], rng), randn([V], rng)],
        ['x', 'W', 'b'],
      );
      // Logits of standard deviation 10: most probabilities are tiny, the entries of
      // the gradient span many orders of magnitude (atol carries the small ones).
      expectPasses(
        `${who}: temporal softmax loss`,
        (z) => layers.temporalSoftmaxLoss(z!, targets, mask),
        [randn([N, T, V], rng, { std: 10 })],
        ['logits'],
      );
      expectPasses(
        `${who}: one chunk of the character model`,
        (We, Wx, Wh, b, Wy, by) =>
          chunkLoss(
            { We: We!, Wx: Wx!, Wh: Wh!, b: b!, Wy: Wy!, by: by! },
            { inputs: ids, targets },
            randn([N, H], new Rng(9)),
            layers,
          ).loss,
        [
          randn([V, D], rng),
          randn([D, H], rng, { std: 0.5 }),
          randn([H, H], rng, { std: 0.5 }),
          randn([H], rng),
          randn([H, V], rng),
          randn([V], rng),
        ],
        ['We', 'Wx', 'Wh', 'b', 'Wy', 'by'],
      );
    }
  }, 120_000);
});
