/**
 * One training step of a one-layer LSTM (forward over T steps, backward through time, one Adam
 * update) at N = 32, T = 32, D = 64, H = 128, timed on:
 *
 * - the reference: `lstm` from src/, gradients by the core's autograd;
 * - the worked solutions: `lstmForward` / `lstmBackward`, one `customOp` node;
 * - PyTorch's `torch.nn.LSTM` (float64 and float32, one thread), when `/usr/bin/python3` can
 *   import torch (bench/torch_lstm_step.py); otherwise it says so and goes on.
 *
 *   npm run bench -w @rnn-course/lstm-gru
 *
 * The loss is mean((h − target)²) over every hidden state, as in the PyTorch script. After a
 * warm-up each contestant runs for about 4 s; the table gives the median wall-clock and CPU
 * milliseconds per step and ratios against the reference measured in the same run (the cores are
 * shared, so absolute times vary from run to run; ratios much less). The reference and the
 * solutions must give the same loss and gradients, or the timing is void.
 * TensorFlow.js (`tf.layers.lstm`) is not compared here yet.
 *
 * A second table times one training step of the long-term lab's three models of equal
 * parameter count (vanilla RNN H = 64, LSTM H = 31, GRU H = 36, with their read-out) on the
 * adding problem at T = 40, N = 32: the "time per step" column of the chapter's comparison.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Adam, Rng, maxRelError, mean, randn, square, sub, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { addingProblem } from '@rnn-course/lab';
import {
  SequenceModel,
  lstmParams,
  modelWithGatedLayers,
  referenceGatedLayers,
} from '../src/index';
import type { CellKind, GatedLayers } from '../src/index';
import { matchedSizes } from '../labs/long-term';
import * as lstmSolution from '../../../solutions/lstm-gru/lstm';

const [N, T, D, H] = [32, 32, 64, 128];
const SECONDS = 4;

/** Median of a list of numbers. */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median wall and CPU milliseconds of `step` over about SECONDS, after two warm-up calls. */
function timeSteps(step: () => void): { wallMs: number; cpuMs: number; steps: number } {
  for (let k = 0; k < 2; k++) step();
  const walls: number[] = [];
  const cpus: number[] = [];
  const start = performance.now();
  while (walls.length < 3 || performance.now() - start < SECONDS * 1000) {
    const w0 = performance.now();
    const c0 = process.cpuUsage();
    step();
    const c = process.cpuUsage(c0);
    walls.push(performance.now() - w0);
    cpus.push((c.user + c.system) / 1000);
  }
  return { wallMs: median(walls), cpuMs: median(cpus), steps: walls.length };
}

/** Times training steps of the LSTM on `layers`; returns medians and the first step's grads. */
function benchLayers(layers: GatedLayers): {
  wallMs: number;
  cpuMs: number;
  steps: number;
  grads: Tensor[];
} {
  const rng = new Rng(0);
  const { Wx, Wh, b } = lstmParams(D, H, rng);
  const params = [Wx, Wh, b];
  const x = randn([N, T, D], rng); // [N, T, D]
  const target = randn([N, T, H], rng); // [N, T, H]
  const h0 = zeros([N, H]);
  const c0 = zeros([N, H]);
  const optimizer = new Adam(params, { lr: 1e-3 });
  let grads: Tensor[] = [];
  const step = (): void => {
    optimizer.zeroGrad();
    const { h } = layers.lstm(x, h0, c0, Wx, Wh, b); // [N, T, H]
    mean(square(sub(h, target))).backward();
    if (grads.length === 0) grads = params.map((p) => (p.grad as Tensor).clone());
    optimizer.step();
  };
  const timing = timeSteps(step); // the warm-up's first step keeps its gradients
  return { ...timing, grads };
}

/** PyTorch's timings, or the reason there are none. */
function benchTorch():
  | {
      float64: { wallMs: number; cpuMs: number };
      float32: { wallMs: number; cpuMs: number };
      torch: string;
    }
  | string {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return `${python} not found`;
  const script = fileURLToPath(new URL('./torch_lstm_step.py', import.meta.url));
  const run = spawnSync(python, [script, String(N), String(T), String(D), String(H)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (run.status !== 0) {
    const why = (run.stderr || run.error?.message || '').trim().split('\n').at(-1);
    return `${python} could not run the PyTorch bench (${why})`;
  }
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
}

const solutions = modelWithGatedLayers(lstmSolution);
const ref = benchLayers(referenceGatedLayers);
const sol = benchLayers(solutions);
const agree = ref.grads.every((g, i) => maxRelError(g, sol.grads[i] as Tensor) < 1e-8);

const rows: [string, number, number][] = [
  ['reference (autograd), float64', ref.wallMs, ref.cpuMs],
  ['solutions (hand-written backward, customOp), float64', sol.wallMs, sol.cpuMs],
];
const torch = benchTorch();
if (typeof torch === 'string') {
  console.log(`PyTorch: not measured: ${torch}.`);
} else {
  rows.push([
    `torch.nn.LSTM ${torch.torch}, 1 thread, float64`,
    torch.float64.wallMs,
    torch.float64.cpuMs,
  ]);
  rows.push([
    `torch.nn.LSTM ${torch.torch}, 1 thread, float32`,
    torch.float32.wallMs,
    torch.float32.cpuMs,
  ]);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `One LSTM training step (forward, backward, Adam), N = ${N}, T = ${T}, D = ${D}, H = ${H}; ` +
    `${new Date().toISOString().slice(0, 10)}`,
);
console.log(`${cpu}, ${os.cpus().length} cores, Node ${process.versions.node}`);
console.log(`load average (1 min) at the end of the run: ${os.loadavg()[0]!.toFixed(2)}`);
console.log('');
console.log('| implementation | ms/step (wall) | ms/step (CPU) | CPU time / reference |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, wall, cpuMs] of rows) {
  console.log(
    `| ${name} | ${wall.toFixed(1)} | ${cpuMs.toFixed(1)} | ${(cpuMs / ref.cpuMs).toFixed(3)} |`,
  );
}
console.log('');
console.log('TensorFlow.js (tf.layers.lstm) is not compared here yet.');

// The three cells of the long-term lab, equal parameter counts, one Adam step each.
const T_CELLS = 40;
const sizes = matchedSizes(64, 2, 1);
console.log('');
console.log(
  `One training step of the long-term lab's models: adding problem, N = 32, T = ${T_CELLS}, ` +
    'reference implementation',
);
console.log('');
console.log('| cell | H | parameters | ms/step (wall) | ms/step (CPU) | CPU time / RNN |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
let rnnCpu = 0;
for (const cell of ['rnn', 'lstm', 'gru'] as CellKind[]) {
  const rng = new Rng(0);
  const model = new SequenceModel(
    { cell, inputSize: 2, hiddenSize: sizes[cell], outputSize: 1, forgetBias: 1 },
    rng,
  );
  const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
  const { x, y } = addingProblem(32, T_CELLS, rng);
  const t = timeSteps(() => {
    optimizer.zeroGrad();
    mean(square(sub(model.lastOutput(x), y))).backward();
    optimizer.step();
  });
  if (cell === 'rnn') rnnCpu = t.cpuMs;
  console.log(
    `| ${cell} | ${sizes[cell]} | ${model.parameterCount()} | ${t.wallMs.toFixed(1)} | ` +
      `${t.cpuMs.toFixed(1)} | ${(t.cpuMs / rnnCpu).toFixed(2)} |`,
  );
}
if (!agree) {
  console.error("The solutions' gradients differ from the reference's: the timing is void.");
  process.exitCode = 1;
}
