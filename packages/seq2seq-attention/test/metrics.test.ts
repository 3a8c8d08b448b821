import { describe, expect, it } from 'vitest';
import { bleu, editDistance, exactMatch, labelErrorRate } from './reference';

describe('exact match, edit distance and label error rate', () => {
  it('exact match counts sequences equal token for token', () => {
    expect(
      exactMatch(
        [[1, 2], [3], [4, 5]],
        [
          [1, 2],
          [3, 3],
          [4, 5],
        ],
      ),
    ).toBeCloseTo(2 / 3, 15);
    expect(() => exactMatch([[1]], [])).toThrow(/as many outputs as references/);
  });

  it('edit distance counts substitutions, insertions and deletions', () => {
    expect(editDistance([...'kitten'], [...'sitting'])).toBe(3);
    expect(editDistance([], [1, 2, 3])).toBe(3);
    expect(editDistance([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(editDistance([1, 2, 3], [3, 2, 1])).toBe(2);
  });

  it('the label error rate divides the total distance by the total reference length', () => {
    // 1 substitution in 4 labels, 1 deletion in 2 labels: 2 errors over 6.
    expect(
      labelErrorRate(
        [[1, 2, 9, 4], [5]],
        [
          [1, 2, 3, 4],
          [5, 6],
        ],
      ),
    ).toBeCloseTo(2 / 6, 15);
  });
});

describe('BLEU (Papineni et al. 2002)', () => {
  it('is 1 for outputs equal to their references', () => {
    const r = bleu([[...'the cat sat']], [[...'the cat sat']]);
    expect(r.score).toBeCloseTo(1, 15);
    expect(r.brevityPenalty).toBe(1);
  });

  it("clips repeated n-grams by the reference count (the paper's example)", () => {
    // "the the the the the the the" against "the cat is on the mat": p_1 = 2/7.
    const out = 'the the the the the the the'.split(' ');
    const ref = 'the cat is on the mat'.split(' ');
    expect(bleu([out], [ref], 1).precisions[0]).toBeCloseTo(2 / 7, 15);
  });

  it('computes p_n, the brevity penalty and their geometric mean by hand', () => {
    const out = 'a b c d'.split(' ');
    const ref = 'a b c e f'.split(' ');
    const r = bleu([out], [ref], 2);
    expect(r.precisions).toEqual([3 / 4, 2 / 3]); // unigrams a b c; bigrams ab, bc
    expect(r.brevityPenalty).toBeCloseTo(Math.exp(1 - 5 / 4), 15);
    expect(r.score).toBeCloseTo(Math.exp(1 - 5 / 4) * Math.sqrt((3 / 4) * (2 / 3)), 15);
  });

  it('is 0 when some order has no match, unless smoothed', () => {
    const out = [[1, 2, 3]];
    const ref = [[1, 3, 2]];
    expect(bleu(out, ref, 2).score).toBe(0);
    expect(bleu(out, ref, 2, true).score).toBeCloseTo(Math.sqrt(1 * (1 / 3)), 15); // (0 + 1) / (2 + 1)
  });
});
