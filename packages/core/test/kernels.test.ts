import { afterEach, describe, expect, it, vi } from 'vitest';
import { maxRelError } from '../src/compare';
import {
  blockedKernel,
  getMatmulKernel,
  referenceKernel,
  setMatmulKernel,
} from '../src/kernels/matmul';
import type { MatmulKernel } from '../src/kernels/matmul';
import { wasmKernel } from '../src/kernels/wasm';
import { matmul } from '../src/ops/matmul';
import { sum } from '../src/ops/reduce';
import { Rng, randn } from '../src/random';

/** The three products a kernel computes; M, K, N are the product's sizes in each. */
type Form = 'matmul' | 'matmulTransA' | 'matmulTransB';
const FORMS: Form[] = ['matmul', 'matmulTransA', 'matmulTransB'];

/** Random operands for one form: a is [M, K] ([K, M] for matmulTransA), b [K, N] ([N, K] for matmulTransB). */
function operands(M: number, K: number, N: number, rng: Rng): [Float64Array, Float64Array] {
  return [randn([M * K], rng).data, randn([K * N], rng).data];
}

function run(
  kernel: MatmulKernel,
  form: Form,
  a: Float64Array,
  b: Float64Array,
  M: number,
  K: number,
  N: number,
): Float64Array {
  const out = new Float64Array(M * N).fill(NaN); // the kernel must overwrite every entry
  kernel[form](a, b, out, M, K, N);
  return out;
}

/** op(a)[i, k] and op(b)[k, j] for a form. */
function entryA(form: Form, a: Float64Array, i: number, k: number, M: number, K: number): number {
  return form === 'matmulTransA' ? a[k * M + i]! : a[i * K + k]!;
}
function entryB(form: Form, b: Float64Array, k: number, j: number, K: number, N: number): number {
  return form === 'matmulTransB' ? b[j * K + k]! : b[k * N + j]!;
}

/** Unit roundoff of float64: 2^-53. */
const U = 2 ** -53;

/**
 * The rounding bound two float64 kernels must meet entry by entry. A computed dot product of K
 * terms, summed in any order, satisfies |computed - exact| <= γ_K Σ_k |a_ik b_kj| with
 * γ_K = K u / (1 - K u) (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §3.1,
 * eq. 3.5 and the remark after it that the bound holds for every order of summation). Two
 * kernels that may sum in different orders are each within that of the exact value, so they differ
 * by at most 2 γ_K Σ_k |a_ik b_kj|. Returns the worst ratio |x - y| / bound over all entries
 * (<= 1 passes); a bound of 0 (an all-zero row or column) demands exact equality.
 */
function worstRoundingRatio(
  form: Form,
  a: Float64Array,
  b: Float64Array,
  x: Float64Array,
  y: Float64Array,
  M: number,
  K: number,
  N: number,
): number {
  const gamma = (K * U) / (1 - K * U);
  let worst = 0;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let magnitude = 0; // Σ_k |a_ik b_kj|
      for (let k = 0; k < K; k++) {
        magnitude += Math.abs(entryA(form, a, i, k, M, K) * entryB(form, b, k, j, K, N));
      }
      const diff = Math.abs(x[i * N + j]! - y[i * N + j]!);
      const bound = 2 * gamma * magnitude * (1 + 2 * K * U); // the last factor covers rounding in `magnitude`
      const ratio = Number.isNaN(diff) ? Infinity : diff === 0 ? 0 : diff / bound;
      worst = Math.max(worst, ratio);
    }
  }
  return worst;
}

/** Entries where two results differ bit for bit (Object.is, so -0 and 0 count as different). */
function bitDiffs(x: Float64Array, y: Float64Array): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) n++;
  return n;
}

const defaultKernel = getMatmulKernel();

afterEach(() => {
  setMatmulKernel(defaultKernel);
});

describe('the reference kernel', () => {
  it('computes the textbook product in each form', () => {
    const a = new Float64Array([1, 2, 3, 4, 5, 6]); // [2, 3], or aᵀ of [3, 2]
    const b = new Float64Array([7, 8, 9, 10, 11, 12]); // [3, 2], or bᵀ of [2, 3]
    expect([...run(referenceKernel, 'matmul', a, b, 2, 3, 2)]).toEqual([58, 64, 139, 154]);
    // a stored [3, 2] = [[1, 2], [3, 4], [5, 6]]: aᵀ · b for b [3, 2]
    expect([...run(referenceKernel, 'matmulTransA', a, b, 2, 3, 2)]).toEqual([89, 98, 116, 128]);
    // b stored [2, 3] = [[7, 8, 9], [10, 11, 12]]: a [2, 3] · bᵀ
    expect([...run(referenceKernel, 'matmulTransB', a, b, 2, 3, 2)]).toEqual([50, 68, 122, 167]);
  });

  it('its transposed forms equal the plain product of explicitly transposed operands, bit for bit', () => {
    const rng = new Rng(10);
    const T = (m: Float64Array, rows: number, cols: number): Float64Array => {
      const t = new Float64Array(rows * cols);
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j]!;
      return t;
    };
    for (const [M, K, N] of [
      [3, 5, 2],
      [7, 1, 4],
      [6, 9, 11],
    ] as const) {
      const [a, b] = operands(M, K, N, rng);
      const plainA = run(referenceKernel, 'matmul', T(a, K, M), b, M, K, N); // a stored [K, M]
      expect(bitDiffs(run(referenceKernel, 'matmulTransA', a, b, M, K, N), plainA)).toBe(0);
      const plainB = run(referenceKernel, 'matmul', a, T(b, N, K), M, K, N); // b stored [N, K]
      expect(bitDiffs(run(referenceKernel, 'matmulTransB', a, b, M, K, N), plainB)).toBe(0);
    }
  });
});

describe('the blocked TypeScript kernel', () => {
  const sizes = [1, 2, 3, 4, 5, 7, 8, 17, 33];
  it('agrees with the reference bit for bit in all three forms (every M, K, N in 1, 2, 3, 4, 5, 7, 8, 17, 33)', {
    timeout: 120_000,
  }, () => {
    // M covers full 4-row panels plus 1-3 leftover rows (and M < 4: leftover rows only), K covers
    // the leftover-row path's k remainder, N a last b panel 1-3 columns wide.
    const rng = new Rng(11);
    let diffs = 0;
    for (const form of FORMS) {
      for (const M of sizes) {
        for (const K of sizes) {
          for (const N of sizes) {
            const [a, b] = operands(M, K, N, rng);
            diffs += bitDiffs(
              run(referenceKernel, form, a, b, M, K, N),
              run(blockedKernel, form, a, b, M, K, N),
            );
          }
        }
      }
    }
    expect(diffs).toBe(0);
  });

  it('agrees bit for bit on larger rectangular products, with leftover rows and columns, and as sizes change between calls', () => {
    const rng = new Rng(12);
    for (const [M, K, N] of [
      [67, 129, 45],
      [32, 256, 64],
      [1, 130, 70],
      [6, 64, 9],
      [4, 3, 5],
      [41, 51, 31],
    ] as const) {
      for (const form of FORMS) {
        const [a, b] = operands(M, K, N, rng);
        const ref = run(referenceKernel, form, a, b, M, K, N);
        expect(bitDiffs(ref, run(blockedKernel, form, a, b, M, K, N))).toBe(0);
      }
    }
  });

  it('gives zeros for an empty sum (K = 0) and handles signed zeros and infinities like the reference', () => {
    for (const [M, N] of [
      [5, 6],
      [4, 4],
      [1, 3],
    ] as const) {
      const out = run(blockedKernel, 'matmul', new Float64Array(0), new Float64Array(0), M, 0, N);
      expect([...out]).toEqual(new Array(M * N).fill(0));
    }
    // -0 · x sums to +0 from a +0 start in both kernels; an infinity gives NaN against a zero.
    const a = new Float64Array([-0, -0, 1, Infinity, -0, 2, 3, 4, 5, 6, 7, 8, -1, 0, 0, 1]); // [4, 4] and [5, 3]
    const b = new Float64Array([-0, 1, 2, 0, -0, 3, 4, 5, 6, 1, -0, 0, 2, 2, -0, 1]); // [4, 4] and [3, 5]
    for (const [M, K, N] of [
      [4, 4, 4],
      [5, 3, 5],
    ] as const) {
      for (const form of FORMS) {
        const ref = run(referenceKernel, form, a.subarray(0, M * K), b.subarray(0, K * N), M, K, N);
        const fast = run(blockedKernel, form, a.subarray(0, M * K), b.subarray(0, K * N), M, K, N);
        expect(bitDiffs(ref, fast)).toBe(0);
      }
    }
  });
});

describe('the WebAssembly SIMD kernel', () => {
  it('runs here (Node 20 has WebAssembly SIMD) and is the default kernel', () => {
    expect(wasmKernel).not.toBeNull();
    expect(getMatmulKernel()).toBe(wasmKernel);
  });
  const wasm = wasmKernel!;

  const sizes = [1, 2, 3, 5, 7, 17, 33];
  it('agrees with the reference to float64 rounding in all three forms (every M, K, N in 1, 2, 3, 5, 7, 17, 33)', {
    timeout: 120_000,
  }, () => {
    const rng = new Rng(21);
    let worst = 0;
    let checked = 0;
    for (const form of FORMS) {
      for (const M of sizes) {
        for (const K of sizes) {
          for (const N of sizes) {
            const [a, b] = operands(M, K, N, rng);
            const ref = run(referenceKernel, form, a, b, M, K, N);
            const got = run(wasm, form, a, b, M, K, N);
            worst = Math.max(worst, worstRoundingRatio(form, a, b, got, ref, M, K, N));
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(3 * sizes.length ** 3);
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('agrees to rounding across its cache blocks (K > 256, M > 64) and on the LSTM gate shape', {
    timeout: 120_000,
  }, () => {
    const rng = new Rng(22);
    for (const [M, K, N] of [
      [67, 300, 45],
      [130, 513, 9],
      [1, 600, 70],
      [65, 257, 5],
      [32, 256, 512],
    ] as const) {
      for (const form of FORMS) {
        const [a, b] = operands(M, K, N, rng);
        const ref = run(referenceKernel, form, a, b, M, K, N);
        const got = run(wasm, form, a, b, M, K, N);
        expect(worstRoundingRatio(form, a, b, got, ref, M, K, N)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('the rounding check is sharp: a result missing one term of one sum fails it', () => {
    const rng = new Rng(23);
    const [M, K, N] = [5, 17, 7];
    const [a, b] = operands(M, K, N, rng);
    const ref = run(referenceKernel, 'matmul', a, b, M, K, N);
    const wrong = ref.slice();
    wrong[2 * N + 3] = wrong[2 * N + 3]! - a[2 * K + K - 1]! * b[(K - 1) * N + 3]!; // drop k = K-1
    expect(worstRoundingRatio('matmul', a, b, wrong, ref, M, K, N)).toBeGreaterThan(1e6);
    const scaled = ref.map((v) => v * (1 + 1e-12)); // a relative error far above rounding
    expect(worstRoundingRatio('matmul', a, b, scaled, ref, M, K, N)).toBeGreaterThan(1);
  });

  it('gives zeros for K = 0, nothing for M = 0 or N = 0, and NaN, infinities and signed zeros like the reference', () => {
    const empty = new Float64Array(0);
    for (const form of FORMS) {
      expect([...run(wasm, form, empty, empty, 3, 0, 2)]).toEqual([0, 0, 0, 0, 0, 0]);
      expect(run(wasm, form, empty, new Float64Array(6), 0, 3, 2).length).toBe(0);
      expect(run(wasm, form, new Float64Array(6), empty, 2, 3, 0).length).toBe(0);
    }
    // Every sum here has at most one nonzero term or a NaN/infinity, so any summation order gives
    // the same bits: -0 terms summed from +0 give +0, Inf · 0 gives NaN, NaN propagates.
    const a = new Float64Array([-0, -0, 1, Infinity, -0, 0, NaN, 4, 5, 0, 0, 0, -1, 0, 0, 1]); // [4, 4] and [5, 3]
    const b = new Float64Array([-0, 1, 0, 0, -0, 0, 0, 0, 0, 1, -0, 0, 0, 0, -0, 1]); // [4, 4] and [3, 5]
    for (const [M, K, N] of [
      [4, 4, 4],
      [5, 3, 5],
    ] as const) {
      for (const form of FORMS) {
        const ref = run(referenceKernel, form, a.subarray(0, M * K), b.subarray(0, K * N), M, K, N);
        const fast = run(wasm, form, a.subarray(0, M * K), b.subarray(0, K * N), M, K, N);
        expect(bitDiffs(ref, fast)).toBe(0);
      }
    }
  });

  it('reads subarray operands (as batched matmul passes them), leaves its inputs unchanged, and survives its memory growing and sizes shrinking', {
    timeout: 120_000,
  }, () => {
    const rng = new Rng(24);
    for (const [M, K, N] of [
      [40, 50, 30],
      [4, 3, 5],
      [150, 260, 70], // grows the module's memory again, and K crosses a 256-value block
      [2, 2, 2],
      [41, 51, 31],
    ] as const) {
      for (const form of FORMS) {
        // Operands placed at an offset inside longer arrays, as batch entries are.
        const bigA = randn([M * K + 7], rng).data;
        const bigB = randn([K * N + 3], rng).data;
        const a = bigA.subarray(7);
        const b = bigB.subarray(3, 3 + K * N);
        const before = [bigA.slice(), bigB.slice()];
        const ref = run(referenceKernel, form, a, b, M, K, N);
        const got = run(wasm, form, a, b, M, K, N);
        expect(worstRoundingRatio(form, a, b, got, ref, M, K, N)).toBeLessThanOrEqual(1);
        expect(bitDiffs(bigA, before[0]!) + bitDiffs(bigB, before[1]!)).toBe(0);
      }
    }
  });

  it('rejects arrays shorter than the sizes say, naming the form and sizes', () => {
    const a = new Float64Array(6);
    expect(() => wasm.matmulTransB(a, new Float64Array(5), new Float64Array(4), 2, 3, 2)).toThrow(
      'matmulTransB(M 2, K 3, N 2): expected a of 6, b of 6 and out of 4 values, received 6, 5 and 4',
    );
  });
});

describe('choosing the kernel', () => {
  it('falls back to the blocked TypeScript kernel where WebAssembly is missing or lacks SIMD', async () => {
    try {
      for (const api of [undefined, { validate: () => false }]) {
        vi.stubGlobal('WebAssembly', api);
        vi.resetModules();
        const fresh = await import('../src/kernels/matmul');
        const freshWasm = await import('../src/kernels/wasm');
        expect(freshWasm.wasmKernel).toBeNull();
        expect(fresh.getMatmulKernel()).toBe(fresh.blockedKernel);
      }
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });

  it('setMatmulKernel switches what matmul uses and returns the previous kernel; backward uses the transposed forms', () => {
    const calls: string[] = [];
    const counting: MatmulKernel = {
      name: 'counting',
      matmul(a, b, out, M, K, N) {
        calls.push('matmul');
        referenceKernel.matmul(a, b, out, M, K, N);
      },
      matmulTransA(a, b, out, M, K, N) {
        calls.push('matmulTransA');
        referenceKernel.matmulTransA(a, b, out, M, K, N);
      },
      matmulTransB(a, b, out, M, K, N) {
        calls.push('matmulTransB');
        referenceKernel.matmulTransB(a, b, out, M, K, N);
      },
    };
    expect(setMatmulKernel(counting)).toBe(defaultKernel);
    const x = randn([3, 4], new Rng(0), { requiresGrad: true });
    const W = randn([4, 2], new Rng(1), { requiresGrad: true });
    sum(matmul(x, W)).backward();
    // forward x W; dx = dY Wᵀ; dW = xᵀ dY
    expect(calls.sort()).toEqual(['matmul', 'matmulTransA', 'matmulTransB']);
  });

  it('matmul gives the same values and gradients under every kernel, flat and batched with broadcasting', () => {
    const kernels = [referenceKernel, blockedKernel, wasmKernel!];
    for (const [shapeX, shapeW] of [
      [
        [2, 5, 7],
        [7, 9],
      ],
      [
        [3, 1, 4, 5],
        [2, 5, 6],
      ],
    ]) {
      const results = kernels.map((k) => {
        setMatmulKernel(k);
        const x = randn(shapeX!, new Rng(3), { requiresGrad: true });
        const W = randn(shapeW!, new Rng(4), { requiresGrad: true });
        const y = matmul(x, W);
        sum(y).backward();
        return [y, x.grad!, W.grad!];
      });
      for (const other of results.slice(1)) {
        for (let i = 0; i < 3; i++)
          expect(maxRelError(results[0]![i]!, other[i]!)).toBeLessThan(1e-14);
      }
    }
  });
});
