/**
 * Kernels for the two activations a gated recurrent cell spends most of its elementwise time on:
 * the logistic sigmoid and tanh of an array. `sigmoid` and `tanh` (ops/elementwise.ts) call the
 * current kernel for their forward value; their backward reads that value back (σ' = σ (1 − σ),
 * tanh' = 1 − tanh²) and needs no kernel.
 *
 * - `referenceActivations`: one call per value to `Math.exp` (in `sigmoidOf`) or `Math.tanh`, the
 *   readable definition and the fallback;
 * - `wasmActivations` (kernels/wasm.ts, the default where WebAssembly SIMD runs): two values per
 *   instruction in WebAssembly, with its own exp (assembly/activations.ts), about three times as
 *   fast on chapter 2's LSTM gates. The tests hold it to the reference within a few units in the
 *   last place.
 */
import { wasmActivations } from './wasm';

/** out[k] = f(x[k]) for every k < x.length; out may be x itself. */
export interface ActivationKernel {
  /** A short name for benchmarks and messages. */
  readonly name: string;
  /** out = σ(x) = 1 / (1 + e^−x), elementwise. */
  sigmoid(x: Float64Array, out: Float64Array): void;
  /** out = tanh(x), elementwise. */
  tanh(x: Float64Array, out: Float64Array): void;
}

/**
 * σ(x) for one number, computed without overflow: for x < 0 it uses e^x / (1 + e^x), so e^(−x)
 * is never evaluated at large |x|.
 */
export function sigmoidOf(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** The definitions, one value at a time, with the engine's Math.exp and Math.tanh. */
export const referenceActivations: ActivationKernel = {
  name: 'reference',
  sigmoid(x, out) {
    for (let k = 0; k < x.length; k++) out[k] = sigmoidOf(x[k]!);
  },
  tanh(x, out) {
    for (let k = 0; k < x.length; k++) out[k] = Math.tanh(x[k]!);
  },
};

let current: ActivationKernel = wasmActivations ?? referenceActivations;

/**
 * The kernel `sigmoid` and `tanh` use now: unless changed, `wasmActivations` where WebAssembly
 * SIMD runs, else `referenceActivations`.
 */
export function getActivationKernel(): ActivationKernel {
  return current;
}

/**
 * Chooses the kernel `sigmoid` and `tanh` use from now on.
 *
 * @returns the previous kernel, to restore
 */
export function setActivationKernel(kernel: ActivationKernel): ActivationKernel {
  const previous = current;
  current = kernel;
  return previous;
}
