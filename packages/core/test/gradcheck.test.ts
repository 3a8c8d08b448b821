import { describe, expect, it } from 'vitest';
import { customOp } from '../src/custom-op';
import {
  GRADCHECK_DEFAULTS,
  formatGradcheckReport,
  gradcheck,
  numericalGradient,
  numericalGradientOfOutput,
} from '../src/gradcheck';
import { Rng, randn } from '../src/random';
import { tensor } from '../src/tensor';
import type { Tensor } from '../src/tensor';
import { mul, scale, sub, tanh } from '../src/ops/elementwise';
import { crossEntropy } from '../src/ops/loss';
import { sum } from '../src/ops/reduce';
import { matmul } from '../src/ops/matmul';
import { transpose } from '../src/ops/shape';

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

/**
 * out = tanh(x W) with a hand-written backward whose dW is multiplied by `factor` at the
 * elements in `wrong` (flat indices; every element when `wrong` is 'all').
 */
function tanhLayerWithWrongDW(factor: number, wrong: number[] | 'all') {
  return customOp({
    name: 'tanhLayer',
    inputs: ['x', 'W'],
    forward: (x, W) => {
      const out = tanh(matmul(x!, W!)); // [N, H]
      return { out, cache: { x: x!, W: W!, out } };
    },
    backward: (dout, c: { x: Tensor; W: Tensor; out: Tensor }) => {
      const dz = mul(dout, sub(1, mul(c.out, c.out))); // [N, H]
      const dW = matmul(transpose(c.x), dz); // [D, H]
      const bad = wrong === 'all' ? scale(dW, factor) : dW.clone();
      if (wrong !== 'all') for (const k of wrong) bad.data[k] = bad.data[k]! * factor;
      return { dx: matmul(dz, transpose(c.W)), dW: bad };
    },
  });
}

/** x [8, 16] and a 16×32 weight W, both requiring grad. */
function layerInputs(seed: number): [Tensor, Tensor] {
  const rng = new Rng(seed);
  return [
    randn([8, 16], rng, { requiresGrad: true }),
    randn([16, 32], rng, { std: 0.25, requiresGrad: true }),
  ];
}

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

  it('random-direction mode also catches the wrong backward, and names the worst direction', () => {
    const x = randn([3, 3], new Rng(2), { requiresGrad: true });
    const report = gradcheck(brokenTanh, [x], { mode: 'random-direction' });
    expect(report.ok).toBe(false);
    const [d] = report.inputs[0]!.worstIndex;
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThan(GRADCHECK_DEFAULTS.directions);
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

  it('reports the worst element as the one furthest outside atol + rtol |n|, with its ratio', () => {
    const x = randn([3, 3], new Rng(1), { requiresGrad: true });
    const report = gradcheck(brokenTanh, [x], { names: ['x'] });
    const r = report.inputs[0]!;
    const ratio =
      Math.abs(r.analytic - r.numeric) / (report.atol + report.rtol * Math.abs(r.numeric));
    expect(r.worstRatio).toBeCloseTo(ratio, 10);
    expect(r.worstRatio).toBeGreaterThan(1);
    const text = formatGradcheckReport(report);
    expect(text).toContain('gradcheck failed (full, eps 1e-5, atol 1e-8, rtol 1e-6)');
    expect(text).toContain(
      'worst = the element with the largest |a - n| / tol, tol = atol + rtol |n|; above 1 fails',
    );
    expect(text).toContain(
      `FAIL x: maxRelError ${r.maxRelError.toExponential(2)} at [1, 1]; worst [1, 1], |a - n| / tol`,
    );
  });

  it('names where the largest relative error is, which can differ from the worst element', () => {
    // Large logits: the gradient has entries below 1e-10, where round-off makes the relative
    // error large though the backward is right; atol absorbs them.
    const logits = randn([4, 6], new Rng(1), { std: 10 });
    const report = gradcheck((z) => crossEntropy(z, [0, 3, 1, 5]), [logits]);
    const r = report.inputs[0]!;
    expect(report.ok).toBe(true);
    expect(r.maxRelError).toBeGreaterThan(1e-3);
    expect(r.maxRelErrorIndex).not.toEqual(r.worstIndex);
    expect(r.worstRatio).toBeLessThan(1);
  });

  it('rejects a number of directions that is not a positive integer', () => {
    expect(() =>
      gradcheck(tanh, [tensor([1, 2])], { mode: 'random-direction', directions: 0 }),
    ).toThrow(/directions must be an integer >= 1, received 0/);
  });
});

describe('gradcheck defaults: as tight as float64 and central differences allow', () => {
  it('are eps 1e-5, atol 1e-8, rtol 1e-6 and 16 random directions', () => {
    expect(GRADCHECK_DEFAULTS).toEqual({ eps: 1e-5, atol: 1e-8, rtol: 1e-6, directions: 16 });
  });

  it("flag a gradient 0.1% too large everywhere, which PyTorch's defaults pass", () => {
    const inputs = layerInputs(3);
    const off = tanhLayerWithWrongDW(1.001, 'all');
    const names = ['x', 'W'];
    const report = gradcheck(off, inputs, { names });
    expect(report.ok).toBe(false);
    expect(report.inputs.map((r) => r.ok)).toEqual([true, false]);
    const random = gradcheck(off, inputs, { names, mode: 'random-direction' });
    expect(random.inputs.map((r) => r.ok)).toEqual([true, false]);
    // torch.autograd.gradcheck's eps 1e-6, atol 1e-5, rtol 1e-3 let it through.
    expect(gradcheck(off, inputs, { names, eps: 1e-6, atol: 1e-5, rtol: 1e-3 }).ok).toBe(true);
  });

  it('flag one element of a 16×32 weight off by 0.1%, in full mode at that element', () => {
    for (const seed of [0, 1, 2]) {
      const k = new Rng(100 + seed).int(16 * 32);
      const report = gradcheck(tanhLayerWithWrongDW(1.001, [k]), layerInputs(seed), {
        names: ['x', 'W'],
      });
      const W = report.inputs[1]!;
      expect(W.ok).toBe(false);
      expect(W.worstIndex).toEqual([Math.floor(k / 32), k % 32]);
      expect(report.inputs[0]!.ok).toBe(true);
    }
  });

  it('catch one wrong element of a 16×32 weight in random-direction mode, where one direction does not', () => {
    // The same 40 seeded cases: an element of dW multiplied by 1.001 (0.1% off). One random
    // direction misses some of them (the error is diluted over 512 elements); 16 catch all.
    const missed = (directions: number): number[] => {
      const seeds: number[] = [];
      for (let seed = 0; seed < 40; seed++) {
        const k = new Rng(100 + seed).int(16 * 32);
        const report = gradcheck(tanhLayerWithWrongDW(1.001, [k]), layerInputs(seed), {
          mode: 'random-direction',
          directions,
          rng: new Rng(seed),
        });
        if (report.inputs[1]!.ok) seeds.push(seed);
      }
      return seeds;
    };
    expect(missed(GRADCHECK_DEFAULTS.directions)).toEqual([]);
    expect(missed(1).length).toBeGreaterThan(0);
  });

  it('pass the correct backward of the same layer in both modes', () => {
    for (const seed of [0, 1, 2]) {
      const inputs = layerInputs(seed);
      const right = tanhLayerWithWrongDW(1, 'all');
      expect(gradcheck(right, inputs).ok).toBe(true);
      expect(gradcheck(right, inputs, { mode: 'random-direction' }).ok).toBe(true);
    }
  });
});
