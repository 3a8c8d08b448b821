import { describe, expect, it } from 'vitest';
import { Rng, randn, randu } from '../src/random';

describe('Rng', () => {
  it('pins the first draws of seed 42, so every machine gets these exact numbers', () => {
    const r = new Rng(42);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([
      2837322924, 544945897, 479756282,
    ]);
    const u = new Rng(42);
    expect([u.uniform(), u.uniform()]).toEqual([0.6606157208001621, 0.1117019639532224]);
    const n = new Rng(7);
    expect([n.normal(), n.normal(), n.normal()]).toEqual([
      -0.6925843705222114, 0.23026798570072035, -1.2870249601100738,
    ]);
  });

  it('gives bit-identical tensors for the same seed on two runs', () => {
    const a = randn([4, 5], new Rng(123));
    const b = randn([4, 5], new Rng(123));
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
    const c = randn([4, 5], new Rng(124));
    expect([...c.data]).not.toEqual([...a.data]);
  });

  it('uniform() lies in [0, 1) with mean about 1/2', () => {
    const r = new Rng(1);
    let s = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < 20000; i++) {
      const u = r.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      s += u;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(s / 20000 - 0.5)).toBeLessThan(0.01);
  });

  it('normal() has mean about 0 and variance about 1', () => {
    const r = new Rng(2);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });

  it('int(n) covers 0..n-1 and nothing else', () => {
    const r = new Rng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[r.int(3)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(900);
    expect(() => r.int(0)).toThrow(RangeError);
  });

  it('shuffle() permutes in place and returns the same array', () => {
    const a = [0, 1, 2, 3, 4, 5, 6, 7];
    const out = new Rng(4).shuffle(a);
    expect(out).toBe(a);
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(a).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('categorical() uses one uniform draw by inverse CDF', () => {
    const probs = [0.2, 0.5, 0.3];
    const a = new Rng(5);
    const b = new Rng(5);
    for (let i = 0; i < 50; i++) {
      const u = b.uniform();
      const expected = u < 0.2 ? 0 : u < 0.7 ? 1 : 2;
      expect(a.categorical(probs)).toBe(expected);
    }
  });

  it('categorical() follows the probabilities and never picks a zero one', () => {
    const r = new Rng(6);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 10000; i++) counts[r.categorical([1, 0, 3, 0])]!++;
    expect(counts[1]).toBe(0);
    expect(counts[3]).toBe(0);
    expect(Math.abs(counts[2]! / 10000 - 0.75)).toBeLessThan(0.02);
    expect(() => r.categorical([0, 0])).toThrow(/sum to 0/);
    expect(() => r.categorical([1, -1])).toThrow(RangeError);
  });

  it('fork() gives an independent generator and is itself reproducible', () => {
    const a = new Rng(8);
    const b = new Rng(8);
    const fa = a.fork();
    const fb = b.fork();
    expect(fa.uniform()).toBe(fb.uniform());
    expect(a.uniform()).toBe(b.uniform());
    expect(fa.uniform()).not.toBe(a.uniform());
  });

  it('accepts large and negative seeds, distinguishing them', () => {
    expect(new Rng(2 ** 40).uniform()).not.toBe(new Rng(0).uniform());
    expect(new Rng(-1).uniform()).not.toBe(new Rng(1).uniform());
    expect(() => new Rng(NaN)).toThrow(RangeError);
  });
});

describe('randn and randu', () => {
  it('randn scales by std and shifts by mean', () => {
    const z = randn([1000], new Rng(9), { mean: 3, std: 0.5 });
    const m = z.data.reduce((s, v) => s + v, 0) / z.size;
    expect(Math.abs(m - 3)).toBeLessThan(0.05);
    expect(randn([2], new Rng(9), { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('randu stays in [low, high)', () => {
    const u = randu([500], new Rng(10), { low: -2, high: -1 });
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u.data)).toBeLessThan(-1);
  });
});
