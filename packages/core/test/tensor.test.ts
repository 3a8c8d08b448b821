import { describe, expect, it } from 'vitest';
import { ShapeError } from '../src/errors';
import { format } from '../src/format';
import { Rng, randn } from '../src/random';
import {
  Tensor,
  arange,
  fromData,
  full,
  linspace,
  ones,
  onesLike,
  tensor,
  zeros,
  zerosLike,
} from '../src/tensor';
import { add } from '../src/ops/elementwise';

describe('creating tensors', () => {
  it('tensor() reads the shape from the nesting and stores row-major', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect([...t.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.size).toBe(6);
    expect(t.ndim).toBe(2);
    expect(t.data).toBeInstanceOf(Float64Array);
  });

  it('tensor() of a number is a scalar of shape []', () => {
    const t = tensor(2.5);
    expect(t.shape).toEqual([]);
    expect(t.item()).toBe(2.5);
  });

  it('tensor() rejects a ragged array, naming the index', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/tensor: expected length 2 at index \[1\]/);
    expect(() => tensor([[1, 2], 3] as never)).toThrow(/ragged/);
    expect(() => tensor([1, [2, 3]] as never)).toThrow(/ragged/);
  });

  it('fromData copies flat values into the given shape and checks the count', () => {
    const src = new Float64Array([1, 2, 3, 4]);
    const t = fromData(src, [2, 2]);
    src[0] = 99;
    expect(t.get(0, 0)).toBe(1);
    expect(() => fromData([1, 2, 3], [2, 2])).toThrow(
      /expected 4 values for shape \[2, 2\], received 3/,
    );
  });

  it('zeros, ones, full, zerosLike, onesLike fill as named', () => {
    expect([...zeros([2, 2]).data]).toEqual([0, 0, 0, 0]);
    expect([...ones([3]).data]).toEqual([1, 1, 1]);
    expect([...full([2], 7).data]).toEqual([7, 7]);
    const t = tensor([[1, 2]]);
    expect(zerosLike(t).shape).toEqual([1, 2]);
    expect([...onesLike(t).data]).toEqual([1, 1]);
    expect(ones([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('arange and linspace follow numpy', () => {
    expect([...arange(4).data]).toEqual([0, 1, 2, 3]);
    expect([...arange(1, 2, 0.25).data]).toEqual([1, 1.25, 1.5, 1.75]);
    expect([...arange(3, 0, -1).data]).toEqual([3, 2, 1]);
    expect([...linspace(0, 1, 5).data]).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(0, 1, 1).data[0]).toBe(0);
  });

  it('rejects a negative or fractional size', () => {
    expect(() => zeros([2, -1])).toThrow(ShapeError);
    expect(() => zeros([1.5])).toThrow(ShapeError);
  });
});

describe('reading and writing elements', () => {
  it('get and set address [i, j] at i * cols + j', () => {
    const t = zeros([2, 3]);
    t.set(5, 1, 2);
    expect(t.data[5]).toBe(5);
    expect(t.get(1, 2)).toBe(5);
  });

  it('get rejects an index out of range or of the wrong length', () => {
    const t = zeros([2, 3]);
    expect(() => t.get(2, 0)).toThrow(/out of range for shape \[2, 3\]/);
    expect(() => t.get(0)).toThrow(/expected 2 indices/);
  });

  it('item() needs exactly one element', () => {
    expect(() => zeros([2]).item()).toThrow(
      /item: expected a tensor with one element, received \[2\]/,
    );
    expect(ones([1, 1]).item()).toBe(1);
  });

  it('toArray() gives back the nested arrays', () => {
    const values = [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ];
    expect(tensor(values).toArray()).toEqual(values);
    expect(tensor(3).toArray()).toBe(3);
  });

  it('clone() copies the values; detach() shares them without the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = add(x, 1);
    const c = y.clone();
    c.data[0] = 10;
    expect(y.data[0]).toBe(2);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.parents).toEqual([]);
    expect(d.data).toBe(y.data);
  });

  it('the shape cannot be changed in place', () => {
    const t = zeros([2, 3]);
    expect(() => (t.shape as number[]).push(1)).toThrow();
  });
});

describe('printing', () => {
  it('prints a matrix numpy-style with its shape', () => {
    expect(
      String(
        tensor([
          [0.1, -2],
          [3.5, 4],
        ]),
      ),
    ).toBe('tensor([[ 0.1000, -2.0000],\n        [ 3.5000,  4.0000]], shape=[2, 2])');
  });

  it('prints integers with a trailing point and shows requiresGrad', () => {
    expect(format(tensor([1, 2, 3], { requiresGrad: true }))).toBe(
      'tensor([1., 2., 3.], shape=[3], requiresGrad=true)',
    );
  });

  it('names the op of a graph node', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(String(add(x, x))).toContain('op=add');
  });

  it('separates the matrices of a 3-D tensor by a blank line', () => {
    const s = String(fromData(arange(8).data, [2, 2, 2]));
    expect(s).toBe(
      'tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]], shape=[2, 2, 2])',
    );
  });

  it('switches to scientific notation for very small or large values', () => {
    expect(String(tensor([1e-7, 2e-6]))).toBe('tensor([1.0000e-7, 2.0000e-6], shape=[2])');
    expect(String(tensor([1.5e9, 1]))).toContain('1.5000e+9');
  });

  it('prints nan and inf', () => {
    expect(String(tensor([NaN, Infinity, -Infinity, 0.5]))).toBe(
      'tensor([   nan,    inf,   -inf, 0.5000], shape=[4])',
    );
  });

  it('truncates a large tensor with ... and keeps its shape', () => {
    const s = String(randn([100, 200], new Rng(0)));
    expect(s).toContain('...');
    expect(s.endsWith('shape=[100, 200])')).toBe(true);
    expect(s.split('\n')).toHaveLength(7); // 3 rows, '...', 3 rows
    expect(s.length).toBeLessThan(1000);
  });

  it('wraps a long row of a small tensor', () => {
    const lines = String(arange(0, 3, 0.01)).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(82);
  });
});

describe('Tensor constructor', () => {
  it('wraps the given storage without copying', () => {
    const data = new Float64Array(6);
    const t = new Tensor(data, [2, 3]);
    expect(t.data).toBe(data);
  });
});
