import { afterEach, describe, expect, it } from 'vitest';
import { maxRelError } from '../src/compare';
import {
  blockedKernel,
  getMatmulKernel,
  referenceKernel,
  setMatmulKernel,
} from '../src/kernels/matmul';
import type { MatmulKernel } from '../src/kernels/matmul';
import { Rng, randn } from '../src/random';
import { matmul } from '../src/ops/matmul';
import { sum } from '../src/ops/reduce';

function run(
  kernel: MatmulKernel,
  a: Float64Array,
  b: Float64Array,
  M: number,
  K: number,
  N: number,
): Float64Array {
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

  /** Entries where two results differ bit for bit (Object.is, so -0 and 0 count as different). */
  function bitDiffs(x: Float64Array, y: Float64Array): number {
    let n = 0;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) n++;
    return n;
  }

  const sizes = [1, 2, 3, 4, 5, 7, 8, 17, 33];
  it('blocked and reference agree bit for bit on odd sizes (every M, K, N in 1, 2, 3, 4, 5, 7, 8, 17, 33)', () => {
    // M covers full 4-row panels plus 1-3 leftover rows (and M < 4: leftover rows only), K covers
    // the leftover-row path's k remainder, N a last b panel 1-3 columns wide.
    const rng = new Rng(11);
    let diffs = 0;
    for (const M of sizes) {
      for (const K of sizes) {
        for (const N of sizes) {
          const a = randn([M, K], rng).data;
          const b = randn([K, N], rng).data;
          diffs += bitDiffs(run(referenceKernel, a, b, M, K, N), run(blockedKernel, a, b, M, K, N));
        }
      }
    }
    expect(diffs).toBe(0);
  });

  it('agree bit for bit on larger rectangular products, with leftover rows and columns', () => {
    const rng = new Rng(12);
    for (const [M, K, N] of [
      [67, 129, 45],
      [32, 256, 64],
      [1, 130, 70],
      [6, 64, 9],
    ] as const) {
      const a = randn([M, K], rng).data;
      const b = randn([K, N], rng).data;
      expect(bitDiffs(run(referenceKernel, a, b, M, K, N), run(blockedKernel, a, b, M, K, N))).toBe(
        0,
      );
    }
  });

  it('gives zeros for an empty sum (K = 0) and handles signed zeros and infinities like the reference', () => {
    for (const [M, N] of [
      [5, 6],
      [4, 4],
      [1, 3],
    ] as const) {
      const out = run(blockedKernel, new Float64Array(0), new Float64Array(0), M, 0, N);
      expect([...out]).toEqual(new Array(M * N).fill(0));
    }
    // -0 · x sums to +0 from a +0 start in both kernels; an infinity gives NaN against a zero.
    const a = new Float64Array([-0, -0, 1, Infinity, -0, 2, 3, 4, 5, 6, 7, 8, -1, 0, 0, 1]); // [4, 4] and [5, 3]
    const b = new Float64Array([-0, 1, 2, 0, -0, 3, 4, 5, 6, 1, -0, 0, 2, 2, -0, 1]); // [4, 4] and [3, 5]
    for (const [M, K, N] of [
      [4, 4, 4],
      [5, 3, 5],
    ] as const) {
      const ref = run(referenceKernel, a.subarray(0, M * K), b.subarray(0, K * N), M, K, N);
      const fast = run(blockedKernel, a.subarray(0, M * K), b.subarray(0, K * N), M, K, N);
      expect(bitDiffs(ref, fast)).toBe(0);
    }
  });

  it('reuses its scratch space correctly when sizes shrink and grow between calls', () => {
    const rng = new Rng(13);
    for (const [M, K, N] of [
      [40, 50, 30],
      [4, 3, 5],
      [9, 70, 2],
      [2, 2, 2],
      [41, 51, 31],
    ] as const) {
      const a = randn([M, K], rng).data;
      const b = randn([K, N], rng).data;
      expect(bitDiffs(run(referenceKernel, a, b, M, K, N), run(blockedKernel, a, b, M, K, N))).toBe(
        0,
      );
    }
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
    for (let i = 0; i < 3; i++)
      expect(maxRelError(results[0]![i]!, results[1]![i]!)).toBeLessThan(1e-12);
  });
});
