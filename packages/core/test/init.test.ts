import { describe, expect, it } from 'vitest';
import { ShapeError } from '../src/errors';
import { orthogonal, uniformRnnInit, xavierUniform } from '../src/init';
import { Rng } from '../src/random';

/** Mean, variance (population), min and max of a sample. */
function stats(x: Float64Array): { mean: number; variance: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / x.length;
  let ss = 0;
  for (const v of x) ss += (v - mean) ** 2;
  return { mean, variance: ss / x.length, min, max };
}

/**
 * The Gram matrix of W [rows, cols] row-major: WᵀW [cols, cols] ('columns') or WWᵀ [rows, rows]
 * ('rows'), returned with its largest deviation from c·I.
 */
function gramDeviation(
  w: Float64Array,
  rows: number,
  cols: number,
  side: 'columns' | 'rows',
  c = 1,
): number {
  const n = side === 'columns' ? cols : rows;
  const len = side === 'columns' ? rows : cols;
  // entry i of column (or row) number vec
  const at = (vec: number, i: number): number =>
    side === 'columns' ? w[i * cols + vec]! : w[vec * cols + i]!;
  let worst = 0;
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      let dot = 0;
      for (let i = 0; i < len; i++) dot += at(p, i) * at(q, i);
      worst = Math.max(worst, Math.abs(dot - (p === q ? c : 0)));
    }
  }
  return worst;
}

describe('uniformRnnInit', () => {
  it('draws from U(-1/sqrt(H), 1/sqrt(H)): bounds, mean 0 and variance k^2/3', () => {
    const H = 100;
    const k = 1 / Math.sqrt(H);
    const W = uniformRnnInit([200, 500], H, new Rng(1)); // 100 000 draws
    expect(W.shape).toEqual([200, 500]);
    const s = stats(W.data);
    expect(s.min).toBeGreaterThanOrEqual(-k);
    expect(s.max).toBeLessThan(k);
    // The bounds are reached: the extremes of 1e5 uniform draws lie within 1e-3 k of the ends.
    expect(s.min).toBeLessThan(-0.999 * k);
    expect(s.max).toBeGreaterThan(0.999 * k);
    // Standard error of the mean: k / sqrt(3 * 1e5) ≈ 1.8e-3 k; allow 5 standard errors.
    expect(Math.abs(s.mean)).toBeLessThan((5 * k) / Math.sqrt(3e5));
    // Var of U(-k, k) is k^2 / 3; the sample variance is within 1% for 1e5 draws.
    expect(s.variance / ((k * k) / 3)).toBeCloseTo(1, 2);
  });

  it('uses the hidden size, not the number of columns, for an LSTM-shaped [D, 4H] weight', () => {
    const H = 16;
    const W = uniformRnnInit([8, 4 * H], H, new Rng(2));
    const s = stats(W.data);
    expect(s.max).toBeLessThan(1 / Math.sqrt(H));
    expect(s.max).toBeGreaterThan(0.9 / Math.sqrt(H)); // would fail with 1/sqrt(4H) = 0.125
  });

  it('returns a trainable leaf, and the same seed gives the same weights', () => {
    const a = uniformRnnInit([3, 4], 4, new Rng(7));
    const b = uniformRnnInit([3, 4], 4, new Rng(7));
    const c = uniformRnnInit([3, 4], 4, new Rng(8));
    expect(a.requiresGrad).toBe(true);
    expect(a.grad).toBeNull();
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
  });

  it('rejects a hidden size <= 0', () => {
    expect(() => uniformRnnInit([2, 2], 0, new Rng(1))).toThrow(RangeError);
  });
});

describe('xavierUniform', () => {
  it('draws from U(±sqrt(6 / (fanIn + fanOut))), variance 2 / (fanIn + fanOut)', () => {
    const [fanIn, fanOut] = [300, 200];
    const a = Math.sqrt(6 / (fanIn + fanOut));
    const W = xavierUniform([fanIn, fanOut], new Rng(3));
    const s = stats(W.data);
    expect(W.requiresGrad).toBe(true);
    expect(s.min).toBeGreaterThanOrEqual(-a);
    expect(s.max).toBeLessThan(a);
    expect(s.max).toBeGreaterThan(0.999 * a);
    expect(Math.abs(s.mean)).toBeLessThan((5 * a) / Math.sqrt(3 * fanIn * fanOut));
    expect(s.variance / (2 / (fanIn + fanOut))).toBeCloseTo(1, 2);
  });

  it('scales the bound by the gain', () => {
    const W = xavierUniform([50, 50], new Rng(4), 5 / 3);
    const s = stats(W.data);
    const a = (5 / 3) * Math.sqrt(6 / 100);
    expect(s.max).toBeLessThan(a);
    expect(s.max).toBeGreaterThan(0.99 * a);
  });

  it('throws a ShapeError for a shape that is not [fanIn, fanOut]', () => {
    expect(() => xavierUniform([4], new Rng(1))).toThrow(ShapeError);
    expect(() => xavierUniform([2, 3, 4], new Rng(1))).toThrow(
      /xavierUniform: expected \[fanIn, fanOut\], received \[2, 3, 4\]/,
    );
  });
});

describe('orthogonal', () => {
  it('gives a square matrix with QᵀQ = QQᵀ = I to round-off', () => {
    const Q = orthogonal([64, 64], new Rng(5));
    expect(Q.requiresGrad).toBe(true);
    expect(gramDeviation(Q.data, 64, 64, 'columns')).toBeLessThan(1e-13);
    expect(gramDeviation(Q.data, 64, 64, 'rows')).toBeLessThan(1e-13);
    // Not a trivial answer (identity or a permutation): the entries are spread out.
    expect(stats(Q.data).max).toBeLessThan(0.9);
  });

  it('gives orthonormal columns for a tall matrix and orthonormal rows for a wide one', () => {
    const tall = orthogonal([100, 30], new Rng(6)); // [100, 30]
    expect(gramDeviation(tall.data, 100, 30, 'columns')).toBeLessThan(1e-13);
    // An LSTM input weight Wx [D, 4H] with D < 4H: the D rows are orthonormal.
    const wide = orthogonal([20, 80], new Rng(6)); // [20, 80]
    expect(gramDeviation(wide.data, 20, 80, 'rows')).toBeLessThan(1e-13);
  });

  it('multiplies by the gain: QᵀQ = gain² I', () => {
    const Q = orthogonal([10, 10], new Rng(9), 2);
    expect(gramDeviation(Q.data, 10, 10, 'columns', 4)).toBeLessThan(1e-13);
  });

  it('flattens more than two axes to [shape[0], rest] and keeps the shape', () => {
    const Q = orthogonal([4, 2, 3], new Rng(10));
    expect(Q.shape).toEqual([4, 2, 3]);
    expect(gramDeviation(Q.data, 4, 6, 'rows')).toBeLessThan(1e-13);
  });

  it('is deterministic for a seed and throws for fewer than two axes', () => {
    const a = orthogonal([5, 5], new Rng(11));
    const b = orthogonal([5, 5], new Rng(11));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(() => orthogonal([5], new Rng(1))).toThrow(ShapeError);
  });
});
