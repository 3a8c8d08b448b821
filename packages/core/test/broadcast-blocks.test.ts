import { describe, expect, it } from 'vitest';
import { broadcastBlocks, broadcastOffsets, broadcastShapes } from '../src/broadcast';
import { add, div, mul, sub } from '../src/ops/elementwise';
import { mean, sum } from '../src/ops/reduce';
import { Rng, randn } from '../src/random';
import { Tensor, shapeSize } from '../src/tensor';
import type { Shape } from '../src/tensor';

/** Every element's read offset in each input, as the blocks give them. */
function offsetsFromBlocks(outShape: Shape, inShapes: Shape[]): number[][] {
  const { outer, inner, reads } = broadcastBlocks(outShape, inShapes);
  return reads.map(({ starts, step }) => {
    const offsets: number[] = [];
    for (let o = 0; o < outer; o++)
      for (let e = 0; e < inner; e++) offsets.push(starts[o]! + e * step);
    return offsets;
  });
}

/** The per-element offsets of the index-array walk, the definition the blocks must match. */
function offsetsByIndex(outShape: Shape, inShape: Shape): number[] {
  const offsets = broadcastOffsets(outShape, inShape);
  return Array.from({ length: shapeSize(outShape) }, (_, k) =>
    offsets === null ? k : offsets[k]!,
  );
}

const pairs: [Shape, Shape][] = [
  [[2, 3, 4], [4]], // a bias over [N, T, H]
  [[2, 3, 4], []], // a scalar
  [
    [2, 3, 1],
    [2, 3, 4],
  ], // a per-position factor over the features
  [
    [2, 1, 4],
    [3, 1],
  ], // both sides repeated
  [
    [1, 3, 1],
    [2, 1, 4],
  ],
  [
    [5, 1, 1, 2],
    [3, 1, 2],
  ],
  [
    [3, 4],
    [3, 4],
  ],
  [[2, 0, 3], [3]], // an empty axis
  [[1], [7]],
];

describe('broadcastBlocks', () => {
  it('cuts [N, T, H] + [H] into N·T blocks of H, the bias restarting in each', () => {
    const { outer, inner, reads } = broadcastBlocks([2, 3, 4], [[2, 3, 4], [4]]);
    expect([outer, inner]).toEqual([6, 4]);
    expect([...reads[0]!.starts]).toEqual([0, 4, 8, 12, 16, 20]);
    expect(reads[0]!.step).toBe(1);
    expect([...reads[1]!.starts]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(reads[1]!.step).toBe(1);
  });

  it('reads a scalar as one block with step 0', () => {
    const { outer, inner, reads } = broadcastBlocks([2, 3], [[2, 3], []]);
    expect([outer, inner]).toEqual([1, 6]);
    expect(reads[1]!.step).toBe(0);
  });

  for (const [a, b] of pairs) {
    it(`reads the same elements as the index arrays for ${JSON.stringify(a)} and ${JSON.stringify(b)}`, () => {
      const out = broadcastShapes('test', a, b);
      const [ra, rb] = offsetsFromBlocks(out, [a, b]);
      expect(ra).toEqual(offsetsByIndex(out, a));
      expect(rb).toEqual(offsetsByIndex(out, b));
    });
  }
});

describe('binary ops and reductions walked by blocks', () => {
  const rng = new Rng(7);
  const ops: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
    ['add', add, (x, y) => x + y],
    ['sub', sub, (x, y) => x - y],
    ['mul', mul, (x, y) => x * y],
    ['div', div, (x, y) => x / y],
  ];
  for (const [a, b] of pairs) {
    for (const [name, op, f] of ops) {
      it(`${name} of ${JSON.stringify(a)} and ${JSON.stringify(b)}: values and summed gradients`, () => {
        const A = randn(a, rng, { requiresGrad: true });
        const B = randn(b, rng, { requiresGrad: true });
        const z = op(A, B);
        const out = broadcastShapes(name, a, b);
        const ia = offsetsByIndex(out, a);
        const ib = offsetsByIndex(out, b);
        // Values: elementwise on the broadcast reads (exact: one operation per element).
        expect([...z.data]).toEqual(ia.map((i, k) => f(A.data[i]!, B.data[ib[k]!]!)));
        if (z.size === 0) return;
        const g = randn(out, rng);
        z.backward(g);
        // Gradients: the upstream gradient times the partial derivative, summed over repeats.
        const gA = new Float64Array(A.size);
        const gB = new Float64Array(B.size);
        ia.forEach((i, k) => {
          const x = A.data[i]!;
          const y = B.data[ib[k]!]!;
          const gk = g.data[k]!;
          const [dx, dy] =
            name === 'add'
              ? [1, 1]
              : name === 'sub'
                ? [1, -1]
                : name === 'mul'
                  ? [y, x]
                  : [1 / y, -(x / y) / y];
          gA[i] = gA[i]! + gk * dx;
          gB[ib[k]!] = gB[ib[k]!]! + gk * dy;
        });
        for (let i = 0; i < A.size; i++) expect(A.grad!.data[i]).toBeCloseTo(gA[i]!, 12);
        for (let j = 0; j < B.size; j++) expect(B.grad!.data[j]).toBeCloseTo(gB[j]!, 12);
      });
    }
  }

  it('sum and mean over middle, outer and several axes match the index-array walk', () => {
    const x = randn([3, 4, 5], rng, { requiresGrad: true });
    for (const axes of [[1], [0], [2], [0, 2], [0, 1, 2]]) {
      const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const offsets = offsetsByIndex(x.shape, kept);
      const expected = new Float64Array(shapeSize(kept));
      offsets.forEach((j, k) => (expected[j] = expected[j]! + x.data[k]!));
      expect([...sum(x, axes).data]).toEqual([...expected]);
      const count = x.size / expected.length;
      const m = mean(x, axes, true);
      m.data.forEach((v, j) => expect(v).toBeCloseTo(expected[j]! / count, 14));
      x.grad = null;
      m.backward(new Tensor(Float64Array.from(expected), kept));
      offsets.forEach((j, k) => expect(x.grad!.data[k]).toBeCloseTo(expected[j]! / count, 14));
    }
  });
});
