import { describe, expect, it } from 'vitest';
import { batches, shuffledIndices } from '../src/data';
import { Rng } from '../src/random';

describe('shuffledIndices', () => {
  it('is a permutation of 0..n-1 and not the identity', () => {
    const idx = shuffledIndices(50, new Rng(1));
    expect(idx).toHaveLength(50);
    expect([...idx].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(idx).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('gives the same order for the same seed and another for another seed', () => {
    expect(shuffledIndices(20, new Rng(3))).toEqual(shuffledIndices(20, new Rng(3)));
    expect(shuffledIndices(20, new Rng(3))).not.toEqual(shuffledIndices(20, new Rng(4)));
  });

  it('handles n = 0 and n = 1, and rejects a negative or fractional n', () => {
    expect(shuffledIndices(0, new Rng(1))).toEqual([]);
    expect(shuffledIndices(1, new Rng(1))).toEqual([0]);
    expect(() => shuffledIndices(-1, new Rng(1))).toThrow(RangeError);
    expect(() => shuffledIndices(2.5, new Rng(1))).toThrow(RangeError);
  });
});

describe('batches', () => {
  const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

  it('without an rng keeps the order; the last batch holds the remainder', () => {
    expect(batches(items, 3)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    expect(batches(items, 7)).toEqual([items]);
    expect(batches(items, 100)).toEqual([items]);
    expect(batches([], 4)).toEqual([]);
  });

  it('with an rng shuffles, holds every item once, and does not modify the input', () => {
    const copy = [...items];
    const out = batches(items, 2, new Rng(5));
    expect(out.map((b) => b.length)).toEqual([2, 2, 2, 1]);
    expect(out.flat().sort()).toEqual(copy);
    expect(out.flat()).not.toEqual(copy);
    expect(items).toEqual(copy);
  });

  it('is reproducible from the seed, and a fresh order on each call of the same rng', () => {
    const rng1 = new Rng(9);
    const rng2 = new Rng(9);
    const epoch1 = batches(items, 3, rng1);
    expect(epoch1).toEqual(batches(items, 3, rng2));
    expect(batches(items, 3, rng1).flat()).not.toEqual(epoch1.flat());
  });

  it('rejects a batch size that is not an integer >= 1', () => {
    expect(() => batches(items, 0)).toThrow(RangeError);
    expect(() => batches(items, 1.5)).toThrow(RangeError);
  });
});
