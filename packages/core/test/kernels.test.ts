import { afterEach, describe, expect, it } from 'vitest';
import { maxRelError } from '../src/compare';
import { blockedKernel, getMatmulKernel, referenceKernel, setMatmulKernel } from '../src/kernels/matmul';
import type { MatmulKernel } from '../src/kernels/matmul';
import { Rng, randn } from '../src/random';
import { Tensor } from '../src/tensor';
import { matmul } from '../src/ops/matmul';
import { sum } from '../src/ops/reduce';

function run(kernel: MatmulKernel, a: Float64Array, b: Float64Array, M: number, K: number, N: number): Float64Array {
  const out = new Float64Array(M * N).fill(NaN); // the kernel must overwrite every entry
  kernel.matmul(a, b, out, M, K, N);
  return out;
}

describe('matmul kernels', () => {
  afterEach(() => {
    setMatmulKernel(blockedKernel);
  });

  it('the blocked kernel is the default', () => {
    expect(getMatmulKernel()).toBe(blockedKernel);
  });

  it('the reference kernel computes the textbook product', () => {
    const a = new Float64Array([1, 2, 3, 4, 5, 6]); // [2, 3]
    const b = new Float64Array([7, 8, 9, 10, 11, 12]); // [3, 2]
    expect([...run(referenceKernel, a, b, 2, 3, 2)]).toEqual([58, 64, 139, 154]);
  });

  const sizes = [1, 2, 3, 4, 5, 7, 8, 17, 33];
  it('blocked and reference agree on odd sizes (every M, K, N in 1, 2, 3, 4, 5, 7, 8, 17, 33)', () => {
    const rng = new Rng(11);
    let worst = 0;
    for (const M of sizes) {
      for (const K of sizes) {
        for (const N of sizes) {
          const a = randn([M, K], rng).data;
          const b = randn([K, N], rng).data;
          const ref = run(referenceKernel, a, b, M, K, N);
          const fast = run(blockedKernel, a, b, M, K, N);
          worst = Math.max(worst, maxRelError(new Tensor(ref, [M, N]), new Tensor(fast, [M, N])));
        }
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('agree on a larger rectangular product', () => {
    const rng = new Rng(12);
    const [M, K, N] = [67, 129, 45];
    const a = randn([M, K], rng).data;
    const b = randn([K, N], rng).data;
    const ref = run(referenceKernel, a, b, M, K, N);
    const fast = run(blockedKernel, a, b, M, K, N);
    expect(maxRelError(new Tensor(ref, [M, N]), new Tensor(fast, [M, N]))).toBeLessThan(1e-12);
  });

  it('setMatmulKernel switches what matmul uses and returns the previous kernel', () => {
    let calls = 0;
    const counting: MatmulKernel = {
      name: 'counting',
      matmul(a, b, out, M, K, N) {
        calls++;
        referenceKernel.matmul(a, b, out, M, K, N);
      },
    };
    expect(setMatmulKernel(counting)).toBe(blockedKernel);
    const x = randn([3, 4], new Rng(0), { requiresGrad: true });
    const W = randn([4, 2], new Rng(1), { requiresGrad: true });
    sum(matmul(x, W)).backward();
    expect(calls).toBe(3); // forward, dx, dW
  });

  it('matmul gives the same values and gradients under either kernel', () => {
    const results = [referenceKernel, blockedKernel].map((k) => {
      setMatmulKernel(k);
      const x = randn([2, 5, 7], new Rng(3), { requiresGrad: true });
      const W = randn([7, 9], new Rng(4), { requiresGrad: true });
      const y = matmul(x, W);
      sum(y).backward();
      return [y, x.grad!, W.grad!];
    });
    for (let i = 0; i < 3; i++) expect(maxRelError(results[0]![i]!, results[1]![i]!)).toBeLessThan(1e-12);
  });
});
