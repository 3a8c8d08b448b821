import { describe, expect, it } from 'vitest';
import { allClose } from '../src/compare';
import { ShapeError } from '../src/errors';
import { Rng, randn } from '../src/random';
import { arange, fromData, tensor } from '../src/tensor';
import { add, div, mul, sigmoid, sub } from '../src/ops/elementwise';
import { max, mean, sum } from '../src/ops/reduce';
import { concat, narrow, permute, reshape, split, stack, transpose } from '../src/ops/shape';
import { matmul } from '../src/ops/matmul';
import {
  embedding,
  gatherRows,
  oneHot,
  paddingMask,
  sequenceMask,
  stepsToSequence,
  timeStep,
} from '../src/ops/sequence';

const m23 = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe('elementwise values', () => {
  it('broadcasts a bias over [N, T, H]', () => {
    const x = fromData(arange(12).data, [2, 3, 2]);
    const y = add(x, tensor([10, 20]));
    expect(y.shape).toEqual([2, 3, 2]);
    expect(y.get(1, 2, 1)).toBe(11 + 20);
  });

  it('broadcasts [3, 1] against [4] to [3, 4]', () => {
    const y = mul(tensor([[1], [2], [3]]), tensor([1, 10, 100, 1000]));
    expect(y.shape).toEqual([3, 4]);
    expect(y.toArray()).toEqual([
      [1, 10, 100, 1000],
      [2, 20, 200, 2000],
      [3, 30, 300, 3000],
    ]);
  });

  it('takes numbers on either side', () => {
    expect(sub(1, tensor([0.25])).item()).toBe(0.75);
    expect(div(tensor([3]), 2).item()).toBe(1.5);
  });

  it('sigmoid is stable and exact at the extremes', () => {
    const y = sigmoid(tensor([-1000, -30, 0, 30, 1000]));
    expect(y.data[0]).toBe(0);
    expect(y.data[1]).toBeCloseTo(Math.exp(-30), 25);
    expect(y.data[2]).toBe(0.5);
    expect(y.data[4]).toBe(1);
    for (const v of y.data) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('reductions', () => {
  it('sum over axes with and without keepDims', () => {
    expect(sum(m23()).item()).toBe(21);
    expect(sum(m23(), 0).toArray()).toEqual([5, 7, 9]);
    expect(sum(m23(), -1, true).toArray()).toEqual([[6], [15]]);
    expect(sum(m23(), [0, 1]).shape).toEqual([]);
  });

  it('mean and max', () => {
    expect(mean(m23(), 1).toArray()).toEqual([2, 5]);
    expect(
      max(
        tensor([
          [1, 7, 3],
          [9, 2, 9],
        ]),
        1,
      ).toArray(),
    ).toEqual([7, 9]);
    expect(max(m23()).item()).toBe(6);
  });

  it('max sends the gradient to the first maximum only', () => {
    const x = tensor([[2, 5, 5]], { requiresGrad: true });
    max(x, 1).backward(tensor([1]));
    expect(x.grad!.toArray()).toEqual([[0, 1, 0]]);
  });

  it('rejects a repeated or out-of-range axis', () => {
    expect(() => sum(m23(), [1, -1])).toThrow(/repeated axis/);
    expect(() => sum(m23(), 2)).toThrow(/sum: axis 2 is out of range/);
  });
});

describe('shape ops', () => {
  it('reshape keeps row-major order and infers -1', () => {
    const y = reshape(m23(), [3, -1]);
    expect(y.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('transpose swaps the last two axes', () => {
    expect(transpose(m23()).toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const x = randn([2, 3, 4], new Rng(0));
    const t = transpose(x);
    expect(t.shape).toEqual([2, 4, 3]);
    expect(t.get(1, 3, 2)).toBe(x.get(1, 2, 3));
  });

  it('permute [N, T, H] -> [T, N, H]', () => {
    const x = randn([2, 3, 4], new Rng(1));
    const y = permute(x, [1, 0, 2]);
    expect(y.shape).toEqual([3, 2, 4]);
    expect(y.get(2, 1, 3)).toBe(x.get(1, 2, 3));
  });

  it('concat, stack, split and narrow agree with each other', () => {
    const a = m23();
    const b = tensor([[7], [8]]);
    expect(concat([a, b], 1).toArray()).toEqual([
      [1, 2, 3, 7],
      [4, 5, 6, 8],
    ]);
    expect(stack([a, a], 1).shape).toEqual([2, 2, 3]);
    expect(stack([a, a], -1).shape).toEqual([2, 3, 2]);
    const parts = split(a, [1, 2], 1);
    expect(parts.map((p) => p.toArray())).toEqual([
      [[1], [4]],
      [
        [2, 3],
        [5, 6],
      ],
    ]);
    expect(split(arange(5), 2, 0).map((p) => p.size)).toEqual([2, 2, 1]);
    expect(narrow(a, 0, 1, 1).toArray()).toEqual([[4, 5, 6]]);
  });

  it('timeStep and stepsToSequence are inverse', () => {
    const x = randn([2, 3, 4], new Rng(2));
    const steps = [0, 1, 2].map((t) => timeStep(x, t));
    expect(steps[1]!.shape).toEqual([2, 4]);
    expect(steps[1]!.get(1, 2)).toBe(x.get(1, 1, 2));
    expect([...stepsToSequence(steps).data]).toEqual([...x.data]);
    expect(() => timeStep(x, 3)).toThrow(/outside 0..2/);
  });
});

describe('matmul values', () => {
  it('multiplies [2, 3] x [3, 2]', () => {
    const y = matmul(
      m23(),
      tensor([
        [1, 0],
        [0, 1],
        [1, 1],
      ]),
    );
    expect(y.toArray()).toEqual([
      [4, 5],
      [10, 11],
    ]);
  });

  it('batched product equals per-batch products', () => {
    const rng = new Rng(3);
    const a = randn([3, 2, 4], rng);
    const b = randn([3, 4, 5], rng);
    const y = matmul(a, b);
    expect(y.shape).toEqual([3, 2, 5]);
    for (let i = 0; i < 3; i++) {
      const ai = narrow(a, 0, i, 1);
      const bi = narrow(b, 0, i, 1);
      const yi = matmul(reshape(ai, [2, 4]), reshape(bi, [4, 5]));
      expect(allClose(reshape(narrow(y, 0, i, 1), [2, 5]), yi, { rtol: 1e-14, atol: 0 })).toBe(
        true,
      );
    }
  });

  it('[N, T, H] x [H, V] -> [N, T, V]', () => {
    const y = matmul(randn([2, 3, 4], new Rng(4)), randn([4, 6], new Rng(5)));
    expect(y.shape).toEqual([2, 3, 6]);
  });

  it('vector operands drop their axis', () => {
    expect(
      matmul(
        tensor([1, 2]),
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toArray(),
    ).toEqual([9, 12, 15]);
    expect(matmul(m23(), tensor([1, 0, -1])).toArray()).toEqual([-2, -2]);
  });
});

describe('sequence helpers', () => {
  it('embedding picks rows of W, shape [N, T, D]', () => {
    const W = tensor([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    const out = embedding(W, [
      [2, 0],
      [1, 1],
    ]);
    expect(out.shape).toEqual([2, 2, 2]);
    expect(out.toArray()).toEqual([
      [
        [2, 2],
        [0, 0],
      ],
      [
        [1, 1],
        [1, 1],
      ],
    ]);
    expect(embedding(W, new Int32Array([1, 2, 0, 0]), [2, 2]).shape).toEqual([2, 2, 2]);
    expect(gatherRows(W, [2]).toArray()).toEqual([[2, 2]]);
  });

  it('embedding accumulates the gradient of repeated ids', () => {
    const W = tensor(
      [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
      { requiresGrad: true },
    );
    sum(embedding(W, [[1, 1, 2]])).backward();
    expect(W.grad!.toArray()).toEqual([
      [0, 0],
      [2, 2],
      [1, 1],
    ]);
  });

  it('embedding rejects ids out of range and ragged ids', () => {
    const W = tensor([[0], [1]]);
    expect(() => embedding(W, [[0, 2]])).toThrow(/id 2 .* outside 0..1/);
    expect(() => embedding(W, [[0, 1], [1]])).toThrow(ShapeError);
    expect(() => embedding(W, [[0.5]])).toThrow(/integers/);
  });

  it('oneHot, sequenceMask and paddingMask', () => {
    expect(oneHot([[1, 0]], 3).toArray()).toEqual([
      [
        [0, 1, 0],
        [1, 0, 0],
      ],
    ]);
    expect(sequenceMask([2, 0, 3], 3).toArray()).toEqual([
      [1, 1, 0],
      [0, 0, 0],
      [1, 1, 1],
    ]);
    expect(paddingMask([[5, 0, 0]], 0).toArray()).toEqual([[1, 0, 0]]);
  });
});

describe('shape errors name the op and both shapes', () => {
  it('binary ops that do not broadcast', () => {
    expect(() => add(tensor([[1, 2, 3]]), tensor([1, 2]))).toThrow(
      'add: expected shapes that broadcast (equal sizes or 1 in each axis), received [1, 3] and [2]',
    );
  });
  it('matmul with unequal inner sizes', () => {
    expect(() => matmul(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow(
      'matmul: expected a [..., M, K] and b [..., K, N] with equal K, received a [1, 3] and b [1, 2]',
    );
  });
  it('matmul batch axes that do not broadcast', () => {
    expect(() => matmul(randn([2, 3, 4], new Rng(0)), randn([3, 4, 5], new Rng(0)))).toThrow(
      /matmul: .*\[2\] and \[3\]/,
    );
  });
  it('reshape to a different size', () => {
    expect(() => reshape(m23(), [4, 2])).toThrow(
      'reshape: expected a shape with 6 elements like [2, 3], received [4, 2]',
    );
  });
  it('concat and stack of mismatched shapes', () => {
    expect(() => concat([m23(), tensor([[1, 2]])], 0)).toThrow(
      /concat: expected shapes equal to \[2, 3\] except in axis 0, received \[1, 2\]/,
    );
    expect(() => stack([m23(), tensor([1])], 0)).toThrow(
      /stack: expected every tensor of shape \[2, 3\], received \[1\]/,
    );
  });
  it('narrow and split out of range', () => {
    expect(() => narrow(m23(), 1, 2, 2)).toThrow(/narrow: .*received start 2, length 2/);
    expect(() => split(m23(), [1, 1], 1)).toThrow(/split: expected sizes summing to 3/);
  });
  it('every shape error is a ShapeError', () => {
    expect(() => transpose(tensor([1, 2]))).toThrow(ShapeError);
  });
});
