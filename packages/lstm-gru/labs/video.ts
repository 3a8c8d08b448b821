/**
 * Lab: video analysis in miniature. Seeded synthetic clips show a small shape moving one pixel
 * per frame across a 10 × 10 grid, right, left, down or up, with pixel noise; each frame is
 * flattened to a vector of 100 values, and an LSTM reads the frames in order and classifies the
 * direction of motion from its last hidden state. The yardstick is a classifier of the same
 * kind (softmax regression) on the average of the frames, which sees where the shape went but
 * not in which order: it can tell horizontal from vertical motion, not right from left.
 *
 * Figure: figures/video-clips.svg, a few held-out clips frame by frame with the true and the
 * predicted direction.
 *
 *   npm run lab:video -w @rnn-course/lstm-gru [-- --quick | --impl solutions | --seed N]
 *
 * Chapter 2, "Video analysis in miniature".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Adam,
  Rng,
  add,
  clipGradNormInPlace,
  crossEntropy,
  matmul,
  mean,
  noGrad,
  xavierUniform,
  zeros,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  DIRECTIONS,
  imageGrid,
  labCommand,
  movingShapeClips,
  outputDir,
  parseLabArgs,
  progress,
  runIfMain,
  usage,
  writeFigure,
} from '@rnn-course/lab';
import { SequenceModel } from '../src/index';
import { loadImpl } from './impl';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Sizes and schedule of a run. */
export interface VideoLabConfig {
  frames: number; // T
  size: number; // G, the side of a frame
  noise: number; // standard deviation of the pixel noise
  hiddenSize: number; // H of the LSTM
  steps: number; // Adam steps, each on a fresh batch
  batchSize: number;
  lr: number;
  evalSize: number; // held-out clips
  shown: number; // clips in the figure
}

export const FULL: VideoLabConfig = {
  frames: 8,
  size: 10,
  noise: 0.2,
  hiddenSize: 32,
  steps: 300,
  batchSize: 32,
  lr: 1e-2,
  evalSize: 1000,
  shown: 6,
};

export const QUICK: VideoLabConfig = {
  ...FULL,
  hiddenSize: 16,
  steps: 30,
  evalSize: 200,
  shown: 4,
};

/** What a run measured. */
export interface VideoLabResult {
  config: VideoLabConfig;
  impl: string;
  /** Held-out accuracy of the LSTM and of the average-frame classifier. */
  accuracy: { lstm: number; averageFrame: number };
  /** confusion[true][predicted] counts of the LSTM on the held-out clips. */
  confusion: number[][];
  /** [step, running training loss] of the LSTM. */
  train: [number, number][];
  seconds: number;
  files: string[];
}

/** The mean over the frames: `[N, T, D]` -> `[N, D]`. */
function averageFrame(x: Tensor): Tensor {
  return mean(x, 1); // [N, D]
}

/** The index of the largest entry of each row of `[N, K]` scores. */
function argmaxRows(scores: Tensor): number[] {
  const [N, K] = scores.shape as [number, number];
  return Array.from({ length: N }, (_, n) => {
    const row = scores.data.subarray(n * K, (n + 1) * K);
    return row.indexOf(Math.max(...row));
  });
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<VideoLabResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/video.ts [flags]\n${usage()}`);
    return undefined;
  }
  const base = args.quick ? QUICK : FULL;
  const config: VideoLabConfig = { ...base, steps: args.steps ?? base.steps };
  const out = outputDir(args, FIGURES, 'lstm-gru');
  const lab = await loadImpl(args.impl);
  for (const line of lab.report) console.log(`  ${line}`);
  const started = performance.now();
  const { frames: T, size: G } = config;
  const K = DIRECTIONS.length;
  const clipOptions = { frames: T, size: G, noise: config.noise };
  const held = movingShapeClips({ ...clipOptions, count: config.evalSize }, new Rng(args.seed + 1));

  const rng = new Rng(args.seed);
  const lstm = new SequenceModel(
    { cell: 'lstm', inputSize: G * G, hiddenSize: config.hiddenSize, outputSize: K, forgetBias: 1 },
    rng,
    lab.layers,
  );
  // The yardstick: softmax regression on the average frame, W [D, K], b [K].
  const W = xavierUniform([G * G, K], rng);
  const b = zeros([K], { requiresGrad: true });
  const optimizers = [
    new Adam(lstm.parameters(), { lr: config.lr }),
    new Adam([W, b], { lr: config.lr }),
  ];
  console.log(
    `video: clips of ${T} frames of ${G} × ${G} pixels (noise ${config.noise}), ` +
      `${DIRECTIONS.join(' / ')}; LSTM H = ${config.hiddenSize} (${lstm.parameterCount()} parameters), ` +
      `${config.steps} steps of N = ${config.batchSize}`,
  );

  const data = new Rng(args.seed + 2);
  const train: [number, number][] = [];
  const bar = progress(config.steps, 'video');
  for (let step = 1; step <= config.steps; step++) {
    const { x, labels } = movingShapeClips({ ...clipOptions, count: config.batchSize }, data);
    for (const o of optimizers) o.zeroGrad();
    const loss = crossEntropy(lstm.lastOutput(x), labels); // [N, K] scores, mean over the clips
    loss.backward();
    clipGradNormInPlace(lstm.parameters(), 1);
    crossEntropy(add(matmul(averageFrame(x), W), b), labels).backward();
    for (const o of optimizers) o.step();
    bar.tick(loss.item());
    train.push([step, bar.runningLoss as number]);
  }
  bar.done();

  const { predicted, baseline } = noGrad(() => ({
    predicted: argmaxRows(lstm.lastOutput(held.x)), // [N]
    baseline: argmaxRows(add(matmul(averageFrame(held.x), W), b)), // [N]
  }));
  const right = (p: number[]): number =>
    p.filter((k, n) => k === held.labels[n]).length / held.labels.length;
  const accuracy = { lstm: right(predicted), averageFrame: right(baseline) };
  const confusion = DIRECTIONS.map(() => new Array<number>(K).fill(0));
  held.labels.forEach((label, n) => confusion[label]![predicted[n]!]!++);

  // The first clips of the held-out set, frame by frame.
  const rows = Array.from({ length: config.shown }, (_, n) => ({
    label:
      `clip ${n + 1}: ${DIRECTIONS[held.labels[n]!]}, ` +
      `LSTM says ${DIRECTIONS[predicted[n]!]}, average frame says ${DIRECTIONS[baseline[n]!]}`,
    images: Array.from({ length: T }, (_, t) =>
      Array.from({ length: G }, (_, r) =>
        Array.from(
          held.x.data.subarray((n * T + t) * G * G + r * G, (n * T + t) * G * G + (r + 1) * G),
        ),
      ),
    ),
  }));
  const svg = await imageGrid({
    title: 'Which way does the shape move? Held-out clips, frame by frame',
    subtitle:
      `held-out accuracy over ${config.evalSize} clips: LSTM over the frames ` +
      `${(100 * accuracy.lstm).toFixed(1)}%, classifier of the average frame ` +
      `${(100 * accuracy.averageFrame).toFixed(1)}% (chance 25%)`,
    rows,
    columnLabels: Array.from({ length: T }, (_, t) => `frame ${t + 1}`),
    domain: [0, 1],
  });
  const files = [writeFigure(join(out, 'video-clips.svg'), svg)];
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `held-out accuracy: LSTM ${(100 * accuracy.lstm).toFixed(1)}%, average-frame classifier ` +
      `${(100 * accuracy.averageFrame).toFixed(1)}%; ${seconds.toFixed(0)} s`,
  );
  console.log(`confusion of the LSTM (rows: true ${DIRECTIONS.join(', ')}; columns: predicted):`);
  for (const row of confusion) console.log(`  ${row.map((c) => String(c).padStart(4)).join('')}`);
  console.log(`reproduce: ${labCommand('lab:video', '@rnn-course/lstm-gru', args)}`);
  console.log(`wrote ${files.join(', ')}`);
  return { config, impl: lab.impl, accuracy, confusion, train, seconds, files };
}

runIfMain(import.meta.url, main);
