import { describe, expect, it } from 'vitest';
import * as core from '../src/index';

describe('the public API (src/index.ts)', () => {
  it('exports every function and class the course contract lists', () => {
    const names = [
      'ShapeError',
      'NotImplementedError',
      'notImplemented',
      'assertShape',
      'Tensor',
      'tensor',
      'fromData',
      'zeros',
      'ones',
      'full',
      'zerosLike',
      'onesLike',
      'arange',
      'linspace',
      'Rng',
      'randn',
      'randu',
      'noGrad',
      'isGradEnabled',
      'add',
      'sub',
      'mul',
      'div',
      'neg',
      'exp',
      'log',
      'sqrt',
      'square',
      'abs',
      'tanh',
      'sigmoid',
      'relu',
      'pow',
      'scale',
      'matmul',
      'transpose',
      'permute',
      'reshape',
      'sum',
      'mean',
      'max',
      'softmax',
      'logSoftmax',
      'concat',
      'stack',
      'split',
      'narrow',
      'timeStep',
      'stepsToSequence',
      'embedding',
      'gatherRows',
      'oneHot',
      'crossEntropy',
      'clipGradNormInPlace',
      'allClose',
      'maxRelError',
      'relativeError',
      'format',
      'customOp',
      'centralDifferences',
      'numericalGradient',
      'numericalGradientOfOutput',
      'gradcheck',
      'GRADCHECK_DEFAULTS',
      'uniformRnnInit',
      'xavierUniform',
      'orthogonal',
      'SGD',
      'Adam',
      'shuffledIndices',
      'batches',
      'referenceKernel',
      'blockedKernel',
      'setMatmulKernel',
      'getMatmulKernel',
    ];
    const missing = names.filter((n) => (core as Record<string, unknown>)[n] === undefined);
    expect(missing).toEqual([]);
  });

  it('format(t) and t.toString() are the same print', () => {
    const t = core.tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(core.format(t)).toBe(t.toString());
  });

  it('a small model trains end to end through the index: loss goes down', () => {
    const rng = new core.Rng(0);
    const x = core.randn([8, 3], rng);
    const targets = [0, 1, 2, 0, 1, 2, 0, 1];
    const W = core.randn([3, 3], rng, { std: 0.1, requiresGrad: true });
    const b = core.zeros([3], { requiresGrad: true });
    const lossAt = (): number => core.crossEntropy(core.add(core.matmul(x, W), b), targets).item();
    const before = lossAt();
    for (let step = 0; step < 50; step++) {
      W.zeroGrad();
      b.zeroGrad();
      core.crossEntropy(core.add(core.matmul(x, W), b), targets).backward();
      core.noGrad(() => {
        for (const p of [W, b])
          for (let i = 0; i < p.size; i++) p.data[i]! -= 0.5 * p.grad!.data[i]!;
      });
    }
    expect(lossAt()).toBeLessThan(before * 0.8);
  });
});
