/**
 * One training step of a one-layer LSTM (forward over T steps, backward through time, one Adam
 * update) at N = 32, T = 32, D = 64, H = 128, timed on:
 *
 * - the reference: `lstm` from src/, gradients by the core's autograd, float64;
 * - the worked solutions: `lstmForward` / `lstmBackward`, one `customOp` node, float64;
 *   both in a child process per round (bench/course-lstm-step.ts), as the peers;
 * - the reference again, in a child process that first loads the lab kit and the long-term lab,
 *   as a lab's process holds them (a full garbage collection walks the whole heap);
 * - TensorFlow.js's `tf.layers.lstm` on its WebAssembly backend (XNNPACK, SIMD) and on its
 *   plain-JavaScript 'cpu' backend, float32, each in a child process per round
 *   (bench/tfjs-lstm-step.ts; TensorFlow.js comes from the core's bench folder, installed on
 *   first use, never from the course's own install);
 * - PyTorch's `torch.nn.LSTM`, float64 and float32, one thread, when `/usr/bin/python3` can
 *   import torch (bench/torch_lstm_step.py); otherwise it says so and goes on.
 *
 *   npm run bench -w @rnn-course/lstm-gru
 *
 * The loss is mean((h − target)²) over every hidden state, as in the peers' scripts. The cores
 * are shared, so the contestants take turns: ROUNDS rounds, each running every contestant in a
 * child process of its own for about a second of CPU time (so that no contestant's allocations
 * and garbage collection land in another's time: the two course contestants once shared this
 * process, and each paid for part of the other's collections), and the table gives the median
 * CPU milliseconds per step (the child's user + system time: at a load above the core count the
 * wall clock mostly measures the wait for a core) and ratios within the run. The reference and
 * the solutions must give the same gradients (checked once, here), or the timing is void.
 *
 * A second table times one training step of the long-term lab's three models of equal
 * parameter count (vanilla RNN H = 64, LSTM H = 31, GRU H = 36, with their read-out) on the
 * adding problem at T = 40, N = 32: the "time per step" column of the chapter's comparison.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Adam, Rng, maxRelError, mean, square, sub } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { addingProblem } from '@rnn-course/lab';
import { SequenceModel, modelWithGatedLayers, referenceGatedLayers } from '../src/index';
import type { CellKind } from '../src/index';
import { matchedSizes } from '../labs/long-term';
import * as lstmSolution from '../../../solutions/lstm-gru/lstm';
import { courseStep } from './course-lstm-step';

const [N, T, D, H] = [32, 32, 64, 128];
/** Rounds of turns. */
const ROUNDS = 5;
const SECONDS = 4; // per model in the second table

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

/** PyTorch's median CPU ms per step in float64 and float32 over about `seconds` each. */
type TorchRound = { torch: string; float64: number; float32: number };

/** One PyTorch round, or the reason there is none. */
function torchRound(seconds: number): TorchRound | string {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return `${python} not found`;
  const script = fileURLToPath(new URL('./torch_lstm_step.py', import.meta.url));
  const args = [script, String(N), String(T), String(D), String(H), String(seconds)];
  const run = spawnSync(python, args, {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (run.status !== 0) {
    const why = (run.stderr || run.error?.message || '').trim().split('\n').at(-1);
    return `${python} could not run the PyTorch bench (${why})`;
  }
  const r = JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
  return { torch: r.torch, float64: r.float64.cpuMs, float32: r.float32.cpuMs };
}

/**
 * Runs `script` (next to this file) for `mode` at the bench's sizes in a child process: the JSON
 * of its last line, or why it could not run.
 */
function childRound(script: string, mode: string, seconds: number): unknown | { failed: string } {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const args = ['--import', 'tsx', path, mode, ...[N, T, D, H, seconds].map(String)];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const last = run.stdout?.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !last.startsWith('{')) {
    return { failed: (run.stderr || run.error?.message || '').trim().split('\n').at(-1) ?? '' };
  }
  return JSON.parse(last);
}

const failed = (r: unknown): r is { failed: string } =>
  typeof r === 'object' && r !== null && 'failed' in r;

/** One round of a course implementation in a child process: its median CPU ms per step. */
function courseRound(
  which: 'reference' | 'solutions' | 'reference-in-lab',
  seconds: number,
): number {
  const r = childRound('./course-lstm-step.ts', which, seconds);
  if (failed(r)) throw new Error(`the course's ${which} step could not run (${r.failed})`);
  return (r as { cpuMs: number }).cpuMs;
}

/** One TensorFlow.js round on `backend` in a child process, or the reason there is none. */
function tfjsRound(
  backend: 'wasm' | 'cpu',
  seconds: number,
): { version: string; simd: boolean; threads: boolean; cpuMs: number } | string {
  const r = childRound('./tfjs-lstm-step.ts', backend, seconds);
  if (failed(r)) return `TensorFlow.js could not run (${r.failed})`;
  return r as { version: string; simd: boolean; threads: boolean; cpuMs: number };
}

const stepSizes = { N, T, D, H };
// The first step's gradients of both implementations, to compare (not timed).
const reference = courseStep(referenceGatedLayers, stepSizes);
const solutions = courseStep(modelWithGatedLayers(lstmSolution), stepSizes);
reference.step();
solutions.step();
const samples = new Map<string, number[]>();
const add = (name: string, values: number[]): void => {
  samples.set(name, [...(samples.get(name) ?? []), ...values]);
};
const REF = 'course reference (autograd), f64';
const SOL = 'course solutions (hand-written backward, customOp), f64';
const LAB = "course reference, in a lab's process (lab kit and long-term lab loaded), f64";
let tfjsInfo = '';
let tfjsMissing = '';
let torchVersion = '';
let torchMissing = '';
for (let round = 0; round < ROUNDS; round++) {
  add(REF, [courseRound('reference', 1)]);
  add(SOL, [courseRound('solutions', 1)]);
  add(LAB, [courseRound('reference-in-lab', 1)]);
  for (const backend of ['wasm', 'cpu'] as const) {
    if (tfjsMissing !== '') break;
    // About as many steps as the course's for 'wasm'; 'cpu' takes seconds per step.
    const r = tfjsRound(backend, backend === 'wasm' ? 1 : 0.1);
    if (typeof r === 'string') tfjsMissing = r;
    else {
      if (backend === 'wasm') {
        tfjsInfo = `TensorFlow.js ${r.version}: wasm backend SIMD ${r.simd ? 'on' : 'off'}, threads ${r.threads ? 'on' : 'off'}`;
      }
      add(`TensorFlow.js ${r.version} ${backend}, f32`, [r.cpuMs]);
    }
  }
  if (torchMissing === '') {
    const r = torchRound(1);
    if (typeof r === 'string') torchMissing = r;
    else {
      torchVersion = r.torch;
      add('PyTorch, 1 thread, f64', [r.float64]);
      add('PyTorch, 1 thread, f32', [r.float32]);
    }
  }
}
const agree = reference
  .grads()
  .every((g, i) => maxRelError(g, solutions.grads()[i] as Tensor) < 1e-8);

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `One LSTM training step (forward, backward, Adam), N = ${N}, T = ${T}, D = ${D}, H = ${H}; ` +
    `median CPU ms per step over ${ROUNDS} interleaved rounds, each contestant in its own process, ` +
    `${new Date().toISOString().slice(0, 10)}`,
);
console.log(`${cpu}, ${os.cpus().length} cores, Node ${process.versions.node}`);
if (tfjsMissing !== '') console.log(`TensorFlow.js: not measured: ${tfjsMissing}.`);
else console.log(tfjsInfo);
if (torchMissing !== '') console.log(`PyTorch: not measured: ${torchMissing}.`);
else console.log(`PyTorch ${torchVersion}, 1 thread`);
console.log(`load average (1 min) at the end of the run: ${os.loadavg()[0]!.toFixed(2)}`);
console.log('');
const medians = [...samples.entries()].map(([name, xs]) => [name, median(xs)] as const);
const find = (match: (name: string) => boolean): number | undefined =>
  medians.find(([name]) => match(name))?.[1];
const peers: [string, number | undefined][] = [
  ['÷ TF.js wasm', find((n) => n.startsWith('TensorFlow.js') && n.includes(' wasm,'))],
  ['÷ TF.js cpu', find((n) => n.startsWith('TensorFlow.js') && n.includes(' cpu,'))],
  ['÷ PyTorch f64', find((n) => n === 'PyTorch, 1 thread, f64')],
  ['÷ PyTorch f32', find((n) => n === 'PyTorch, 1 thread, f32')],
];
const shown = peers.filter(([, v]) => v !== undefined) as [string, number][];
console.log(`| contestant | ms per step | ${shown.map(([h]) => h).join(' | ')} |`);
console.log(`| --- | ---: | ${shown.map(() => '---:').join(' | ')} |`);
for (const [name, ms] of medians) {
  const ratios = shown.map(([, v]) => (ms / v).toFixed(2));
  console.log(`| ${name} | ${ms.toFixed(1)} | ${ratios.join(' | ')} |`);
}

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
