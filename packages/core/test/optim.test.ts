import { describe, expect, it } from 'vitest';
import { Adam, SGD } from '../src/optim';
import { Tensor, tensor } from '../src/tensor';

/** Sets p.grad to the given values, as backward() would. */
function setGrad(p: Tensor, g: number[]): void {
  p.grad = tensor(g);
}

/** Asserts every entry of `actual` is within `tol` of `expected`. */
function expectValues(actual: Tensor, expected: number[], tol = 1e-14): void {
  expect(actual.data.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual.data[i]! - e)).toBeLessThan(tol));
}

// Two steps on p = [1, -2] with gradients g1 = [0.5, 1], then g2 = [-1, 2].
const p0 = [1, -2];
const g1 = [0.5, 1];
const g2 = [-1, 2];

describe('SGD', () => {
  it('without momentum takes p ← p − lr g, two steps', () => {
    const p = tensor(p0, { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    setGrad(p, g1);
    opt.step();
    expectValues(p, [1 - 0.05, -2 - 0.1]); // [0.95, -2.1]
    setGrad(p, g2);
    opt.step();
    expectValues(p, [0.95 + 0.1, -2.1 - 0.2]); // [1.05, -2.3]
  });

  it('with momentum follows v ← μv + g, p ← p − lr v (PyTorch), two steps', () => {
    const p = tensor(p0, { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    setGrad(p, g1);
    opt.step();
    // v1 = g1 = [0.5, 1]; p1 = [1 - 0.05, -2 - 0.1]
    expectValues(p, [0.95, -2.1]);
    setGrad(p, g2);
    opt.step();
    // v2 = 0.9 [0.5, 1] + [-1, 2] = [-0.55, 2.9]; p2 = p1 - 0.1 v2 = [1.005, -2.39]
    expectValues(p, [1.005, -2.39]);
  });

  it('skips a parameter without a gradient and zeroGrad clears every gradient', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    const opt = new SGD([a, b], { lr: 1 });
    setGrad(a, [1, 1]);
    opt.step();
    expectValues(a, [0, 1]);
    expectValues(b, [3]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });
});

describe('Adam', () => {
  it('matches Algorithm 1 of Kingma & Ba (bias-corrected), two steps by hand', () => {
    const p = tensor(p0, { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1 }); // beta1 0.9, beta2 0.999, eps 1e-8
    setGrad(p, g1);
    opt.step();
    // m1 = 0.1 g1 = [0.05, 0.1]; v1 = 0.001 g1² = [0.00025, 0.001]
    // m̂1 = m1 / 0.1 = [0.5, 1]; v̂1 = v1 / 0.001 = [0.25, 1]; √v̂1 = [0.5, 1]
    const p1 = [1 - (0.1 * 0.5) / (0.5 + 1e-8), -2 - (0.1 * 1) / (1 + 1e-8)];
    expectValues(p, p1);
    // The first step moves each coordinate by lr (to 1e-8): Adam's step is scale-free.
    expect(p.data[0]).toBeCloseTo(0.9, 7);
    setGrad(p, g2);
    opt.step();
    // m2 = 0.9 m1 + 0.1 g2 = [-0.055, 0.29]; v2 = 0.999 v1 + 0.001 g2² = [0.00124975, 0.004999]
    // 1 - 0.9² = 0.19; 1 - 0.999² = 0.001999
    const p2 = [
      p1[0]! - (0.1 * (-0.055 / 0.19)) / (Math.sqrt(0.00124975 / 0.001999) + 1e-8),
      p1[1]! - (0.1 * (0.29 / 0.19)) / (Math.sqrt(0.004999 / 0.001999) + 1e-8),
    ];
    expectValues(p, p2, 1e-13);
    // The same numbers written out (checked in float64 outside the core): [0.93661035, -2.19651820]
    expect(p.data[0]).toBeCloseTo(0.93661035, 7);
    expect(p.data[1]).toBeCloseTo(-2.1965182, 7);
  });

  it('counts steps per parameter: one first updated at step 2 gets t = 1 corrections', () => {
    const a = tensor([0], { requiresGrad: true });
    const b = tensor([0], { requiresGrad: true });
    const opt = new Adam([a, b], { lr: 0.5, eps: 0 });
    setGrad(a, [3]);
    opt.step();
    expectValues(b, [0]);
    setGrad(b, [-7]);
    opt.step();
    // b's first update: m̂ / √v̂ = g / |g| = -1, so b = 0 - 0.5 · (-1)
    expectValues(b, [0.5]);
  });

  it('zeroGrad clears every gradient', () => {
    const a = tensor([1], { requiresGrad: true });
    const opt = new Adam([a]);
    setGrad(a, [1]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });
});
