/**
 * The WebAssembly SIMD kernels, from one module compiled from assembly/index.ts (AssemblyScript):
 *
 * - `wasmKernel`: the same products as `referenceKernel` (kernels/matmul.ts), computed by
 *   assembly/matmul.ts, which packs the operands into panels and multiplies them 4 × 4 at a time
 *   with 128-bit SIMD (`f64x2`: two float64 lanes per instruction). Its module comment explains
 *   the blocking.
 * - `wasmActivations`: the sigmoid and tanh of an array (kernels/activations.ts), computed by
 *   assembly/activations.ts.
 *
 * WebAssembly code reads only its own linear memory, so each call copies its inputs in, runs, and
 * copies its result out (`Float64Array.set`). For a product that costs a few percent from about
 * 16 × 96 · 96 × 96 up (each number copied takes part in K or more multiply-adds); an activation
 * costs far more per value than its two copies.
 *
 * The module's bytes are embedded, base64, in kernels-wasm.generated.ts, and compiled
 * synchronously when this file is imported: no file is read and nothing is fetched, so the same
 * code runs in Node, in Vitest and in a browser bundle or Web Worker. Where WebAssembly or its
 * SIMD instructions are missing, both are null and the core uses `blockedKernel` and
 * `referenceActivations`.
 */
import type { ActivationKernel } from './activations';
import { kernelsWasmBase64 } from './kernels-wasm.generated';
import type { MatmulKernel } from './matmul';

/**
 * The part of the WebAssembly JavaScript API used here, typed locally: the core's TypeScript
 * settings include neither the DOM library nor Node's full WebAssembly types.
 */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

/** What the module exports (see assembly/index.ts); sizes and addresses in bytes. */
interface KernelExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
  workBytes(M: number, K: number, N: number): number;
  gemm(
    a: number,
    b: number,
    c: number,
    M: number,
    K: number,
    N: number,
    transA: number,
    transB: number,
    work: number,
  ): void;
  sigmoidArray(src: number, dst: number, n: number): void;
  tanhArray(src: number, dst: number, n: number): void;
}

/** base64 to bytes with `atob`, which Node (16+), browsers and workers all have. */
function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The instantiated module, or null where WebAssembly with SIMD is not available. */
function instantiate(): KernelExports | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return null;
  const bytes = decodeBase64(kernelsWasmBase64);
  if (!api.validate(bytes)) return null; // an engine without 128-bit SIMD
  const instance = new api.Instance(new api.Module(bytes), {});
  return instance.exports as KernelExports;
}

/** Rounds a byte address up to a multiple of 16 (one SIMD vector). */
function align16(n: number): number {
  return (n + 15) & ~15;
}

/** The module's memory past its own data, grown on demand, as float64 (see `heapOf`). */
interface Heap {
  /** First free byte address, a multiple of 16. */
  base: number;
  /** A float64 view of all of the module's memory at least `end` bytes long. */
  view(end: number): Float64Array;
}

/** The heap of an instantiated module. */
function heapOf(wasm: KernelExports): Heap {
  let view = new Float64Array(wasm.memory.buffer);
  return {
    base: align16(wasm.heapBase()),
    view(end) {
      const have = wasm.memory.buffer.byteLength;
      if (end > have) {
        wasm.memory.grow(Math.ceil((end - have) / 65536)); // 64 KiB pages
        view = new Float64Array(wasm.memory.buffer); // growing detaches the old buffer
      }
      return view;
    },
  };
}

/** The matmul kernel over an instantiated module. */
function kernelOver(wasm: KernelExports, memory: Heap): MatmulKernel {
  const { base } = memory;

  /** out [M, N] = op(a) · op(b) (op: transpose when the flag is set), through the module. */
  function run(
    name: string,
    a: Float64Array,
    b: Float64Array,
    out: Float64Array,
    M: number,
    K: number,
    N: number,
    transA: boolean,
    transB: boolean,
  ): void {
    const sizes = `${name}(M ${M}, K ${K}, N ${N})`;
    if (a.length < M * K || b.length < K * N || out.length < M * N) {
      throw new RangeError(
        `${sizes}: expected a of ${M * K}, b of ${K * N} and out of ${M * N} values, ` +
          `received ${a.length}, ${b.length} and ${out.length}`,
      );
    }
    if (M === 0 || N === 0) return;
    if (K === 0) {
      out.fill(0, 0, M * N); // empty sums
      return;
    }
    // Memory layout: [module data][a][b][out][work], each start aligned to 16 bytes.
    const aAt = base;
    const bAt = align16(aAt + 8 * M * K);
    const cAt = align16(bAt + 8 * K * N);
    const workAt = align16(cAt + 8 * M * N);
    const heap = memory.view(workAt + wasm.workBytes(M, K, N));
    heap.set(a.length === M * K ? a : a.subarray(0, M * K), aAt / 8);
    heap.set(b.length === K * N ? b : b.subarray(0, K * N), bAt / 8);
    wasm.gemm(aAt, bAt, cAt, M, K, N, transA ? 1 : 0, transB ? 1 : 0, workAt);
    out.set(heap.subarray(cAt / 8, cAt / 8 + M * N));
  }

  return {
    name: 'wasm-simd-4x4',
    matmul: (a, b, out, M, K, N) => run('matmul', a, b, out, M, K, N, false, false),
    matmulTransA: (a, b, out, M, K, N) => run('matmulTransA', a, b, out, M, K, N, true, false),
    matmulTransB: (a, b, out, M, K, N) => run('matmulTransB', a, b, out, M, K, N, false, true),
  };
}

/** The activation kernel over an instantiated module. */
function activationsOver(wasm: KernelExports, memory: Heap): ActivationKernel {
  const { base } = memory;

  /** out = f(x) through the module, in place in its memory. */
  function run(
    name: string,
    f: (src: number, dst: number, n: number) => void,
    x: Float64Array,
    out: Float64Array,
  ): void {
    const n = x.length;
    if (out.length < n) {
      throw new RangeError(`${name}: out has ${out.length} values, x has ${n}`);
    }
    if (n === 0) return;
    // One value more than n: the module works on pairs, and with n odd it reads and writes the
    // value after the last one (never copied out).
    const heap = memory.view(base + 8 * (n + 1));
    heap.set(x, base / 8);
    f(base, base, n);
    out.set(heap.subarray(base / 8, base / 8 + n));
  }

  return {
    name: 'wasm-simd',
    sigmoid: (x, out) => run('sigmoid', wasm.sigmoidArray, x, out),
    tanh: (x, out) => run('tanh', wasm.tanhArray, x, out),
  };
}

const instance = instantiate();
const heap = instance === null ? null : heapOf(instance);

/**
 * The WebAssembly SIMD matmul kernel, or null where WebAssembly SIMD does not run (then
 * `blockedKernel` is the default). Results agree with `referenceKernel` to float64 rounding.
 */
export const wasmKernel: MatmulKernel | null =
  instance === null || heap === null ? null : kernelOver(instance, heap);

/**
 * The WebAssembly SIMD sigmoid and tanh of an array, or null where WebAssembly SIMD does not run
 * (then `referenceActivations` is the default). Results agree with `referenceActivations` within a
 * few units in the last place.
 */
export const wasmActivations: ActivationKernel | null =
  instance === null || heap === null ? null : activationsOver(instance, heap);
