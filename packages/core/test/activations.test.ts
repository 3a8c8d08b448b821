import { afterEach, describe, expect, it } from 'vitest';
import {
  getActivationKernel,
  referenceActivations,
  setActivationKernel,
  sigmoidOf,
} from '../src/kernels/activations';
import type { ActivationKernel } from '../src/kernels/activations';
import { wasmActivations } from '../src/kernels/wasm';
import { sigmoid, tanh } from '../src/ops/elementwise';
import { Rng } from '../src/random';
import { fromData } from '../src/tensor';

type Fn = 'sigmoid' | 'tanh';
const FNS: Fn[] = ['sigmoid', 'tanh'];

/**
 * How far the WebAssembly kernel may be from the reference, in units in the last place of the
 * reference's value: ulp(y) = 2^−52 |y| (at least 2^−1074, the least subnormal). The kernel's
 * own polynomial and roundings (assembly/activations.ts) and Math.exp's and Math.tanh's both err;
 * over two million random values in each of |x| < 0.3, 1, 10, 40 and 800 the largest difference
 * measured was 2.2 ulp (sigmoid) and 3.1 ulp (tanh, near |x| = 0.17).
 */
const MAX_ULPS = 4;

/** The largest |a − b| / ulp(b) over two arrays; Infinity where one is NaN and the other not. */
function worstUlps(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    if (x === y) continue;
    worst = Math.max(worst, Math.abs(x - y) / Math.max(Math.abs(y) * 2 ** -52, 2 ** -1074));
  }
  return worst;
}

/** f applied by a kernel to a copy of x, into an array filled with NaN (every entry must be written). */
function apply(kernel: ActivationKernel, fn: Fn, x: Float64Array): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  kernel[fn](Float64Array.from(x), out);
  return out;
}

const defaultKernel = getActivationKernel();

afterEach(() => {
  setActivationKernel(defaultKernel);
});

describe('the reference activations', () => {
  it('are sigmoidOf and Math.tanh, value by value', () => {
    const x = new Float64Array([-800, -3, -0.5, 0, 0.5, 3, 800]);
    expect([...apply(referenceActivations, 'sigmoid', x)]).toEqual([...x].map(sigmoidOf));
    expect([...apply(referenceActivations, 'tanh', x)]).toEqual([...x].map(Math.tanh));
  });
});

describe('the WebAssembly SIMD activations', () => {
  it('run here (Node 20 has WebAssembly SIMD) and are the default', () => {
    expect(wasmActivations).not.toBeNull();
    expect(getActivationKernel()).toBe(wasmActivations);
  });

  it(`agree with the reference within ${MAX_ULPS} ulp on every length in 1, 2, 3, 5, 7, 17, 33 and on wide ranges`, () => {
    const rng = new Rng(21);
    const kernel = wasmActivations!;
    for (const fn of FNS) {
      for (const n of [1, 2, 3, 5, 7, 17, 33]) {
        for (const range of [1e-6, 0.3, 1, 5, 40, 800]) {
          const x = new Float64Array(n);
          for (let i = 0; i < n; i++) x[i] = (2 * rng.uniform() - 1) * range;
          const worst = worstUlps(apply(kernel, fn, x), apply(referenceActivations, fn, x));
          expect(worst, `${fn}, n = ${n}, |x| < ${range}`).toBeLessThanOrEqual(MAX_ULPS);
        }
      }
      // A long array: the pairs of the SIMD loop, many times over.
      const x = new Float64Array(20_001);
      for (let i = 0; i < x.length; i++) x[i] = (2 * rng.uniform() - 1) * 12;
      expect(
        worstUlps(apply(kernel, fn, x), apply(referenceActivations, fn, x)),
      ).toBeLessThanOrEqual(MAX_ULPS);
    }
  });

  it('gives the reference at ±0, ±∞, NaN, subnormal and saturated inputs', () => {
    const kernel = wasmActivations!;
    const special = new Float64Array([
      0,
      -0,
      Infinity,
      -Infinity,
      NaN,
      5e-324,
      -5e-324,
      1e-310,
      -1e-310,
      1e-8,
      -1e-8,
      0.25,
      -0.25,
      19,
      -19,
      37,
      -37,
      708,
      -708,
      709,
      -709,
      740,
      -740,
      746,
      -746,
      1000,
      -1000,
    ]);
    for (const fn of FNS) {
      const fast = apply(kernel, fn, special);
      expect(worstUlps(fast, apply(referenceActivations, fn, special)), fn).toBeLessThanOrEqual(
        MAX_ULPS,
      );
      for (const y of fast) if (!Number.isNaN(y)) expect(Math.abs(y)).toBeLessThanOrEqual(1);
    }
    const [s0, sNegZero, sInf, sNegInf, sNaN] = apply(kernel, 'sigmoid', special);
    expect([s0, sNegZero, sInf, sNegInf]).toEqual([0.5, 0.5, 1, 0]);
    expect(sNaN).toBeNaN();
    const [t0, tNegZero, tInf, tNegInf, tNaN] = apply(kernel, 'tanh', special);
    expect(Object.is(t0, 0) && Object.is(tNegZero, -0)).toBe(true); // tanh keeps the sign of 0
    expect([tInf, tNegInf]).toEqual([1, -1]);
    expect(tNaN).toBeNaN();
  });

  it('work in place (out may be x) and write nothing past the end of out', () => {
    const kernel = wasmActivations!;
    for (const fn of FNS) {
      const buffer = new Float64Array(6).fill(7);
      const x = buffer.subarray(0, 5); // an odd length: the kernel works on pairs
      x.set([-2, -1, 0, 1, 2]);
      const expected = apply(referenceActivations, fn, x);
      kernel[fn](x, x);
      expect(worstUlps(x, expected)).toBeLessThanOrEqual(MAX_ULPS);
      expect(buffer[5]).toBe(7);
    }
  });
});

describe('sigmoid and tanh', () => {
  it('compute their forward value with the current activation kernel', () => {
    const x = fromData([-3, -0.5, 0, 0.5, 3], [5]);
    setActivationKernel(referenceActivations);
    expect([...sigmoid(x).data]).toEqual([...x.data].map(sigmoidOf));
    expect([...tanh(x).data]).toEqual([...x.data].map(Math.tanh));
    const half: ActivationKernel = {
      name: 'constant one half',
      sigmoid: (_x, out) => out.fill(0.5),
      tanh: (_x, out) => out.fill(0.5),
    };
    setActivationKernel(half);
    expect([...sigmoid(x).data]).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect([...tanh(x).data]).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
  });
});
