import { describe, expect, it } from 'vitest';
import { formatGradcheckReport, gradcheck } from '../src/gradcheck';
import type { GradcheckOptions } from '../src/gradcheck';
import { Rng, randn, randu } from '../src/random';
import type { Tensor } from '../src/tensor';
import {
  abs,
  add,
  div,
  exp,
  log,
  mul,
  neg,
  pow,
  relu,
  scale,
  sigmoid,
  sqrt,
  square,
  sub,
  tanh,
} from '../src/ops/elementwise';
import { max, mean, sum } from '../src/ops/reduce';
import { concat, narrow, permute, reshape, split, stack, transpose } from '../src/ops/shape';
import { matmul } from '../src/ops/matmul';
import { logSoftmax, softmax } from '../src/ops/softmax';
import { crossEntropy } from '../src/ops/loss';
import { embedding, gatherRows, stepsToSequence, timeStep } from '../src/ops/sequence';
import { tensor } from '../src/tensor';

const rng = new Rng(2024);
/** A standard-normal tensor that requires grad. */
const r = (...shape: number[]): Tensor => randn(shape, rng, { requiresGrad: true });
/** A positive tensor in [0.5, 2) that requires grad (for log, sqrt, div, pow). */
const pos = (...shape: number[]): Tensor =>
  randu(shape, rng, { low: 0.5, high: 2, requiresGrad: true });

/** Asserts gradcheck passes, printing the per-input report when it does not. */
function expectGradOk(
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  opts: GradcheckOptions = {},
): void {
  const report = gradcheck(f, inputs, { rng: new Rng(1), ...opts });
  expect(report.ok, formatGradcheckReport(report)).toBe(true);
  for (const input of report.inputs) expect(input.maxRelError).toBeLessThan(1e-6);
}

describe('gradcheck of elementwise ops (float64, eps 1e-6)', () => {
  const unaryCases: Array<[string, (a: Tensor) => Tensor, () => Tensor]> = [
    ['neg', neg, () => r(3, 4)],
    ['exp', exp, () => r(3, 4)],
    ['log', log, () => pos(3, 4)],
    ['sqrt', sqrt, () => pos(3, 4)],
    ['square', square, () => r(3, 4)],
    ['abs', abs, () => pos(3, 4)],
    ['tanh', tanh, () => r(3, 4)],
    ['sigmoid', sigmoid, () => r(3, 4)],
    ['relu', relu, () => pos(3, 4)],
    ['pow 3', (a) => pow(a, 3), () => r(3, 4)],
    ['pow -1.5', (a) => pow(a, -1.5), () => pos(3, 4)],
    ['scale', (a) => scale(a, -2.5), () => r(3, 4)],
  ];
  for (const [name, f, make] of unaryCases) {
    it(`${name}`, () => expectGradOk(f, [make()]));
  }

  it('relu and abs on mixed signs (away from the kink at 0)', () => {
    const x = tensor(
      [
        [-1.5, 0.3],
        [2, -0.7],
      ],
      { requiresGrad: true },
    );
    expectGradOk(relu, [x]);
    expectGradOk(abs, [x]);
  });

  const binaryCases: Array<[string, (a: Tensor, b: Tensor) => Tensor]> = [
    ['add', add],
    ['sub', sub],
    ['mul', mul],
    ['div', div],
  ];
  for (const [name, f] of binaryCases) {
    it(`${name}, same shapes`, () => expectGradOk(f, [r(2, 3), pos(2, 3)]));
    it(`${name}, broadcasting [N, T, H] with [H] (bias)`, () =>
      expectGradOk(f, [r(2, 3, 4), pos(4)]));
    it(`${name}, broadcasting [2, 1, 4] with [3, 1] both ways`, () =>
      expectGradOk(f, [pos(2, 1, 4), pos(3, 1)]));
    it(`${name}, with a scalar tensor`, () => expectGradOk(f, [r(2, 3), pos()]));
  }

  it('a constant number operand gets no gradient, the tensor one does', () => {
    expectGradOk((a) => sub(1, a), [r(2, 2)]);
    expectGradOk((a) => div(a, 3), [r(2, 2)]);
  });
});

describe('gradcheck of reductions', () => {
  it('sum over all, one axis, several axes, negative axis, keepDims', () => {
    expectGradOk((a) => sum(a), [r(2, 3, 4)]);
    expectGradOk((a) => sum(a, 1), [r(2, 3, 4)]);
    expectGradOk((a) => sum(a, [0, 2]), [r(2, 3, 4)]);
    expectGradOk((a) => sum(a, -1, true), [r(2, 3, 4)]);
  });
  it('mean', () => {
    expectGradOk((a) => mean(a), [r(2, 3)]);
    expectGradOk((a) => mean(a, 0, true), [r(2, 3)]);
  });
  it('max (distinct values)', () => {
    expectGradOk((a) => max(a, 1), [r(3, 5)]);
    expectGradOk((a) => max(a), [r(3, 5)]);
  });
});

describe('gradcheck of shape ops', () => {
  it('reshape (with -1), permute, transpose', () => {
    expectGradOk((a) => reshape(a, [4, -1]), [r(2, 3, 2)]);
    expectGradOk((a) => permute(a, [2, 0, 1]), [r(2, 3, 4)]);
    expectGradOk(transpose, [r(2, 3, 4)]);
  });
  it('concat and stack on several axes', () => {
    expectGradOk((a, b) => concat([a, b], 1), [r(2, 3, 2), r(2, 1, 2)]);
    expectGradOk((a, b) => concat([a, b, a], -1), [r(2, 3), r(2, 2)]);
    expectGradOk((a, b) => stack([a, b], 0), [r(2, 3), r(2, 3)]);
    expectGradOk((a, b) => stack([a, b], 2), [r(2, 3), r(2, 3)]);
  });
  it('narrow and split (a gate block)', () => {
    expectGradOk((a) => narrow(a, 1, 2, 2), [r(3, 8)]);
    expectGradOk(
      (a) => {
        const [i, f, g, o] = split(a, 2, 1) as [Tensor, Tensor, Tensor, Tensor];
        return add(mul(sigmoid(i), tanh(g)), mul(sigmoid(f), sigmoid(o)));
      },
      [r(3, 8)],
    );
  });
  it('timeStep and stepsToSequence', () => {
    expectGradOk((x) => timeStep(x, 1), [r(2, 3, 4)]);
    expectGradOk((a, b) => stepsToSequence([a, b, a]), [r(2, 4), r(2, 4)]);
  });
});

describe('gradcheck of matmul', () => {
  it('[M, K] x [K, N]', () => expectGradOk(matmul, [r(3, 5), r(5, 2)]));
  it('[N, T, H] x [H, V] (temporal affine)', () => expectGradOk(matmul, [r(2, 3, 4), r(4, 5)]));
  it('batched [B, M, K] x [B, K, N]', () => expectGradOk(matmul, [r(2, 3, 4), r(2, 4, 2)]));
  it('broadcast batch axes [2, 1, M, K] x [3, K, N]', () =>
    expectGradOk(matmul, [r(2, 1, 3, 4), r(3, 4, 2)]));
  it('vector operands [K] x [K, N] and [M, K] x [K]', () => {
    expectGradOk(matmul, [r(4), r(4, 3)]);
    expectGradOk(matmul, [r(3, 4), r(4)]);
  });
  it('one RNN step h = tanh(x Wx + h Wh + b)', () => {
    const step = (x: Tensor, h: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): Tensor =>
      tanh(add(add(matmul(x, Wx), matmul(h, Wh)), b));
    expectGradOk(step, [r(2, 3), r(2, 4), r(3, 4), r(4, 4), r(4)]);
  });
});

describe('gradcheck of softmax, logSoftmax, crossEntropy, embedding', () => {
  it('softmax and logSoftmax on the last and a middle axis', () => {
    expectGradOk((a) => softmax(a), [r(2, 3, 4)]);
    expectGradOk((a) => softmax(a, 1), [r(2, 3, 4)]);
    expectGradOk((a) => logSoftmax(a), [r(2, 3, 4)]);
    expectGradOk((a) => logSoftmax(a, 0), [r(2, 3, 4)]);
  });
  it('crossEntropy with each reduction and with a mask', () => {
    const targets = [
      [0, 3, 1],
      [2, 2, 0],
    ];
    const mask = tensor([
      [1, 1, 0],
      [1, 0, 0],
    ]);
    expectGradOk((x) => crossEntropy(x, targets), [r(2, 3, 4)]);
    expectGradOk((x) => crossEntropy(x, targets, { reduction: 'sum' }), [r(2, 3, 4)]);
    expectGradOk((x) => crossEntropy(x, targets, { mask, reduction: 'sum' }), [r(2, 3, 4)]);
    expectGradOk((x) => crossEntropy(x, targets, { mask }), [r(2, 3, 4)]);
  });
  it('embedding with repeated ids', () => {
    expectGradOk(
      (W) =>
        embedding(W, [
          [1, 3, 1],
          [0, 1, 4],
        ]),
      [r(5, 3)],
    );
    expectGradOk((W) => gatherRows(W, [2, 2, 0]), [r(4, 2)]);
  });
});

describe('random-direction mode', () => {
  it('passes for a correct gradient on a larger input', () => {
    expectGradOk((x, W) => tanh(matmul(x, W)), [r(6, 20), r(20, 10)], { mode: 'random-direction' });
  });
});
