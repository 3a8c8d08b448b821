/**
 * ‖∂h_{T−1}/∂h_t‖_F three ways: the reference (autograd, row by row), the solution (explicit
 * product of per-step Jacobians) and brute force (central differences of h_{T−1} with respect
 * to h_t, re-running the steps after t).
 */
import { describe, expect, it } from 'vitest';
import { Rng, orthogonal, randn, timeStep } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { hiddenGradientNorms, rnn, rnnStep } from '../src/index';
import { hiddenGradientNorms as solutionNorms } from '@target/rnn/hidden-gradient-norms';

/** Frobenius norm of ∂h_{T−1}/∂h_t by central differences on every coordinate of h_t. */
function bruteForceNorms(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): number[] {
  const T = x.shape[1] as number;
  const H = Wh.shape[0] as number;
  const hs = rnn(x, h0, Wx, Wh, b); // [1, T, H]
  const eps = 1e-6;
  const run = (ht: Tensor, from: number): Float64Array => {
    let h = ht;
    for (let k = from + 1; k < T; k++) h = rnnStep(timeStep(x, k), h, Wx, Wh, b);
    return h.data;
  };
  return Array.from({ length: T }, (_, t) => {
    let s = 0;
    for (let j = 0; j < H; j++) {
      const plus = timeStep(hs, t).clone();
      const minus = timeStep(hs, t).clone();
      plus.data[j]! += eps;
      minus.data[j]! -= eps;
      const a = run(plus, t);
      const c = run(minus, t);
      for (let i = 0; i < H; i++) s += ((a[i]! - c[i]!) / (2 * eps)) ** 2;
    }
    return Math.sqrt(s);
  });
}

describe('hiddenGradientNorms', () => {
  for (const gain of [0.5, 1.5]) {
    it(`reference, solution and brute force agree for Wh orthogonal with gain ${gain}`, () => {
      const rng = new Rng(12);
      const [T, D, H] = [12, 3, 6];
      const x = randn([1, T, D], rng);
      const h0 = randn([1, H], rng, { std: 0.1 });
      const Wx = randn([D, H], rng, { std: 0.3 });
      const Wh = orthogonal([H, H], rng, gain).detach();
      const b = randn([H], rng, { std: 0.1 });
      const ref = hiddenGradientNorms(x, h0, Wx, Wh, b);
      const sol = solutionNorms(x, h0, Wx, Wh, b);
      const brute = bruteForceNorms(x, h0, Wx, Wh, b);
      expect(ref).toHaveLength(T);
      expect(ref[T - 1]).toBeCloseTo(Math.sqrt(H), 12); // the identity
      for (let t = 0; t < T; t++) {
        expect(Math.abs(sol[t]! - ref[t]!) / Math.max(1e-300, ref[t]!)).toBeLessThan(1e-10);
        expect(Math.abs(brute[t]! - ref[t]!) / Math.max(1e-300, ref[t]!)).toBeLessThan(1e-6);
      }
      if (gain === 0.5) expect(ref[0]!).toBeLessThan(ref[T - 1]! * 1e-2); // vanishing
    });
  }
});
