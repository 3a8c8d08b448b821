/**
 * CTC checked against its definition: the probability of a labelling is the sum, over every
 * path of T symbols that collapses to it, of the product of the per-frame probabilities
 * (eq. 3.20). For small T and C all C^T paths can be enumerated. And decoding: best path,
 * prefix beam search, and where the two differ.
 */
import { describe, expect, it } from 'vitest';
import { Rng, tensor } from '@rnn-course/core';
import {
  collapsePath,
  ctcGreedyDecode,
  ctcLoss,
  ctcPosteriors,
  ctcPrefixBeamSearch,
  ctcTables,
  logAddExp,
  logSoftmaxRows,
} from './reference';
import { randnT } from './helpers';

/** log p(labels) by enumerating all C^T paths. */
function bruteForce(logProbs: Float64Array, T: number, C: number, labels: number[]): number {
  let total = -Infinity;
  const path = new Array<number>(T).fill(0);
  for (let code = 0; code < C ** T; code++) {
    let c = code;
    for (let t = 0; t < T; t++) {
      path[t] = c % C;
      c = Math.floor(c / C);
    }
    const read = collapsePath(path, 0);
    if (read.length !== labels.length || read.some((k, i) => k !== labels[i])) continue;
    total = logAddExp(
      total,
      path.reduce((s, k, t) => s + logProbs[t * C + k]!, 0),
    );
  }
  return total;
}

describe('collapsePath (the map B)', () => {
  it('merges repeats first and removes blanks second', () => {
    expect(collapsePath([1, 1, 0, 1, 2, 2, 0], 0)).toEqual([1, 1, 2]);
    expect(collapsePath([0, 0, 0], 0)).toEqual([]);
    expect(collapsePath([3, 3, 3], 0)).toEqual([3]);
  });
});

describe('the alpha-beta recursions against enumeration of every path', () => {
  const cases: [number, number, number[]][] = [
    [5, 3, [1, 2]],
    [5, 3, [1, 1]], // a repeat: needs a blank between
    [6, 4, [2, 2, 3]],
    [4, 3, []],
    [1, 3, [2]],
    [3, 3, [1, 1, 1]], // impossible: three equal labels need five frames
  ];
  for (const [T, C, labels] of cases) {
    it(`T=${T}, C=${C}, labels [${labels}]`, () => {
      const lp = logSoftmaxRows(randnT([1, T, C], new Rng(T * 10 + C + labels.length))).data;
      const tables = ctcTables(lp, T, C, labels, 0);
      const exact = bruteForce(lp, T, C, labels);
      if (exact === -Infinity) {
        expect(tables.logLikelihood).toBe(-Infinity);
        return;
      }
      expect(tables.logLikelihood).toBeCloseTo(exact, 12);
      // ln p = logsumexp_s (α_t(s) + β_t(s)) at every frame t.
      for (let t = 0; t < T; t++) {
        const at = tables.alpha[t]!.reduce(
          (s, a, k) => logAddExp(s, a + tables.beta[t]![k]!),
          -Infinity,
        );
        expect(at).toBeCloseTo(exact, 12);
      }
      // γ is a distribution over the symbols at every frame.
      const gamma = ctcPosteriors(tables, labels, T, C, 0);
      for (let t = 0; t < T; t++) {
        expect(gamma.subarray(t * C, (t + 1) * C).reduce((s, g) => s + g, 0)).toBeCloseTo(1, 12);
      }
    });
  }

  it('an impossible labelling costs +∞ and gives no gradient, or 0 with zeroInfinity', () => {
    const lp = logSoftmaxRows(randnT([1, 3, 3], new Rng(1)));
    lp.requiresGrad = true;
    const loss = ctcLoss(lp, [[1, 1, 1]], undefined, { reduction: 'sum' });
    expect(loss.item()).toBe(Infinity);
    loss.backward();
    expect(Array.from(lp.grad?.data ?? []).every((g) => g === 0)).toBe(true);
    expect(ctcLoss(lp, [[1, 1, 1]], undefined, { zeroInfinity: true }).item()).toBe(0);
  });

  it('names the op, the shapes and the bad label', () => {
    const lp = logSoftmaxRows(randnT([2, 4, 3], new Rng(2)));
    expect(() => ctcLoss(lp, [[1]])).toThrow(
      'ctcLoss: expected 2 target sequences and 2 input lengths (one per row of logProbs [2, 4, 3]), received 1 target sequences and 2 input lengths',
    );
    expect(() => ctcLoss(lp, [[1], [0]])).toThrow(
      /label 0 at \[1\]\[0\] must be an id in 0..2 other than the blank 0/,
    );
    expect(() => ctcLoss(lp, [[1], [2]], [4, 5])).toThrow(
      /input length 5 of sequence 1 is outside 1..4/,
    );
  });
});

describe('decoding', () => {
  // Two frames over {blank, a}: y_0 = y_1 = (0.6, 0.4). The best path is (blank, blank),
  // read as "" with probability 0.36, but "a" is read from (a, a), (a, blank) and (blank, a):
  // 0.16 + 0.24 + 0.24 = 0.64. The most probable path does not read as the most probable
  // labelling.
  const y = tensor([
    [Math.log(0.6), Math.log(0.4)],
    [Math.log(0.6), Math.log(0.4)],
  ]); // [T, C]

  it('best path reads the argmax path: "" here', () => {
    expect(ctcGreedyDecode(tensor([y.toArray() as number[][]]))).toEqual([[]]);
  });

  it('prefix beam search sums the paths of each labelling: "a" with 0.64, then "" with 0.36', () => {
    const hyps = ctcPrefixBeamSearch(y, 4);
    expect(hyps.map((h) => h.labels)).toEqual([[1], []]);
    expect(Math.exp(hyps[0]!.logProb)).toBeCloseTo(0.64, 14);
    expect(Math.exp(hyps[1]!.logProb)).toBeCloseTo(0.36, 14);
  });

  it('with a beam wide enough to keep every prefix, each probability is exactly p(l | x)', () => {
    const lp = logSoftmaxRows(randnT([1, 6, 3], new Rng(3), 1.5));
    const hyps = ctcPrefixBeamSearch(tensor((lp.toArray() as number[][][])[0]!), 1000);
    for (const h of hyps) {
      const exact = -ctcLoss(lp, [h.labels], undefined, { reduction: 'sum' }).item();
      expect(h.logProb).toBeCloseTo(exact, 12);
    }
    expect(hyps.reduce((s, h) => s + Math.exp(h.logProb), 0)).toBeCloseTo(1, 12); // all labellings
  });

  it("greedy decoding stops at each sequence's input length", () => {
    const lp = tensor([
      [
        [0, -9, -9],
        [-9, 0, -9],
        [-9, -9, 0],
      ],
    ]); // best path 0, 1, 2
    expect(ctcGreedyDecode(lp, [2])).toEqual([[1]]);
    expect(ctcGreedyDecode(lp)).toEqual([[1, 2]]);
  });
});
