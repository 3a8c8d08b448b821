import { describe, expect, it } from 'vitest';
import { ShapeError } from '../src/errors';
import { formatGradcheckReport, gradcheck } from '../src/gradcheck';
import { maskedFill as exported } from '../src/index';
import { mul } from '../src/ops/elementwise';
import { maskedFill } from '../src/ops/masked-fill';
import { sum } from '../src/ops/reduce';
import { softmax } from '../src/ops/softmax';
import { Rng, randn } from '../src/random';
import { tensor } from '../src/tensor';

describe('maskedFill', () => {
  it('is part of the public API', () => {
    expect(exported).toBe(maskedFill);
  });

  it('fills where the mask is nonzero and keeps the rest', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const mask = tensor([
      [0, 1, 0],
      [1, 0, 2],
    ]);
    expect(maskedFill(a, mask, -7).toArray()).toEqual([
      [1, -7, 3],
      [-7, 5, -7],
    ]);
  });

  it('broadcasts a [T, T] mask over a batch of scores [N, T, T]', () => {
    const a = tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    const upper = tensor([
      [0, 1],
      [0, 0],
    ]);
    const out = maskedFill(a, upper, -Infinity);
    expect(out.shape).toEqual([2, 2, 2]);
    expect(out.toArray()).toEqual([
      [
        [1, -Infinity],
        [3, 4],
      ],
      [
        [5, -Infinity],
        [7, 8],
      ],
    ]);
  });

  it('after -inf, softmax gives the filled entries weight exactly 0', () => {
    const scores = tensor([[0.3, -1.2, 2.0, 0.5]]);
    const p = softmax(maskedFill(scores, tensor([[0, 1, 0, 1]]), -Infinity));
    expect(p.get(0, 1)).toBe(0);
    expect(p.get(0, 3)).toBe(0);
    expect(p.get(0, 0) + p.get(0, 2)).toBeCloseTo(1, 15);
  });

  it('passes the gradient through kept entries and blocks it at filled ones', () => {
    const a = tensor([1, 2, 3, 4], { requiresGrad: true });
    const w = tensor([10, 20, 30, 40]);
    sum(mul(maskedFill(a, tensor([1, 0, 0, 1]), 5), w)).backward();
    expect(Array.from(a.grad!.data)).toEqual([0, 20, 30, 0]);
  });

  it('gradient agrees with central differences through a masked softmax', () => {
    const rng = new Rng(5);
    const a = randn([2, 3, 4], rng, { requiresGrad: true });
    const mask = tensor([[[0, 0, 1, 0]], [[1, 0, 0, 0]]]); // [2, 1, 4]
    const report = gradcheck((x) => softmax(maskedFill(x, mask, -Infinity)), [a], {
      rng: new Rng(1),
    });
    expect(report.ok, formatGradcheckReport(report)).toBe(true);
  });

  it('refuses a mask that would enlarge the tensor, naming both shapes', () => {
    const a = tensor([[1, 2, 3]]); // [1, 3]
    const mask = tensor([[0], [1]]); // [2, 1] would broadcast a to [2, 3]
    expect(() => maskedFill(a, mask, 0)).toThrow(ShapeError);
    expect(() => maskedFill(a, mask, 0)).toThrow(
      'maskedFill: expected a mask that broadcasts to a [1, 3], received mask [2, 1]',
    );
    expect(() => maskedFill(a, tensor([0, 1]), 0)).toThrow(/maskedFill.*\[1, 3\] and \[2\]/);
  });
});
