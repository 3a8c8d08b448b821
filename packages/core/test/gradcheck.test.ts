import { describe, expect, it } from 'vitest';
import { customOp } from '../src/custom-op';
import {
  formatGradcheckReport,
  gradcheck,
  numericalGradient,
  numericalGradientOfOutput,
} from '../src/gradcheck';
import { Rng, randn } from '../src/random';
import { tensor } from '../src/tensor';
import type { Tensor } from '../src/tensor';
import { mul, sub, tanh } from '../src/ops/elementwise';
import { sum } from '../src/ops/reduce';

/** tanh with a backward that forgets the factor 1 - y^2 at one element. */
const brokenTanh = customOp({
  name: 'brokenTanh',
  inputs: ['x'],
  forward: (x) => {
    const y = tanh(x!);
    return { out: y, cache: y };
  },
  backward: (dout, y: Tensor) => {
    const dx = mul(dout, sub(1, mul(y, y)));
    const wrong = dx.clone();
    wrong.data[4] = dout.data[4]!; // the bug: dx = dout at [1, 1]
    return { dx: wrong };
  },
});

describe('numericalGradient', () => {
  it('matches d/dx of sum(x^3) = 3x^2 and restores x', () => {
    const x = tensor([
      [0.5, -1],
      [2, 0.1],
    ]);
    const before = x.data.slice();
    const g = numericalGradient(() => sum(mul(mul(x, x), x)).item(), x);
    for (let i = 0; i < 4; i++) expect(g.data[i]).toBeCloseTo(3 * before[i]! ** 2, 8);
    expect([...x.data]).toEqual([...before]);
  });

  it('of an output contracts with dout', () => {
    const x = tensor([1, 2, 3]);
    const dout = tensor([1, 0, -2]);
    const g = numericalGradientOfOutput(() => mul(x, x), x, dout);
    expect(g.data[0]).toBeCloseTo(2, 8);
    expect(g.data[1]).toBeCloseTo(0, 8);
    expect(g.data[2]).toBeCloseTo(-12, 8);
  });
});

describe('gradcheck', () => {
  it('passes a correct op with tiny errors', () => {
    const report = gradcheck(tanh, [randn([3, 4], new Rng(0))]);
    expect(report.ok).toBe(true);
    expect(report.inputs[0]!.maxRelError).toBeLessThan(1e-7);
  });

  it('fails a wrong backward and points at the wrong element', () => {
    const x = randn([3, 3], new Rng(1), { requiresGrad: true });
    const report = gradcheck(brokenTanh, [x], { names: ['x'] });
    expect(report.ok).toBe(false);
    const r = report.inputs[0]!;
    expect(r.name).toBe('x');
    expect(r.ok).toBe(false);
    expect(r.worstIndex).toEqual([1, 1]);
    expect(r.maxRelError).toBeGreaterThan(1e-3);
    expect(Math.abs(r.analytic - r.numeric)).toBeGreaterThan(1e-3);
    expect(formatGradcheckReport(report)).toContain('FAIL x');
  });

  it('random-direction mode also catches the wrong backward', () => {
    const x = randn([3, 3], new Rng(2), { requiresGrad: true });
    const report = gradcheck(brokenTanh, [x], { mode: 'random-direction' });
    expect(report.ok).toBe(false);
    expect(report.inputs[0]!.worstIndex).toEqual([]);
    const good = gradcheck(tanh, [x], { mode: 'random-direction' });
    expect(good.ok).toBe(true);
  });

  it('checks only inputs that require grad, when some do', () => {
    const a = randn([2], new Rng(3), { requiresGrad: true });
    const b = randn([2], new Rng(4));
    const report = gradcheck(mul, [a, b]);
    expect(report.inputs.map((r) => r.name)).toEqual(['input0']);
  });

  it('leaves the inputs and their .grad untouched', () => {
    const x = randn([2, 2], new Rng(5), { requiresGrad: true });
    const before = x.data.slice();
    gradcheck(tanh, [x]);
    expect([...x.data]).toEqual([...before]);
    expect(x.grad).toBeNull();
  });
});
