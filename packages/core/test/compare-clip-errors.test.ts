import { describe, expect, it } from 'vitest';
import { clipGradNormInPlace } from '../src/clip';
import { allClose, maxRelError, relativeError } from '../src/compare';
import { NotImplementedError, ShapeError, assertShape, notImplemented } from '../src/errors';
import { tensor } from '../src/tensor';

describe('allClose and maxRelError', () => {
  it('allClose tests |a - b| <= atol + rtol |b|', () => {
    expect(allClose(tensor([1, 2]), tensor([1 + 1e-6, 2]))).toBe(true);
    expect(allClose(tensor([1, 2]), tensor([1 + 1e-4, 2]))).toBe(false);
    expect(allClose(tensor([0]), tensor([1e-9]))).toBe(true);
    expect(allClose(tensor([1]), tensor([2]), { atol: 1 })).toBe(true);
    expect(allClose(tensor([NaN]), tensor([NaN]))).toBe(false);
    expect(allClose(3, 3)).toBe(true);
  });

  it('relativeError is the CS231n formula for two numbers; maxRelError its maximum', () => {
    expect(relativeError(3, 1)).toBe(0.5); // |3 - 1| / (3 + 1)
    expect(relativeError(-2, -2)).toBe(0);
    expect(relativeError(1e-12, 0)).toBe(1e-12 / 1e-8); // floor 1e-8
    expect(relativeError(NaN, 1)).toBeNaN();
  });

  it('maxRelError is the CS231n formula', () => {
    expect(maxRelError(tensor([1, 2]), tensor([1, 2]))).toBe(0);
    expect(maxRelError(tensor([1, 3]), tensor([1, 1]))).toBe(0.5); // |3 - 1| / (3 + 1)
    expect(maxRelError(tensor([1e-12]), tensor([0]))).toBe(1e-12 / 1e-8); // floor 1e-8
  });

  it('both reject tensors of different shapes', () => {
    expect(() => allClose(tensor([1, 2]), tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => maxRelError(tensor([1, 2]), tensor([1]))).toThrow(/maxRelError: .*\[2\].*\[1\]/);
  });
});

describe('clipGradNormInPlace', () => {
  it('rescales all gradients together to the max norm and returns the norm before', () => {
    const a = tensor([0, 0], { requiresGrad: true });
    const b = tensor([0], { requiresGrad: true });
    a.grad = tensor([3, 0]);
    b.grad = tensor([4]);
    const norm = clipGradNormInPlace([a, b], 1);
    expect(norm).toBe(5);
    const coef = 1 / (5 + 1e-6);
    expect(a.grad.data[0]).toBeCloseTo(3 * coef, 15);
    expect(b.grad.data[0]).toBeCloseTo(4 * coef, 15);
  });

  it('leaves small gradients and missing ones alone', () => {
    const a = tensor([0, 0], { requiresGrad: true });
    const b = tensor([0], { requiresGrad: true });
    a.grad = tensor([0.3, 0.4]);
    expect(clipGradNormInPlace([a, b], 1)).toBeCloseTo(0.5, 15);
    expect(a.grad.toArray()).toEqual([0.3, 0.4]);
    expect(b.grad).toBeNull();
  });
});

describe('errors', () => {
  it('assertShape names the op, the tensor and both shapes; null is a wildcard', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => assertShape('rnnStepForward', x, [null, 3], 'x')).not.toThrow();
    expect(() => assertShape('rnnStepForward', x, [null, 4], 'x')).toThrow(
      'rnnStepForward: expected x [*, 4], received [2, 3]',
    );
    expect(() => assertShape('op', x, [2])).toThrow('op: expected [2], received [2, 3]');
  });

  it('ShapeError carries the op and formats shapes given as arrays', () => {
    const e = new ShapeError('matmul', [2, 3], [4, 5]);
    expect(e.message).toBe('matmul: expected [2, 3], received [4, 5]');
    expect(e.op).toBe('matmul');
    expect(e).toBeInstanceOf(Error);
  });

  it('notImplemented throws a NotImplementedError carrying the exercise id', () => {
    try {
      notImplemented('rnn/rnn-step-forward');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NotImplementedError);
      expect((e as NotImplementedError).exerciseId).toBe('rnn/rnn-step-forward');
      expect((e as Error).message).toContain('rnn/rnn-step-forward');
    }
  });
});
