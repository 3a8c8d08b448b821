/**
 * One training step of chapter 1's character model, this course against PyTorch, same run:
 *
 *     cd packages/rnn && npm run bench
 *
 * A step is what the char-rnn lab (labs/char-rnn.ts) does per update, at the lab's full sizes
 * (N 16 streams, T 48 steps, D 32, H 96, V 80): zero the gradients, forward through embedding,
 * RNN, affine and softmax cross-entropy (eq. 1.10), backward through time, clip by the global
 * norm (eq. 1.12), one Adam update, the hidden state carried to the next chunk (truncated BPTT).
 * The inputs are seeded random ids: the time of a step does not depend on which characters they
 * are.
 *
 * Contestants:
 * - this course with the core's WebAssembly SIMD kernels (matmul, and the sigmoid and tanh of an
 *   array), the default, and with its TypeScript fallbacks (the blocked matmul and the
 *   Math-based activations): the difference is what the kernels buy in a whole step;
 * - PyTorch (CPU, one thread) in float64 and float32, from bench/train_step_torch.py, when
 *   `/usr/bin/python3` can import torch (Debian's python3-torch); otherwise the bench says so and
 *   prints the course's figures alone.
 *
 * Times are medians of CPU time per step (this process's user + system time: on a shared machine
 * the wall clock mostly measures waiting for a core). Compare within a run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  Adam,
  Rng,
  blockedKernel,
  referenceActivations,
  setActivationKernel,
  setMatmulKernel,
  wasmActivations,
  wasmKernel,
} from '@rnn-course/core';
import type { ActivationKernel, MatmulKernel, Tensor } from '@rnn-course/core';
import { CharRnn, clipGradNorm } from '../src/index';
import type { TextChunk } from '../src/index';

/** The char-rnn lab's full-run sizes and optimiser settings (labs/char-rnn.ts, FULL). */
const CONFIG = { N: 16, T: 48, D: 32, H: 96, V: 80, lr: 3e-3, maxNorm: 50 };
/** Distinct chunks cycled through, warm-up steps, timed steps. */
const CHUNKS = 4;
const WARMUP = 3;
const STEPS = 15;

const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = fileURLToPath(new URL('train_step_torch.py', import.meta.url));

/** This process's CPU time in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Median of a list of numbers. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Seeded random chunks of ids, each `[N][T]` inputs and targets. */
function randomChunks(rng: Rng): TextChunk[] {
  const ids = (): number[][] =>
    Array.from({ length: CONFIG.N }, () =>
      Array.from({ length: CONFIG.T }, () => rng.int(CONFIG.V)),
    );
  return Array.from({ length: CHUNKS }, () => ({ inputs: ids(), targets: ids() }));
}

/** Median CPU milliseconds per training step with the given matmul and activation kernels. */
function courseStepMs(kernel: MatmulKernel, activations: ActivationKernel): number {
  const previous = setMatmulKernel(kernel);
  const previousActivations = setActivationKernel(activations);
  try {
    const rng = new Rng(0);
    const chunks = randomChunks(rng);
    const model = new CharRnn(
      { vocabSize: CONFIG.V, embedDim: CONFIG.D, hiddenSize: CONFIG.H },
      rng,
    );
    const params = model.parameters();
    const names = ['We', 'Wx', 'Wh', 'b', 'Wy', 'by'];
    const optimizer = new Adam(params, { lr: CONFIG.lr });
    let h: Tensor = model.initialState(CONFIG.N); // [N, H]
    // The body of the lab's training loop.
    const step = (k: number): void => {
      optimizer.zeroGrad();
      const { loss, hNext } = model.forward(chunks[k % CHUNKS]!, h); // eq. 1.10
      loss.backward();
      h = hNext;
      const grads: Record<string, Tensor> = {};
      params.forEach((p, i) => {
        if (p.grad) grads[names[i]!] = p.grad;
      });
      const { grads: clipped } = clipGradNorm(grads, CONFIG.maxNorm); // eq. 1.12
      params.forEach((p, i) => {
        const g = clipped[names[i]!];
        if (g) p.grad = g;
      });
      optimizer.step();
    };
    for (let k = 0; k < WARMUP; k++) step(k);
    const samples: number[] = [];
    for (let k = 0; k < STEPS; k++) {
      const t0 = cpuMs();
      step(k);
      samples.push(cpuMs() - t0);
    }
    return median(samples);
  } finally {
    setMatmulKernel(previous);
    setActivationKernel(previousActivations);
  }
}

/** PyTorch's median ms per step in float64 and float32, or the reason it could not run. */
function torchStepMs():
  | { torch: string; threads: number; float64: number; float32: number }
  | { missing: string } {
  if (!existsSync(PYTHON)) return { missing: `${PYTHON} is not installed` };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { missing: `${PYTHON} cannot import torch` };
  const args = JSON.stringify({ ...CONFIG, chunks: CHUNKS, warmup: 5, steps: 30 });
  const run = spawnSync(PYTHON, [TORCH_SCRIPT, args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${TORCH_SCRIPT} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

const rows: [string, number][] = [];
if (wasmKernel !== null && wasmActivations !== null) {
  rows.push([
    `course, WebAssembly kernels (${wasmKernel.name}, ${wasmActivations.name}), f64`,
    courseStepMs(wasmKernel, wasmActivations),
  ]);
}
rows.push([
  `course, TypeScript kernels (${blockedKernel.name}, ${referenceActivations.name}), f64`,
  courseStepMs(blockedKernel, referenceActivations),
]);
const torch = torchStepMs();

const { N, T, D, H, V } = CONFIG;
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `char-rnn training step (N ${N}, T ${T}, D ${D}, H ${H}, V ${V}, Adam, clipping), ` +
    `median CPU ms per step, ${new Date().toISOString().slice(0, 10)}`,
);
console.log(`${cpu}, ${os.cpus().length} cores, Node ${process.versions.node}`);
if ('missing' in torch) {
  console.log(
    `PyTorch: not measured (${torch.missing}); install Debian's python3-torch to compare.`,
  );
} else {
  console.log(`PyTorch ${torch.torch}, ${torch.threads} thread`);
  rows.push(['PyTorch, f64', torch.float64], ['PyTorch, f32', torch.float32]);
}
console.log(`load average (1 min) at the end of the run: ${os.loadavg()[0]!.toFixed(2)}`);
console.log('');
const withTorch = !('missing' in torch);
const header = ['contestant', 'ms per step'];
if (withTorch) header.push('÷ PyTorch f64', '÷ PyTorch f32');
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
for (const [name, ms] of rows) {
  const cells = [name, ms.toFixed(1)];
  if (withTorch) {
    cells.push((ms / torch.float64).toFixed(2), (ms / torch.float32).toFixed(2));
  }
  console.log(`| ${cells.join(' | ')} |`);
}
