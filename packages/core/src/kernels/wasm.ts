/**
 * The WebAssembly SIMD matmul kernel: the same products as `referenceKernel` (kernels/matmul.ts),
 * computed by a module compiled from assembly/matmul.ts (AssemblyScript), which packs the operands
 * into panels and multiplies them 4 × 4 at a time with 128-bit SIMD (`f64x2`: two float64 lanes
 * per instruction). Its module comment explains the blocking.
 *
 * WebAssembly code reads only its own linear memory, so each call copies a and b in, runs, and
 * copies out back: three `Float64Array.set` calls, which cost a few percent of the product from
 * about 16 × 96 · 96 × 96 up (each number copied takes part in K or more multiply-adds).
 *
 * The module's bytes are embedded, base64, in matmul-wasm.generated.ts, and compiled
 * synchronously when this file is imported: no file is read and nothing is fetched, so the same
 * code runs in Node, in Vitest and in a browser bundle or Web Worker. Where WebAssembly or its
 * SIMD instructions are missing, `wasmKernel` is null and the core uses `blockedKernel`.
 */
import type { MatmulKernel } from './matmul';
import { matmulWasmBase64 } from './matmul-wasm.generated';

/**
 * The part of the WebAssembly JavaScript API used here, typed locally: the core's TypeScript
 * settings include neither the DOM library nor Node's full WebAssembly types.
 */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

/** What the module exports (see assembly/matmul.ts); sizes and addresses in bytes. */
interface MatmulExports {
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
}

/** base64 to bytes with `atob`, which Node (16+), browsers and workers all have. */
function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The instantiated module, or null where WebAssembly with SIMD is not available. */
function instantiate(): MatmulExports | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return null;
  const bytes = decodeBase64(matmulWasmBase64);
  if (!api.validate(bytes)) return null; // an engine without 128-bit SIMD
  const instance = new api.Instance(new api.Module(bytes), {});
  return instance.exports as MatmulExports;
}

/** Rounds a byte address up to a multiple of 16 (one SIMD vector). */
function align16(n: number): number {
  return (n + 15) & ~15;
}

/** The kernel over an instantiated module. */
function kernelOver(wasm: MatmulExports): MatmulKernel {
  const base = align16(wasm.heapBase());
  let heap = new Float64Array(wasm.memory.buffer); // a view of the module's memory, as float64

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
    const end = workAt + wasm.workBytes(M, K, N);
    const have = wasm.memory.buffer.byteLength;
    if (end > have) {
      wasm.memory.grow(Math.ceil((end - have) / 65536)); // 64 KiB pages
      heap = new Float64Array(wasm.memory.buffer); // growing detaches the old buffer
    }
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

const instance = instantiate();

/**
 * The WebAssembly SIMD kernel, or null where WebAssembly SIMD does not run (then
 * `blockedKernel` is the default). Results agree with `referenceKernel` to float64 rounding.
 */
export const wasmKernel: MatmulKernel | null = instance === null ? null : kernelOver(instance);
