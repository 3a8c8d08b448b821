import { describe, expect, it } from 'vitest';
import {
  accumulateSlice,
  isGradEnabled,
  noGrad,
  topologicalSort,
  withoutAutograd,
} from '../src/autograd';
import { tensor } from '../src/tensor';
import { add, mul, tanh } from '../src/ops/elementwise';
import { sum } from '../src/ops/reduce';
import { matmul } from '../src/ops/matmul';
import { timeStep } from '../src/ops/sequence';
import { narrow } from '../src/ops/shape';

describe('backward', () => {
  it('applies the chain rule through a small graph (micrograd example)', () => {
    // f = (a b + a)^2 summed; df/da = 2 (a b + a)(b + 1), df/db = 2 (a b + a) a
    const a = tensor([2, -1], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const y = add(mul(a, b), a);
    sum(mul(y, y)).backward();
    expect(a.grad!.toArray()).toEqual([2 * 8 * 4, 2 * -5 * 5]);
    expect(b.grad!.toArray()).toEqual([2 * 8 * 2, 2 * -5 * -1]);
  });

  it('sums the gradients of a tensor used twice', () => {
    const x = tensor([3], { requiresGrad: true });
    add(x, x).backward();
    expect(x.grad!.item()).toBe(2);
  });

  it('accumulates into .grad across backward calls until zeroGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    sum(mul(x, 3)).backward();
    sum(mul(x, 3)).backward();
    expect(x.grad!.toArray()).toEqual([6, 6]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    sum(mul(x, 3)).backward();
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });

  it('a second backward through the same graph adds the same leaf gradient once more', () => {
    const x = tensor([2], { requiresGrad: true });
    const h = mul(x, x).retainGrad(); // intermediate node, its gradient kept
    const loss = mul(h, 3);
    loss.backward();
    loss.backward();
    expect(x.grad!.item()).toBe(2 * 12); // 12 per call, intermediate grads not double counted
    expect(h.grad!.item()).toBe(3); // a retained intermediate holds its gradient from the last walk
  });

  it('drops an intermediate gradient once it is passed on, unless retained (as PyTorch)', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const h = mul(x, 2); // intermediate, not retained
    const kept = mul(h, 3).retainGrad(); // intermediate, retained
    const loss = sum(kept);
    loss.backward();
    expect(h.grad).toBeNull();
    expect(loss.grad).toBeNull();
    expect(kept.grad!.toArray()).toEqual([1, 1, 1]);
    expect(x.grad!.toArray()).toEqual([6, 6, 6]);
  });

  it('takes an upstream gradient for a non-scalar output', () => {
    const x = tensor([[1, 2]], { requiresGrad: true });
    const W = tensor(
      [
        [1, 0, 2],
        [0, 1, 3],
      ],
      { requiresGrad: true },
    );
    matmul(x, W).backward(tensor([[1, 1, 1]]));
    expect(x.grad!.toArray()).toEqual([[3, 4]]);
    expect(W.grad!.toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });

  it('needs a grad argument for a non-scalar output, of the right shape', () => {
    const y = mul(tensor([1, 2], { requiresGrad: true }), 2);
    expect(() => y.backward()).toThrow(
      /backward: expected a one-element tensor, or a grad argument, received shape \[2\]/,
    );
    expect(() => y.backward(tensor([1]))).toThrow(/backward: expected grad \[2\], received \[1\]/);
  });

  it('refuses backward on a tensor outside any graph', () => {
    expect(() => sum(tensor([1, 2])).backward()).toThrow(/does not require grad/);
  });

  it('does not record ops whose inputs do not require grad', () => {
    const c = tensor([1, 2]);
    const x = tensor([1, 2], { requiresGrad: true });
    const y = mul(c, 2);
    expect(y.requiresGrad).toBe(false);
    expect(y.parents).toEqual([]);
    sum(mul(x, c)).backward();
    expect(c.grad).toBeNull();
  });

  it('walks a graph thousands of steps deep without overflowing the stack', () => {
    const w = tensor([0.5], { requiresGrad: true });
    let h = tensor([1]);
    for (let t = 0; t < 8000; t++) h = tanh(mul(h, w)); // 16000 nodes in a chain
    sum(h).backward();
    expect(Number.isFinite(w.grad!.item())).toBe(true);
  });

  it('orders every node after its parents', () => {
    const a = tensor([1], { requiresGrad: true });
    const b = mul(a, 2);
    const c = add(b, a);
    const order = topologicalSort(c);
    expect(order).toEqual([a, b, c]);
  });
});

describe('noGrad', () => {
  it('switches recording off inside and restores it after, even on a throw', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return mul(x, 2);
    });
    expect(y.requiresGrad).toBe(false);
    expect(isGradEnabled()).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('nests', () => {
    noGrad(() => noGrad(() => undefined));
    expect(isGradEnabled()).toBe(true);
  });
});

describe('withoutAutograd', () => {
  const reason =
    "this exercise asks for a hand-derived backward; the core's autograd is switched off here";

  it('refuses to build a graph, to run backward and to accumulate, naming the op and the reason', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = sum(mul(x, x));
    expect(() => withoutAutograd(reason, () => mul(x, 3))).toThrow(
      `mul on a tensor that requires grad: ${reason}`,
    );
    expect(() => withoutAutograd(reason, () => y.backward())).toThrow(`backward: ${reason}`);
    expect(() => withoutAutograd(reason, () => y.backwardFn?.(new Float64Array([1])))).toThrow(
      `accumulating a gradient: ${reason}`,
    );
    expect(x.grad).toBeNull();
  });

  it('lets ops on tensors that need no gradient run, and switches autograd back on afterwards', () => {
    const a = tensor([1, 2]);
    const doubled = withoutAutograd(reason, () => mul(a, 2));
    expect(Array.from(doubled.data)).toEqual([2, 4]);
    const x = tensor([3], { requiresGrad: true });
    expect(() => withoutAutograd(reason, () => mul(x, x))).toThrow(reason);
    const y = mul(x, x);
    y.backward();
    expect(x.grad?.item()).toBe(6);
  });

  it('cannot be switched back on from inside: nesting keeps the outer reason, noGrad changes nothing', () => {
    const x = tensor([1], { requiresGrad: true });
    expect(() =>
      withoutAutograd(reason, () =>
        withoutAutograd('inner', () => noGrad(() => 0) + mul(x, 2).item()),
      ),
    ).toThrow(`mul on a tensor that requires grad: ${reason}`);
    expect(() =>
      withoutAutograd(reason, () => {
        withoutAutograd('inner', () => 0);
        return mul(x, 2);
      }),
    ).toThrow(reason);
  });
});

describe('accumulateSlice (slices of a sequence)', () => {
  it('reading every step of a sequence gives the gradient of the whole, and leaves keep accumulating', () => {
    const x = tensor(
      [
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ],
      { requiresGrad: true },
    ); // [1, 3, 2]
    // Step t weighted by t + 1: d/dx = [[1, 1], [2, 2], [3, 3]], from three in-place additions.
    const steps = [0, 1, 2].map((t) => mul(timeStep(x, t), t + 1));
    sum(add(add(steps[0]!, steps[1]!), steps[2]!)).backward();
    expect(x.grad!.toArray()).toEqual([
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
    ]);
    sum(narrow(x, 1, 1, 2)).backward(); // steps 1 and 2 once more
    expect(x.grad!.toArray()).toEqual([
      [
        [1, 1],
        [3, 3],
        [4, 4],
      ],
    ]);
  });

  it('an intermediate read in slices gets a fresh gradient on every backward walk', () => {
    const w = tensor([1, 2, 3, 4], { requiresGrad: true });
    const y = mul(w, 2).retainGrad(); // intermediate node, read twice in slices below
    const loss = add(sum(narrow(y, 0, 0, 2)), sum(narrow(y, 0, 2, 2)));
    loss.backward();
    loss.backward();
    expect(w.grad!.toArray()).toEqual([4, 4, 4, 4]); // 2 per walk, not 2 + 4
    expect(y.grad!.toArray()).toEqual([1, 1, 1, 1]);
  });

  it('does nothing for a tensor that does not require grad', () => {
    const t = tensor([1, 2]);
    accumulateSlice(t, (g) => g.fill(5));
    expect(t.grad).toBeNull();
  });
});
