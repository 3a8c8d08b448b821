import { describe, expect, it } from 'vitest';
import { allClose } from '../src/compare';
import { Rng, randn } from '../src/random';
import { tensor } from '../src/tensor';
import type { Tensor } from '../src/tensor';
import { log } from '../src/ops/elementwise';
import { sum } from '../src/ops/reduce';
import { logSoftmax, softmax } from '../src/ops/softmax';
import { crossEntropy } from '../src/ops/loss';

const allFinite = (t: Tensor): boolean => t.data.every((v) => Number.isFinite(v));

describe('softmax and logSoftmax', () => {
  it('softmax rows sum to 1 and match the definition', () => {
    const x = tensor([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const y = softmax(x);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = e[0]! + e[1]! + e[2]!;
    expect(
      allClose(y, tensor([e.map((v) => v / z), [1 / 3, 1 / 3, 1 / 3]]), { rtol: 1e-15, atol: 0 }),
    ).toBe(true);
    expect(allClose(sum(y, 1), tensor([1, 1]), { rtol: 1e-15, atol: 0 })).toBe(true);
  });

  it('softmax over axis 0 normalises columns', () => {
    const y = softmax(
      tensor([
        [1, 5],
        [1, 5],
      ]),
      0,
    );
    expect(y.toArray()).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
  });

  it('logSoftmax equals log(softmax) where softmax does not underflow', () => {
    const x = randn([3, 5], new Rng(0));
    expect(allClose(logSoftmax(x), log(softmax(x)), { rtol: 1e-14, atol: 1e-15 })).toBe(true);
  });

  it('stays finite with gradients for logits of +-1e4', () => {
    const x = tensor(
      [
        [1e4, -1e4, 0],
        [-1e4, -1e4, -1e4],
        [1e4, 1e4, -1e4],
      ],
      { requiresGrad: true },
    );
    const y = softmax(x);
    expect(allFinite(y)).toBe(true);
    expect(y.toArray()).toEqual([
      [1, 0, 0],
      [1 / 3, 1 / 3, 1 / 3],
      [0.5, 0.5, 0],
    ]);
    const s = logSoftmax(x);
    expect(allFinite(s)).toBe(true);
    expect(s.get(0, 1)).toBe(-2e4);
    sum(s).backward();
    expect(allFinite(x.grad!)).toBe(true);
    x.zeroGrad();
    sum(y).backward();
    expect(allFinite(x.grad!)).toBe(true);
  });
});

describe('crossEntropy', () => {
  const logits = tensor([
    [
      [2, 1, 0],
      [0, 0, 0],
    ],
    [
      [1, 3, 1],
      [5, 1, -1],
    ],
  ]); // [N=2, T=2, V=3]
  const targets = [
    [0, 2],
    [1, 0],
  ];
  const nll = (row: number[], y: number): number => {
    const m = Math.max(...row);
    return -(row[y]! - m - Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)));
  };
  const losses = [nll([2, 1, 0], 0), nll([0, 0, 0], 2), nll([1, 3, 1], 1), nll([5, 1, -1], 0)];

  it("'mean' is the mean of -log p over positions", () => {
    const expected = losses.reduce((s, v) => s + v, 0) / 4;
    expect(crossEntropy(logits, targets).item()).toBeCloseTo(expected, 14);
    expect(crossEntropy(logits, targets).shape).toEqual([]);
  });

  it("'sum' adds -log p over positions", () => {
    const total = losses.reduce((s, v) => s + v, 0);
    expect(crossEntropy(logits, targets, { reduction: 'sum' }).item()).toBeCloseTo(total, 14);
  });

  it('an unknown reduction is refused by name', () => {
    expect(() => crossEntropy(logits, targets, { reduction: 'sumOverTime' as never })).toThrow(
      "crossEntropy: unknown reduction 'sumOverTime'",
    );
  });

  it('a mask drops positions; masked targets may be any id', () => {
    const mask = tensor([
      [1, 0],
      [1, 1],
    ]);
    const padded = [
      [0, -1],
      [1, 0],
    ];
    const kept = losses[0]! + losses[2]! + losses[3]!;
    expect(crossEntropy(logits, padded, { mask }).item()).toBeCloseTo(kept / 3, 14);
    expect(crossEntropy(logits, padded, { mask, reduction: 'sum' }).item()).toBeCloseTo(kept, 14);
    expect(
      crossEntropy(logits, targets, {
        mask: [
          [1, 0],
          [1, 1],
        ],
      }).item(),
    ).toBeCloseTo(kept / 3, 14);
  });

  it('gradient is (softmax - onehot) / count, zero on masked positions', () => {
    const x = tensor(
      [
        [0, 0],
        [3, 1],
      ],
      { requiresGrad: true },
    );
    crossEntropy(x, [1, 0], { mask: tensor([1, 0]) }).backward();
    expect(x.grad!.toArray()).toEqual([
      [0.5, -0.5],
      [0, 0],
    ]);
  });

  it('all positions masked gives 0 for mean, not NaN', () => {
    const x = tensor([[1, 2]], { requiresGrad: true });
    const loss = crossEntropy(x, [0], { mask: tensor([0]) });
    expect(loss.item()).toBe(0);
    loss.backward();
    expect(x.grad!.toArray()).toEqual([[0, 0]]);
  });

  it('is finite for logits of +-1e4', () => {
    const x = tensor(
      [
        [1e4, -1e4],
        [-1e4, 1e4],
      ],
      { requiresGrad: true },
    );
    const loss = crossEntropy(x, [1, 1]);
    expect(loss.item()).toBe(1e4); // position 0: -log softmax = 2e4, position 1: 0
    loss.backward();
    expect(allFinite(x.grad!)).toBe(true);
  });

  it('rejects targets of the wrong shape and ids out of range', () => {
    expect(() => crossEntropy(logits, [[0, 1]])).toThrow(
      /crossEntropy: expected targets \[2, 2\] .* received \[1, 2\]/,
    );
    expect(() =>
      crossEntropy(logits, [
        [0, 3],
        [0, 0],
      ]),
    ).toThrow(/target 3 .* outside 0..2/);
    expect(() => crossEntropy(logits, targets, { mask: tensor([1, 1]) })).toThrow(
      /mask \[2, 2\], received \[2\]/,
    );
  });
});
