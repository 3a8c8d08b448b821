/**
 * One training step of the course's LSTM, the contestant of lstm-step.bench.ts: forward over T
 * steps from zero states, the loss mean((h − target)²) over every hidden state, backward, one
 * Adam update, float64, on the reference (`lstm` from src/, gradients by autograd) or on the
 * worked solutions (`lstmForward` / `lstmBackward` as one `customOp` node).
 *
 * Run as a script, it times one implementation in its own process, as the bench does for
 * TensorFlow.js and PyTorch, so that neither course contestant's allocations and garbage
 * collection land in the other's time, and prints one JSON line:
 *
 *     npx tsx bench/course-lstm-step.ts reference|solutions|reference-in-lab N T D H seconds
 *
 * `reference-in-lab` times the reference in a process that first loads what a lab holds (the
 * lab kit and chapter 2's long-term lab), since every full garbage collection walks the whole
 * heap: it is the step as a learner waits for it in a lab.
 */
import { fileURLToPath } from 'node:url';
import { Adam, Rng, mean, randn, square, sub, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { lstmParams, modelWithGatedLayers, referenceGatedLayers } from '../src/index';
import type { GatedLayers } from '../src/index';
import * as lstmSolution from '../../../solutions/lstm-gru/lstm';

/** The sizes of a step. */
export interface StepSizes {
  N: number;
  T: number;
  D: number;
  H: number;
}

/**
 * A training step of the LSTM on `layers`, with its own weights, inputs, targets and optimiser
 * (seed 0, so both implementations start from the same numbers), and the gradients its first
 * call computed (for the bench's check that both implementations agree).
 */
export function courseStep(
  layers: GatedLayers,
  { N, T, D, H }: StepSizes,
): { step: () => void; grads: () => Tensor[] } {
  const rng = new Rng(0);
  const { Wx, Wh, b } = lstmParams(D, H, rng);
  const params = [Wx, Wh, b];
  const x = randn([N, T, D], rng); // [N, T, D]
  const target = randn([N, T, H], rng); // [N, T, H]
  const h0 = zeros([N, H]);
  const c0 = zeros([N, H]);
  const optimizer = new Adam(params, { lr: 1e-3 });
  let first: Tensor[] = [];
  const step = (): void => {
    optimizer.zeroGrad();
    const { h } = layers.lstm(x, h0, c0, Wx, Wh, b); // [N, T, H]
    mean(square(sub(h, target))).backward();
    if (first.length === 0) first = params.map((p) => (p.grad as Tensor).clone());
    optimizer.step();
  };
  return { step, grads: () => first };
}

/** Median CPU milliseconds per step over about `seconds` of CPU time, after one warm-up step. */
async function main(): Promise<void> {
  const [which, N, T, D, H, seconds] = process.argv.slice(2);
  if (which !== 'reference' && which !== 'solutions' && which !== 'reference-in-lab') {
    throw new Error(
      `unknown implementation '${which}' (expected reference, solutions or reference-in-lab)`,
    );
  }
  if (which === 'reference-in-lab') {
    await import('@rnn-course/lab');
    await import('../labs/long-term');
  }
  const layers = which === 'solutions' ? modelWithGatedLayers(lstmSolution) : referenceGatedLayers;
  const { step } = courseStep(layers, { N: Number(N), T: Number(T), D: Number(D), H: Number(H) });
  const cpuMs = (): number => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  step();
  const samples: number[] = [];
  const start = cpuMs();
  while (samples.length < 2 || cpuMs() - start < Number(seconds) * 1000) {
    const c0 = cpuMs();
    step();
    samples.push(cpuMs() - c0);
  }
  samples.sort((a, b) => a - b);
  console.log(JSON.stringify({ cpuMs: samples[samples.length >> 1], steps: samples.length }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
