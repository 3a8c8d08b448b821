/**
 * Sampling with temperature: the empirical distribution of 20 000 seeded draws matches
 * softmax(logits / τ); the reference and the solution draw the same indices from the same seed;
 * each call uses exactly one uniform draw; logits of ±1e4 do not overflow.
 */
import { describe, expect, it } from 'vitest';
import { Rng, tensor } from '@rnn-course/core';
import { sampleWithTemperature } from '../src/index';
import { sampleWithTemperature as solutionSample } from '@target/rnn/sample-with-temperature';

const logits = [2, 1, 0.5, -1, 0];

function softmaxOf(z: number[], tau: number): number[] {
  const m = Math.max(...z.map((v) => v / tau));
  const e = z.map((v) => Math.exp(v / tau - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('sampleWithTemperature', () => {
  for (const tau of [0.5, 1, 2]) {
    it(`20 000 draws at τ = ${tau} match softmax(logits / τ) within 4.5 standard errors per index`, () => {
      const n = 20000;
      const rng = new Rng(1000 + tau * 10);
      const counts = new Array<number>(logits.length).fill(0);
      const z = tensor(logits);
      for (let k = 0; k < n; k++) counts[sampleWithTemperature(z, tau, rng)]! += 1;
      const p = softmaxOf(logits, tau);
      p.forEach((pi, i) => {
        // Binomial standard error sqrt(p(1 − p)/n); 4.5 of them: a false alarm about 1 in 10^5.
        const tol = 4.5 * Math.sqrt((pi * (1 - pi)) / n);
        expect(Math.abs(counts[i]! / n - pi), `index ${i}`).toBeLessThanOrEqual(tol);
      });
    });
  }

  it('reference and solution return the same 2 000 indices from the same seed', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const z = tensor(logits);
    for (let k = 0; k < 2000; k++)
      expect(solutionSample(z, 0.7, b)).toBe(sampleWithTemperature(z, 0.7, a));
  });

  it('draws exactly one rng.uniform() per call', () => {
    for (const sample of [sampleWithTemperature, solutionSample]) {
      const used = new Rng(77);
      const fresh = new Rng(77);
      sample(tensor(logits), 1.3, used);
      sample(tensor(logits), 1.3, used);
      fresh.uniform();
      fresh.uniform();
      expect(used.uniform()).toBe(fresh.uniform());
    }
  });

  it('is finite for logits of ±1e4: the largest score wins at τ = 1, and a low τ is near argmax', () => {
    const huge = tensor([-1e4, 1e4, 0, 1e4 - 50]);
    const rng = new Rng(3);
    for (let k = 0; k < 200; k++) {
      expect(sampleWithTemperature(huge, 1, rng)).toBe(1);
      expect(solutionSample(huge, 1, rng)).toBe(1);
    }
    const close = tensor([1, 1.5, 0.9]);
    for (let k = 0; k < 200; k++) expect(solutionSample(close, 0.01, rng)).toBe(1);
  });

  it('rejects a temperature that is zero, negative or not finite', () => {
    for (const tau of [0, -1, Infinity, NaN]) {
      expect(() => sampleWithTemperature(tensor(logits), tau, new Rng(1))).toThrow(RangeError);
      expect(() => solutionSample(tensor(logits), tau, new Rng(1))).toThrow(RangeError);
    }
  });
});
