/**
 * Matmul throughput: the core's kernels against TensorFlow.js on the same machine, same run.
 *
 *     cd packages/core && npm run bench
 *
 * Contestants, each computing C = A · B for A [M, K], B [K, N]:
 * - core default: the kernel every `matmul` uses (`getMatmulKernel()`), float64
 * - core reference: the three-loop definition (`referenceKernel`), float64
 * - tfjs cpu: @tensorflow/tfjs, backend 'cpu' (plain JavaScript), float32
 * - tfjs wasm: @tensorflow/tfjs-backend-wasm, backend 'wasm' (XNNPACK compiled to WebAssembly),
 *   float32; in Node the .wasm binary is read from node_modules, never fetched
 *
 * Each cell: warm up, then time repeated calls until about 0.3 s has passed, and report the
 * median over samples (each sample long enough, >= 2 ms, for the clock) as GFLOP/s = 2MNK / t.
 * The core's kernels write into a preallocated output; a tfjs call includes allocating its
 * output and reading it back with `dataSync()`, which is how a caller would use it.
 *
 * Every contestant's result is compared with the float64 reference (max abs diff), so a broken
 * kernel cannot produce a fast number unnoticed: the bench exits with status 1 if any differs
 * by more than its precision allows.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { getMatmulKernel, referenceKernel } from '../src/kernels/matmul';
import type { MatmulKernel } from '../src/kernels/matmul';
import { Rng } from '../src/random';

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

/** Median seconds per call of `fn`, after a warm-up, over about TARGET_SECONDS. */
function timeIt(fn: () => void): number {
  // Warm up (lets the JIT compile the loops) and find how many calls make one sample.
  let t0 = performance.now();
  fn();
  let once = performance.now() - t0;
  t0 = performance.now();
  while (performance.now() - t0 < 50) fn();
  t0 = performance.now();
  fn();
  once = Math.max(performance.now() - t0, 1e-3);
  const callsPerSample = Math.max(1, Math.ceil(MIN_SAMPLE_MS / once));
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 3 || performance.now() - start < TARGET_SECONDS * 1000) {
    const s = performance.now();
    for (let r = 0; r < callsPerSample; r++) fn();
    samples.push((performance.now() - s) / 1000 / callsPerSample);
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

function benchCore(
  kernel: MatmulKernel,
  a: Float64Array,
  b: Float64Array,
  c: Case,
  ref: Float64Array,
): Cell {
  const out = new Float64Array(c.M * c.N);
  const seconds = timeIt(() => kernel.matmul(a, b, out, c.M, c.K, c.N));
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

const core = getMatmulKernel();
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
    core: benchCore(core, a, b, c, ref),
    reference: benchCore(referenceKernel, a, b, c, ref),
    cpu: await benchTfjs('cpu', a, b, c, ref),
    wasm: await benchTfjs('wasm', a, b, c, ref),
  };
  // Entries of C are sums of K products of N(0, 1) draws, about sqrt(K) in size; float64 kernels
  // agree to ~1e-13 of that, float32 ones to ~1e-6 of it (bounds with a wide margin).
  const tol64 = 1e-11 * c.K;
  const tol32 = 1e-4 * c.K;
  const bad = [
    cells.core.diff > tol64 ? 'core' : '',
    cells.cpu.diff > tol32 ? 'tfjs-cpu' : '',
    cells.wasm.diff > tol32 ? 'tfjs-wasm' : '',
  ].filter((s) => s !== '');
  if (bad.length > 0) failed = true;
  const g = (x: Cell): string => x.gflops.toFixed(2);
  rows.push([
    c.label,
    g(cells.core),
    g(cells.reference),
    g(cells.cpu),
    g(cells.wasm),
    (cells.core.gflops / cells.cpu.gflops).toFixed(2),
    (cells.core.gflops / cells.wasm.gflops).toFixed(2),
    [cells.core, cells.cpu, cells.wasm].map((x) => x.diff.toExponential(1)).join(' / '),
    bad.length === 0 ? 'ok' : `MISMATCH: ${bad.join(', ')}`,
  ]);
}

const header = [
  'C = A·B, [M×K]·[K×N]',
  `core ${core.name} f64`,
  'core reference f64',
  'tfjs cpu f32',
  `tfjs wasm f32${wasmSimd ? ' simd' : ''}${wasmThreads ? ' threads' : ''}`,
  'core/tfjs-cpu',
  'core/wasm',
  'max abs diff vs reference: core / cpu / wasm',
  'check',
];
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const date = new Date().toISOString().slice(0, 10);
console.log(`matmul GFLOP/s (median, ~${TARGET_SECONDS} s per cell), ${date}`);
const node = process.versions.node;
console.log(`${cpu}, ${os.cpus().length} cores, Node ${node}, tfjs ${tf.version.tfjs}`);
// Other processes share the cores: a 1-minute load average above the core count slows every cell.
console.log(`load average (1 min) at the end of the run: ${os.loadavg()[0]!.toFixed(2)}`);
console.log('');
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map((_, i) => (i === 0 || i >= 7 ? '---' : '---:')).join(' | ')} |`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
if (failed) {
  console.error('\nA kernel disagrees with the float64 reference: its timing is void.');
  process.exitCode = 1;
}
