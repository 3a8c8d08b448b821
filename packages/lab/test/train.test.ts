import { describe, expect, it } from 'vitest';
import { Adam, clipGradNormInPlace, mul, sub, sum, tensor } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { cosineLearningRate, trainWithAdam } from '../src/train';

describe('cosineLearningRate', () => {
  it('starts at lr, passes the middle of lr and lr · floor half-way, and ends near lr · floor', () => {
    expect(cosineLearningRate(2, 1, 100)).toBe(2);
    expect(cosineLearningRate(2, 51, 100)).toBeCloseTo(2 * 0.55, 12);
    expect(cosineLearningRate(2, 100, 100)).toBeCloseTo(
      2 * (0.1 + 0.45 * (1 + Math.cos(0.99 * Math.PI))),
      12,
    );
    expect(cosineLearningRate(1, 3, 4, 0)).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI / 2)), 12);
  });

  it('refuses a step outside 1 … steps and a floor outside [0, 1]', () => {
    expect(() => cosineLearningRate(1, 0, 10)).toThrow(
      /step must be an integer in 1 … steps = 10, received 0/,
    );
    expect(() => cosineLearningRate(1, 11, 10)).toThrow(/received 11/);
    expect(() => cosineLearningRate(1, 1, 10, 1.5)).toThrow(
      /floor must be in \[0, 1\], received 1.5/,
    );
  });
});

describe('trainWithAdam', () => {
  // A least-squares problem: L(w) = Σ_k c_k (w_k − t_k)², minimised at w = t.
  const target = [3, -2, 0.5];
  const weights = [1, 10, 100];
  const lossOf = (w: Tensor): Tensor => {
    const d = sub(w, tensor(target));
    return sum(mul(mul(d, d), tensor(weights)));
  };

  it('is the loop written out: zero, loss, backward, clip, Adam at the cosine learning rate', () => {
    const steps = 40;
    const w = tensor([0, 0, 0], { requiresGrad: true });
    const r = trainWithAdam({
      params: [w],
      steps,
      lr: 0.3,
      maxNorm: 5,
      label: 'test',
      loss: () => lossOf(w),
    });
    const v = tensor([0, 0, 0], { requiresGrad: true });
    const adam = new Adam([v], { lr: 0.3 });
    for (let step = 1; step <= steps; step++) {
      adam.lr = cosineLearningRate(0.3, step, steps);
      adam.zeroGrad();
      lossOf(v).backward();
      clipGradNormInPlace([v], 5);
      adam.step();
    }
    expect(Array.from(w.data)).toEqual(Array.from(v.data));
    expect(r.losses).toHaveLength(steps);
    expect(r.curve.map(([s]) => s)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    expect(r.curve[0]![1]).toBe(r.losses[0]); // bias-corrected: the first running loss is the first loss
  });

  it('lowers the loss to near zero, and times the loop on the wall clock and the processor', () => {
    const w = tensor([0, 0, 0], { requiresGrad: true });
    const seen: number[] = [];
    const r = trainWithAdam({
      params: [w],
      steps: 300,
      lr: 0.5,
      floor: 0.01,
      maxNorm: 100,
      label: 'test',
      loss: (step) => {
        seen.push(step);
        return lossOf(w);
      },
    });
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(r.losses[0]).toBeCloseTo(3 ** 2 + 10 * 2 ** 2 + 100 * 0.5 ** 2, 12);
    expect(r.losses.at(-1)!).toBeLessThan(1e-3);
    Array.from(w.data).forEach((x, k) => expect(Math.abs(x - target[k]!)).toBeLessThan(0.05));
    expect(r.cpuAt).toHaveLength(300);
    r.cpuAt.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(i === 0 ? 0 : r.cpuAt[i - 1]!));
    expect(r.cpuSeconds).toBeGreaterThanOrEqual(r.cpuAt.at(-1)!);
    expect(r.wallSeconds).toBeGreaterThan(0);
  });
});
