import { describe, expect, it } from 'vitest';
import {
  Rng,
  ShapeError,
  add,
  dropout,
  dropoutMask,
  gradcheck,
  matmul,
  mul,
  noGrad,
  randn,
  reverseSequence,
  sum,
  tanh,
  tensor,
  vjp,
} from '../src/index';
import type { Tensor } from '../src/index';

describe('reverseSequence', () => {
  const x = tensor([
    [[1], [2], [3], [4]],
    [[5], [6], [7], [8]],
  ]); // [2, 4, 1]

  it('reverses each row within its length and leaves the padding in place', () => {
    expect(reverseSequence(x, [3, 0]).toArray()).toEqual([
      [[3], [2], [1], [4]],
      [[5], [6], [7], [8]],
    ]);
    expect(reverseSequence(x).toArray()).toEqual([
      [[4], [3], [2], [1]],
      [[8], [7], [6], [5]],
    ]);
  });

  it('is its own inverse, and its gradient is the reversed upstream gradient', () => {
    const rng = new Rng(1);
    const a = randn([3, 5, 2], rng, { requiresGrad: true });
    const lengths = [5, 2, 1];
    expect(reverseSequence(reverseSequence(a, lengths), lengths).data).toEqual(a.data);
    const report = gradcheck((t) => reverseSequence(t, lengths), [a]);
    expect(report.ok).toBe(true);
  });

  it('names the op and the shapes on bad input', () => {
    expect(() => reverseSequence(tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => reverseSequence(x, [1])).toThrow(/reverseSequence: expected 2 lengths/);
    expect(() => reverseSequence(x, [5, 1])).toThrow(/length 5 at 0 is outside 0..4/);
  });
});

describe('dropoutMask and dropout', () => {
  it('keeps each entry with probability 1 − p and scales the kept ones by 1 / (1 − p)', () => {
    const mask = dropoutMask([200, 50], 0.25, new Rng(3));
    const kept = Array.from(mask.data).filter((v) => v !== 0);
    expect(kept.every((v) => v === 1 / 0.75)).toBe(true);
    // 10 000 Bernoulli(0.75) draws: the kept fraction is 0.75 ± 0.013 (3 standard deviations).
    expect(Math.abs(kept.length / mask.size - 0.75)).toBeLessThan(0.013);
  });

  it('draws the same mask from generators in the same state, one uniform per element', () => {
    const a = new Rng(9);
    const b = new Rng(9);
    const mask = dropoutMask([3, 4], 0.5, a);
    const expected = Array.from({ length: 12 }, () => (b.uniform() >= 0.5 ? 2 : 0));
    expect(Array.from(mask.data)).toEqual(expected);
    expect(a.uniform()).toBe(b.uniform()); // both advanced by exactly 12 draws
  });

  it('p = 0 keeps everything without drawing; the gradient of dropout is the mask', () => {
    const rng = new Rng(4);
    const before = new Rng(4).uniform();
    expect(Array.from(dropoutMask([2, 2], 0, rng).data)).toEqual([1, 1, 1, 1]);
    expect(rng.uniform()).toBe(before);
    const x = randn([4, 3], new Rng(5), { requiresGrad: true });
    const { out, mask } = dropout(x, 0.5, new Rng(6));
    sum(out).backward();
    expect(x.grad?.data).toEqual(mask.data);
    expect(() => dropoutMask([2], 1, rng)).toThrow(/p must be in \[0, 1\)/);
  });
});

describe('vjp', () => {
  const f = (x: Tensor, W: Tensor): Tensor => tanh(add(matmul(x, W), 1)); // [N, H]

  it('returns the gradients autograd gives, named d + input, without touching the inputs', () => {
    const rng = new Rng(7);
    const x = randn([2, 3], rng, { requiresGrad: true });
    const W = randn([3, 4], rng, { requiresGrad: true });
    const dout = randn([2, 4], rng);
    const grads = vjp(f, { x, W }, dout);
    expect(x.grad).toBeNull();
    expect(W.grad).toBeNull();
    sum(mul(f(x, W), dout)).backward(); // the same gradients, on the caller's tensors
    expect(grads.dx?.data).toEqual(x.grad?.data);
    expect(grads.dW?.data).toEqual(W.grad?.data);
  });

  it('records its own graph inside noGrad, and gives zeros for an unused input', () => {
    const rng = new Rng(8);
    const x = randn([2, 3], rng);
    const W = randn([3, 4], rng);
    const unused = randn([5], rng);
    const grads = noGrad(() => vjp((a, b) => sum(f(a as Tensor, b as Tensor)), { x, W, unused }));
    expect(Array.from(grads.dunused?.data ?? [])).toEqual([0, 0, 0, 0, 0]);
    expect(Math.max(...Array.from(grads.dW?.data ?? []).map(Math.abs))).toBeGreaterThan(0);
  });

  it('names the shapes when dout does not fit the output', () => {
    const rng = new Rng(9);
    expect(() =>
      vjp(f, { x: randn([2, 3], rng), W: randn([3, 4], rng) }, randn([4, 2], rng)),
    ).toThrow(/vjp: expected dout \[2, 4\]/);
  });
});
