import { describe, expect, it } from 'vitest';
import { centralDifferences } from '../src/finite-differences';
import { tensor } from '../src/tensor';

/** f(x) = Σ x³, read off x.data as the generator leaves it. */
const cubes = (data: Float64Array): number => data.reduce((s, v) => s + v ** 3, 0);

describe('centralDifferences', () => {
  it('yields for f at x ± h e_i, one element at a time, and returns df/dx', () => {
    const x = tensor([0.5, -1, 2]);
    const seen: number[][] = [];
    const steps = centralDifferences(x, 1e-3);
    let step = steps.next();
    while (!step.done) {
      seen.push([...x.data]);
      step = steps.next(cubes(x.data));
    }
    expect(seen.map((s) => s.map((v) => Number(v.toFixed(4))))).toEqual([
      [0.501, -1, 2],
      [0.499, -1, 2],
      [0.5, -0.999, 2],
      [0.5, -1.001, 2],
      [0.5, -1, 2.001],
      [0.5, -1, 1.999],
    ]);
    // 3x² plus the O(h²) truncation term h²: central differences of a cubic
    expect([...step.value.data].map((g) => Number(g.toFixed(6)))).toEqual([
      0.750001, 3.000001, 12.000001,
    ]);
    expect([...x.data]).toEqual([0.5, -1, 2]);
  });

  it('can be driven asynchronously, awaiting f', async () => {
    const x = tensor([[1, -2]]);
    const steps = centralDifferences(x);
    let step = steps.next();
    while (!step.done) step = steps.next(await Promise.resolve(cubes(x.data)));
    expect(step.value.shape).toEqual([1, 2]);
    expect(step.value.data[0]).toBeCloseTo(3, 8);
    expect(step.value.data[1]).toBeCloseTo(12, 8);
  });

  it('restores x when the caller stops early or f throws', () => {
    const x = tensor([1, 2]);
    const stopped = centralDifferences(x);
    stopped.next();
    expect([...x.data]).not.toEqual([1, 2]);
    stopped.return(tensor([0]));
    expect([...x.data]).toEqual([1, 2]);

    const failed = centralDifferences(x);
    failed.next();
    failed.next(0);
    expect(() => failed.throw(new Error('f threw'))).toThrow('f threw');
    expect([...x.data]).toEqual([1, 2]);
  });
});
