/**
 * Matmul throughput: the core's kernels against TensorFlow.js on the same machine, same run.
 *
 *     cd packages/core && npm run bench
 *
 * Contestants, each computing C = A · B for A [M, K], B [K, N]:
 * - core wasm: the WebAssembly SIMD kernel (`wasmKernel`, the default), float64; also its two
 *   transposed forms, Aᵀ · B and A · Bᵀ (operands stored [K, M] and [N, K]), which backward
 *   passes use
 * - core blocked: the register-blocked TypeScript kernel (`blockedKernel`, the fallback), float64
 * - core reference: the three-loop definition (`referenceKernel`), float64
 * - tfjs cpu: @tensorflow/tfjs, backend 'cpu' (plain JavaScript), float32
 * - tfjs wasm: @tensorflow/tfjs-backend-wasm, backend 'wasm' (XNNPACK compiled to WebAssembly),
 *   float32; in Node the .wasm binary is read from node_modules, never fetched
 *
 * TensorFlow.js is not a dependency of the course: the first run installs it into
 * bench/node_modules from bench/package-lock.json (see peers.ts).
 *
 * Each cell: warm up, then time repeated calls until about 0.3 s of CPU time has passed, and
 * report the median over samples (each sample long enough, >= 2 ms, for the clock) as GFLOP/s = 2MNK / t.
 * The core's kernels write into a preallocated output (the WebAssembly kernel's time includes
 * copying the operands into its memory and the result out); a tfjs call includes allocating its
 * output and reading it back with `dataSync()`, which is how a caller would use it.
 *
 * Every contestant's result is compared with the float64 reference (max abs diff), so a broken
 * kernel cannot produce a fast number unnoticed: the bench exits with status 1 if any differs
 * by more than its precision allows.
 */
import os from 'node:os';
import { blockedKernel, referenceKernel } from '../src/kernels/matmul';
import type { MatmulKernel } from '../src/kernels/matmul';
import { wasmKernel } from '../src/kernels/wasm';
import { Rng } from '../src/random';
import { loadTfjs } from './peers';

const tf = await loadTfjs();
if (wasmKernel === null) throw new Error('WebAssembly SIMD is not available in this Node');
const wasm = wasmKernel;
/** One benchmark case, C [M, N] = A [M, K] · B [K, N]. */
interface Case {
  label: string;
  M: number;
  K: number;
  N: number;
}

const cases: Case[] = [
  ...[32, 128, 256, 512].map((n) => ({ label: `${n}×${n}·${n}×${n}`, M: n, K: n, N: n })),
  { label: '32×256·256×512 (LSTM)', M: 32, K: 256, N: 512 },
];

const TARGET_SECONDS = 0.3;
const MIN_SAMPLE_MS = 2;

/**
 * This process's CPU time in milliseconds (user + system). Timing by CPU time rather than by the
 * wall clock leaves out the time the process waits for a core: on a shared machine whose load
 * average is above its core count, wall-clock figures mostly measure the scheduler. (Other
 * processes still share the caches and the memory bus, so figures stay noisy: compare within a
 * run.)
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Median CPU seconds per call of `fn`, after a warm-up, over about TARGET_SECONDS. */
function timeIt(fn: () => void): number {
  // Warm up (lets the JIT compile the loops) and find how many calls make one sample.
  fn();
  let t0 = cpuMs();
  while (cpuMs() - t0 < 50) fn();
  t0 = cpuMs();
  fn();
  const once = Math.max(cpuMs() - t0, 1e-3);
  const callsPerSample = Math.max(1, Math.ceil(MIN_SAMPLE_MS / once));
  const samples: number[] = [];
  const start = cpuMs();
  while (samples.length < 3 || cpuMs() - start < TARGET_SECONDS * 1000) {
    const s = cpuMs();
    for (let r = 0; r < callsPerSample; r++) fn();
    samples.push((cpuMs() - s) / 1000 / callsPerSample);
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  return samples.length % 2 === 1 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
}

/** Max |x - y| over two equally long arrays. */
function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}

/** Result of one contestant on one case. */
interface Cell {
  gflops: number;
  diff: number;
}

/** The [cols, rows] transpose of a row-major [rows, cols] matrix (to feed the transposed forms). */
function transposed(m: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j]!;
  return t;
}

/**
 * Times one kernel on one case in one form. For the transposed forms the operand is stored
 * transposed (Aᵀ as [K, M], Bᵀ as [N, K]), so every form computes the same C.
 */
function benchCore(
  kernel: MatmulKernel,
  form: 'matmul' | 'matmulTransA' | 'matmulTransB',
  a: Float64Array,
  b: Float64Array,
  c: Case,
  ref: Float64Array,
): Cell {
  const out = new Float64Array(c.M * c.N);
  const A = form === 'matmulTransA' ? transposed(a, c.M, c.K) : a;
  const B = form === 'matmulTransB' ? transposed(b, c.K, c.N) : b;
  const seconds = timeIt(() => kernel[form](A, B, out, c.M, c.K, c.N));
  return { gflops: (2 * c.M * c.K * c.N) / seconds / 1e9, diff: maxAbsDiff(out, ref) };
}

async function benchTfjs(
  backend: 'cpu' | 'wasm',
  a: Float64Array,
  b: Float64Array,
  c: Case,
  ref: Float64Array,
): Promise<Cell> {
  if (!(await tf.setBackend(backend))) {
    throw new Error(`tfjs backend '${backend}' did not initialise`);
  }
  await tf.ready();
  const ta = tf.tensor2d(Float32Array.from(a), [c.M, c.K], 'float32');
  const tb = tf.tensor2d(Float32Array.from(b), [c.K, c.N], 'float32');
  let result: ArrayLike<number> = new Float32Array(0);
  const seconds = timeIt(() => {
    const tc = tf.matMul(ta, tb);
    result = tc.dataSync();
    tc.dispose();
  });
  ta.dispose();
  tb.dispose();
  return { gflops: (2 * c.M * c.K * c.N) / seconds / 1e9, diff: maxAbsDiff(result, ref) };
}

const rng = new Rng(2024);
const rows: string[][] = [];
let failed = false;

await tf.setBackend('wasm');
await tf.ready();
const wasmSimd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
const wasmThreads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');

for (const c of cases) {
  const a = new Float64Array(c.M * c.K).map(() => rng.normal()); // [M, K]
  const b = new Float64Array(c.K * c.N).map(() => rng.normal()); // [K, N]
  const ref = new Float64Array(c.M * c.N); // [M, N]
  referenceKernel.matmul(a, b, ref, c.M, c.K, c.N);
  const cells = {
    wasm: benchCore(wasm, 'matmul', a, b, c, ref),
    wasmTA: benchCore(wasm, 'matmulTransA', a, b, c, ref),
    wasmTB: benchCore(wasm, 'matmulTransB', a, b, c, ref),
    blocked: benchCore(blockedKernel, 'matmul', a, b, c, ref),
    reference: benchCore(referenceKernel, 'matmul', a, b, c, ref),
    tfCpu: await benchTfjs('cpu', a, b, c, ref),
    tfWasm: await benchTfjs('wasm', a, b, c, ref),
  };
  // Entries of C are sums of K products of N(0, 1) draws, about sqrt(K) in size; float64 kernels
  // agree to ~1e-13 of that, float32 ones to ~1e-6 of it (bounds with a wide margin).
  const tol64 = 1e-11 * c.K;
  const tol32 = 1e-4 * c.K;
  const bad = [
    cells.wasm.diff > tol64 ? 'wasm' : '',
    cells.wasmTA.diff > tol64 ? 'wasm Aᵀ·B' : '',
    cells.wasmTB.diff > tol64 ? 'wasm A·Bᵀ' : '',
    cells.blocked.diff > tol64 ? 'blocked' : '',
    cells.tfCpu.diff > tol32 ? 'tfjs-cpu' : '',
    cells.tfWasm.diff > tol32 ? 'tfjs-wasm' : '',
  ].filter((s) => s !== '');
  if (bad.length > 0) failed = true;
  const g = (x: Cell): string => x.gflops.toFixed(2);
  const ratio = (x: Cell, y: Cell): string => (x.gflops / y.gflops).toFixed(2);
  rows.push([
    c.label,
    g(cells.wasm),
    g(cells.wasmTA),
    g(cells.wasmTB),
    g(cells.blocked),
    g(cells.reference),
    g(cells.tfCpu),
    g(cells.tfWasm),
    ratio(cells.wasm, cells.tfWasm),
    ratio(cells.wasm, cells.tfCpu),
    ratio(cells.wasm, cells.blocked),
    [cells.wasm, cells.blocked, cells.tfCpu, cells.tfWasm]
      .map((x) => x.diff.toExponential(1))
      .join(' / '),
    bad.length === 0 ? 'ok' : `MISMATCH: ${bad.join(', ')}`,
  ]);
}

const header = [
  'C = A·B, [M×K]·[K×N]',
  'core wasm f64',
  'core wasm Aᵀ·B',
  'core wasm A·Bᵀ',
  'core blocked f64',
  'core reference f64',
  'tfjs cpu f32',
  `tfjs wasm f32${wasmSimd ? ' simd' : ''}${wasmThreads ? ' threads' : ''}`,
  'core wasm / tfjs wasm',
  'core wasm / tfjs cpu',
  'core wasm / blocked',
  'max abs diff vs reference: wasm / blocked / tfjs cpu / tfjs wasm',
  'check',
];
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const date = new Date().toISOString().slice(0, 10);
console.log(`matmul GFLOP/s (median CPU time, ~${TARGET_SECONDS} s per cell), ${date}`);
const node = process.versions.node;
console.log(`${cpu}, ${os.cpus().length} cores, Node ${node}, tfjs ${tf.version.tfjs}`);
// Other processes share the cores: a 1-minute load average above the core count slows every cell.
console.log(`load average (1 min) at the end of the run: ${os.loadavg()[0]!.toFixed(2)}`);
console.log('');
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map((_, i) => (i === 0 || i >= 11 ? '---' : '---:')).join(' | ')} |`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
if (failed) {
  console.error('\nA kernel disagrees with the float64 reference: its timing is void.');
  process.exitCode = 1;
}
