/**
 * A training loop that labs share when they compare models: Adam (Kingma & Ba 2015) with a
 * learning rate that decays along a half cosine (Loshchilov & Hutter 2017, without restarts),
 * gradients clipped to a global norm (chapter 1), a progress bar with the running loss, and the
 * wall-clock and processor time the loop took. Two models trained through it with the same
 * options and the same batches differ only in the model, so their curves and times can be set
 * side by side (chapter 4 trains chapter 3's date translator and a transformer this way).
 */
import { Adam, clipGradNormInPlace } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { progress } from './progress';

/**
 * The learning rate at step `step` of `steps` (1-based): `lr` at the first step, decaying along
 * a half cosine towards `lr · floor` after the last,
 *
 *   lr_t = lr · (floor + (1 − floor) · (1 + cos(π (t − 1) / steps)) / 2).
 *
 * @throws RangeError for a step outside 1 … steps or a floor outside [0, 1]
 */
export function cosineLearningRate(lr: number, step: number, steps: number, floor = 0.1): number {
  if (!Number.isInteger(step) || !Number.isInteger(steps) || step < 1 || step > steps) {
    throw new RangeError(
      `cosineLearningRate: step must be an integer in 1 … steps = ${steps}, received ${step}`,
    );
  }
  if (!(floor >= 0 && floor <= 1)) {
    throw new RangeError(`cosineLearningRate: floor must be in [0, 1], received ${floor}`);
  }
  return lr * (floor + ((1 - floor) / 2) * (1 + Math.cos((Math.PI * (step - 1)) / steps)));
}

/** Options of {@link trainWithAdam}. */
export interface TrainOptions {
  /** the tensors Adam updates, each through its `.grad` */
  params: Tensor[];
  /** number of updates (> 0) */
  steps: number;
  /** the learning rate of the first step */
  lr: number;
  /** the last steps' learning rate, as a fraction of `lr` (default 0.1) */
  floor?: number;
  /** gradients are clipped to this global norm before each update */
  maxNorm: number;
  /** the progress bar's label */
  label: string;
  /**
   * The loss of step `step` (1 … steps) as a differentiable scalar: draw the step's batch and run
   * the model on it. Called after the gradients were zeroed.
   */
  loss(step: number): Tensor;
}

/** What {@link trainWithAdam} measured. */
export interface TrainResult {
  /** [step, running loss]: the progress bar's bias-corrected moving average (β = 0.98) */
  curve: [number, number][];
  /** the loss of every step, as computed on its batch */
  losses: number[];
  /** processor seconds of this process after each step, from the loop's start */
  cpuAt: number[];
  /** wall-clock seconds of the whole loop */
  wallSeconds: number;
  /**
   * Processor seconds (user + system) of this process during the loop: the work itself, which
   * other processes on a shared machine do not inflate as they do the wall-clock time. The core
   * computes on one thread; the garbage collector's helper threads are counted too.
   */
  cpuSeconds: number;
}

/** Processor seconds this process has used so far. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Trains for `steps` updates: zero the gradients, compute `loss(step)`, backpropagate, clip the
 * gradients' global norm to `maxNorm`, and take an Adam step at the cosine learning rate.
 *
 * @returns the loss curve and the wall-clock and processor time of the loop
 */
export function trainWithAdam(options: TrainOptions): TrainResult {
  const { params, steps, lr, floor = 0.1, maxNorm, label } = options;
  const optimizer = new Adam(params, { lr });
  const bar = progress(steps, label);
  const curve: [number, number][] = [];
  const losses: number[] = [];
  const cpuAt: number[] = [];
  const wall0 = performance.now();
  const cpu0 = cpuNow();
  for (let step = 1; step <= steps; step++) {
    optimizer.lr = cosineLearningRate(lr, step, steps, floor);
    optimizer.zeroGrad();
    const loss = options.loss(step);
    loss.backward();
    clipGradNormInPlace(params, maxNorm);
    optimizer.step();
    const value = loss.item();
    bar.tick(value);
    losses.push(value);
    curve.push([step, bar.runningLoss as number]);
    cpuAt.push(cpuNow() - cpu0);
  }
  bar.done();
  return {
    curve,
    losses,
    cpuAt,
    wallSeconds: (performance.now() - wall0) / 1000,
    cpuSeconds: cpuNow() - cpu0,
  };
}
