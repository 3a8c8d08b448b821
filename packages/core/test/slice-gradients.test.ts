import { describe, expect, it } from 'vitest';
import { mul } from '../src/ops/elementwise';
import { sum } from '../src/ops/reduce';
import { timeStep } from '../src/ops/sequence';
import { narrow, stack } from '../src/ops/shape';
import { arange, fromData, tensor } from '../src/tensor';

// timeStep and narrow add their gradient into the slice they read (accumulateSlice), so that
// slicing one tensor at every time step costs O(slice) per step instead of O(whole tensor).
describe('gradients of slices', () => {
  it('every time step of x gets the gradient of its own slice', () => {
    const x = fromData(arange(12).data, [2, 3, 2], { requiresGrad: true }); // [N, T, D]
    const w = [tensor([1, 2]), tensor([10, 20]), tensor([100, 200])]; // one weight per step
    sum(
      stack(
        [0, 1, 2].map((t) => sum(mul(timeStep(x, t), w[t]!))),
        0,
      ),
    ).backward();
    expect(x.grad?.toArray()).toEqual([
      [
        [1, 2],
        [10, 20],
        [100, 200],
      ],
      [
        [1, 2],
        [10, 20],
        [100, 200],
      ],
    ]);
  });

  it('overlapping narrows add up, and a leaf keeps accumulating across backward calls', () => {
    const a = tensor([1, 2, 3, 4], { requiresGrad: true });
    const f = () => sum(mul(narrow(a, 0, 0, 3), tensor([1, 1, 1])));
    const g = () => sum(mul(narrow(a, 0, 2, 2), tensor([5, 5])));
    sum(stack([f(), g()], 0)).backward();
    expect(Array.from(a.grad!.data)).toEqual([1, 1, 6, 5]);
    g().backward();
    expect(Array.from(a.grad!.data)).toEqual([1, 1, 11, 10]);
  });

  it('an intermediate tensor sliced twice gets a fresh gradient on every backward walk', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = mul(a, tensor([2, 2, 2])); // intermediate
    const loss = () => sum(stack([sum(narrow(b, 0, 0, 2)), sum(narrow(b, 0, 1, 2))], 0));
    const l = loss();
    l.backward();
    expect(Array.from(a.grad!.data)).toEqual([2, 4, 2]);
    l.backward(); // same graph again: the leaf accumulates, b's buffer starts from zero
    expect(Array.from(a.grad!.data)).toEqual([4, 8, 4]);
  });
});
