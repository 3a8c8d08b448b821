import { describe, expect, it } from 'vitest';
import { maxRelError } from '../src/compare';
import { customOp } from '../src/custom-op';
import { gradcheck } from '../src/gradcheck';
import { Rng, randn } from '../src/random';
import { Tensor, tensor } from '../src/tensor';
import { add, mul, sub, tanh } from '../src/ops/elementwise';
import { sum } from '../src/ops/reduce';
import { matmul } from '../src/ops/matmul';
import { transpose } from '../src/ops/shape';

interface StepCache {
  x: Tensor;
  prevH: Tensor;
  Wx: Tensor;
  Wh: Tensor;
  nextH: Tensor;
}

/** One RNN step written CS231n style: forward -> { out, cache }, backward -> named grads. */
const rnnStep = customOp({
  name: 'rnnStep',
  inputs: ['x', 'prevH', 'Wx', 'Wh', 'b'],
  forward: (x, prevH, Wx, Wh, b) => {
    const nextH = tanh(add(add(matmul(x!, Wx!), matmul(prevH!, Wh!)), b!)); // [N, H]
    return { out: nextH, cache: { x, prevH, Wx, Wh, nextH } };
  },
  backward: (dnextH, c: StepCache) => {
    const da = mul(dnextH, sub(1, mul(c.nextH, c.nextH))); // tanh' = 1 - h^2
    return {
      dx: matmul(da, transpose(c.Wx)),
      dprevH: matmul(da, transpose(c.Wh)),
      dWx: matmul(transpose(c.x), da),
      dWh: matmul(transpose(c.prevH), da),
      db: sum(da, 0),
    };
  },
});

const rng = new Rng(7);
const inputs = (): Tensor[] =>
  [[2, 3], [2, 4], [3, 4], [4, 4], [4]].map((s) => randn(s, rng, { requiresGrad: true }));

describe('customOp', () => {
  it('builds one graph node whose gradients pass gradcheck', () => {
    const report = gradcheck(rnnStep, inputs(), { names: ['x', 'prevH', 'Wx', 'Wh', 'b'] });
    expect(report.ok).toBe(true);
    expect(report.inputs.map((r) => r.name)).toEqual(['x', 'prevH', 'Wx', 'Wh', 'b']);
  });

  it('records a node named after the op, and composes with autograd over two steps', () => {
    const [x, h0, Wx, Wh, b] = inputs() as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const h1 = rnnStep(x, h0, Wx, Wh, b);
    expect(h1.op).toBe('rnnStep');
    expect(h1.parents).toEqual([x, h0, Wx, Wh, b]);
    sum(rnnStep(x, h1, Wx, Wh, b)).backward();
    const handWritten = Wh.grad!.clone();
    // the same two steps through autograd alone
    const [x2, h02, Wx2, Wh2, b2] = [x, h0, Wx, Wh, b].map(
      (t) => new Tensor(t.data.slice(), t.shape, true),
    ) as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const step = (h: Tensor): Tensor => tanh(add(add(matmul(x2, Wx2), matmul(h, Wh2)), b2));
    sum(step(step(h02))).backward();
    expect(maxRelError(handWritten, Wh2.grad!)).toBeLessThan(1e-12);
  });

  it('hands forward and backward detached tensors', () => {
    let seen: Tensor[] = [];
    const op = customOp({
      name: 'double',
      inputs: ['x'],
      forward: (x) => {
        seen = [x!];
        return { out: mul(x!, 2), cache: null };
      },
      backward: (dout) => {
        seen.push(dout);
        return { dx: mul(dout, 2) };
      },
    });
    const x = tensor([1, 2], { requiresGrad: true });
    sum(op(x)).backward();
    expect(seen.every((t) => !t.requiresGrad && t.parents.length === 0)).toBe(true);
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });

  it('returns a plain tensor when no input requires grad', () => {
    const y = rnnStep(...inputs().map((t) => t.detach()));
    expect(y.requiresGrad).toBe(false);
  });

  it('a missing gradient key throws, naming the op and the key', () => {
    const op = customOp({
      name: 'affine',
      inputs: ['x', 'W'],
      forward: (x, W) => ({ out: matmul(x!, W!), cache: null }),
      backward: () => ({ dx: tensor([[0, 0]]) }),
    });
    const y = op(
      tensor([[1, 2]], { requiresGrad: true }),
      tensor([[1], [2]], { requiresGrad: true }),
    );
    expect(() => sum(y).backward()).toThrow(
      "affine: backward returned no gradient 'dW' for input W [2, 1] (keys returned: dx)",
    );
  });

  it('a wrong-shaped gradient throws, naming the op, the key and both shapes', () => {
    const op = customOp({
      name: 'affine',
      inputs: ['x', 'W'],
      forward: (x, W) => ({ out: matmul(x!, W!), cache: null }),
      backward: () => ({ dx: tensor([[0, 0]]), dW: tensor([[0, 0]]) }),
    });
    const y = op(
      tensor([[1, 2]], { requiresGrad: true }),
      tensor([[1], [2]], { requiresGrad: true }),
    );
    expect(() => sum(y).backward()).toThrow(
      "affine: expected gradient 'dW' of shape [2, 1] (the shape of W), received [1, 2]",
    );
  });

  it('checks the number of inputs', () => {
    expect(() => rnnStep(tensor([1]))).toThrow(
      'rnnStep: expected 5 inputs (x, prevH, Wx, Wh, b), received 1',
    );
  });
});
