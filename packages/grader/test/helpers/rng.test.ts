import { Rng } from '@rnn-course/core';
import { describe, expect, it } from 'vitest';
import { rngBefore } from '../../src/testing/rng';

describe('rngBefore', () => {
  it('gives a core Rng whose next uniform() is the number asked for', () => {
    for (const u of [0, 0.5, 0.25 + 2 ** -53, 0.9999, 1 - 2 ** -53]) {
      const rng = rngBefore(u);
      expect(rng).toBeInstanceOf(Rng);
      expect(rng.uniform()).toBe(u);
    }
  });

  it('keeps drawing after it, in [0, 1)', () => {
    const rng = rngBefore(1 - 2 ** -53);
    rng.uniform();
    const next = Array.from({ length: 100 }, () => rng.uniform());
    expect(next.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(next).size).toBe(100);
  });

  it('refuses what uniform() cannot return', () => {
    expect(() => rngBefore(1)).toThrow(RangeError);
    expect(() => rngBefore(-0.5)).toThrow(RangeError);
    expect(() => rngBefore(2 ** -60)).toThrow(/a multiple of 2\^-53 in \[0, 1\), received/);
  });
});
