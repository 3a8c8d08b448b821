/**
 * Lab: forecasting a seeded seasonal series (trend + daily and weekly cycles + noise) with the
 * chapter's RnnRegressor: eq. 1.1 reads one value per step, eq. 1.8 maps the hidden state to a
 * prediction of the next value, the loss is the mean squared error.
 *
 * The model does not see the raw values: a straight line fitted to the first 75% of the series
 * (the training part) is subtracted, and the model learns the detrended, standardised series.
 * After training it forecasts the next two days in two ways, adding the line back: one step
 * ahead (the model always reads the true previous value) and many steps ahead (after the last
 * observed value it reads its own predictions). The yardstick is the seasonal naive forecast,
 * which repeats the last observed day. It writes figures/time-series.svg (or into --out).
 *
 *   npm run lab:time-series -w @rnn-course/rnn [-- --quick | --steps N | --impl exercises]
 *
 * Chapter 1, "Time series prediction".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Adam, Rng, fromData, noGrad } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  fitLine,
  labCommand,
  lineChart,
  parseLabArgs,
  progress,
  runIfMain,
  seasonalSeries,
  usage,
  writeFigure,
  outputDir,
} from '@rnn-course/lab';
import type { Line } from '@rnn-course/lab';
import { RnnRegressor } from '../src/index';
import { loadImpl } from './impl';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Sizes and schedule of a run. */
export interface TimeSeriesLabConfig {
  length: number; // steps of the series
  hiddenSize: number; // H
  batchSize: number; // N windows per step
  window: number; // T, steps per training window
  steps: number; // parameter updates
  lr: number; // Adam's learning rate
  maxNorm: number; // clipping threshold (eq. 1.12)
  horizon: number; // steps forecast after the training part (48 = two days)
}

export const FULL: TimeSeriesLabConfig = {
  length: 1600,
  hiddenSize: 32,
  batchSize: 16,
  window: 96,
  steps: 400,
  lr: 1e-2,
  maxNorm: 1,
  horizon: 48,
};

export const QUICK: TimeSeriesLabConfig = {
  length: 600,
  hiddenSize: 16,
  batchSize: 8,
  window: 48,
  steps: 40,
  lr: 1e-2,
  maxNorm: 1,
  horizon: 48,
};

/** The period of the daily cycle, in steps: the seasonal naive forecast repeats it. */
const DAY = 24;

/** What a run measured (root-mean-square errors over the horizon, in the units of the series). */
export interface TimeSeriesLabResult {
  config: TimeSeriesLabConfig;
  /** [step, training MSE on standardised values]. */
  train: [number, number][];
  rmseOneStep: number;
  rmseMultiStep: number;
  /** Error of repeating the last observed day (the multi-step forecast's peer). */
  rmseSeasonalNaive: number;
  /** The trend removed before training, fitted on the training part. */
  trend: Line;
  seconds: number;
  files: string[];
}

function rmse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.sqrt(s / a.length);
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<TimeSeriesLabResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/time-series.ts [flags]\n${usage()}`);
    return undefined;
  }
  const base = args.quick ? QUICK : FULL;
  const config: TimeSeriesLabConfig = { ...base, steps: args.steps ?? base.steps };
  const out = outputDir(args, FIGURES, 'rnn');
  const started = performance.now();

  // The trend ℓ_t = a + b t, fitted on the training part only (the future is unknown), is
  // removed from the whole series and added back to every prediction. What is left,
  // r_t = s_t − ℓ_t, stays in the range the model saw in training; the raw values s_t leave it
  // as the trend rises, and a model of them drifts back to the range it knows.
  const raw = seasonalSeries({ length: config.length, seed: args.seed });
  const split = Math.floor(config.length * 0.75);
  const horizon = Math.min(config.horizon, config.length - split);
  const trend = fitLine(raw.subarray(0, split));
  const trendAt = (t: number): number => trend.intercept + trend.slope * t;
  // r_t has mean zero on the training part (a property of least squares), so standardising
  // only divides by its deviation there.
  let ss = 0;
  for (let t = 0; t < split; t++) ss += ((raw[t] as number) - trendAt(t)) ** 2;
  const sigma = Math.sqrt(ss / split);
  const z = raw.map((v, t) => (v - trendAt(t)) / sigma);
  const toSeries = (v: number, t: number): number => v * sigma + trendAt(t); // z_t -> r_t + ℓ_t

  const lab = await loadImpl(args.impl);
  const rng = new Rng(args.seed);
  const model = new RnnRegressor(config.hiddenSize, rng, lab.layers);
  const params = model.parameters();
  const names = ['Wx', 'Wh', 'b', 'Wy', 'by'];
  const optimizer = new Adam(params, { lr: config.lr });
  console.log(
    `time-series: ${config.length} steps (${split} for training), trend ${trend.slope.toFixed(4)} per step, ` +
      `H = ${config.hiddenSize}, N = ${config.batchSize} windows of T = ${config.window}, ${config.steps} steps`,
  );
  for (const line of lab.report.slice(1, 2)) console.log(`  ${line}`);

  // Training: random windows of the training part, each predicting its values shifted by one.
  const train: [number, number][] = [];
  const bar = progress(config.steps, 'time-series');
  const T = config.window;
  for (let step = 1; step <= config.steps; step++) {
    const xs = new Float64Array(config.batchSize * T);
    const ys = new Float64Array(config.batchSize * T);
    for (let n = 0; n < config.batchSize; n++) {
      const start = rng.int(split - T - 1);
      xs.set(z.subarray(start, start + T), n * T);
      ys.set(z.subarray(start + 1, start + T + 1), n * T);
    }
    optimizer.zeroGrad();
    const loss = model.loss(
      fromData(xs, [config.batchSize, T, 1]),
      fromData(ys, [config.batchSize, T, 1]),
    );
    loss.backward();
    const grads: Record<string, Tensor> = {};
    params.forEach((p, i) => {
      if (p.grad) grads[names[i] as string] = p.grad;
    });
    const { grads: clipped } = lab.clipGradNorm(grads, config.maxNorm);
    params.forEach((p, i) => {
      const g = clipped[names[i] as string];
      if (g) p.grad = g;
    });
    optimizer.step();
    bar.tick(loss.item());
    train.push([step, bar.runningLoss as number]);
  }
  bar.done();

  // One step ahead: run over the whole series reading true values; entry t predicts t+1.
  const oneStep = noGrad(() => model.forward(fromData(z, [1, config.length, 1])).data); // [1, L, 1]
  const truth = Array.from(raw.subarray(split, split + horizon));
  const predOne = Array.from(oneStep.subarray(split - 1, split - 1 + horizon), (v, i) =>
    toSeries(v, split + i),
  );
  // Many steps ahead: read the training part, then feed predictions back.
  const predMulti = model
    .forecast(Array.from(z.subarray(0, split)), horizon)
    .map((v, i) => toSeries(v, split + i));
  // The seasonal naive forecast knows what the multi-step one knows: it repeats the last
  // observed day.
  const naive = truth.map((_, i) => raw[split - DAY + (i % DAY)] as number);
  const result = {
    rmseOneStep: rmse(predOne, truth),
    rmseMultiStep: rmse(predMulti, truth),
    rmseSeasonalNaive: rmse(naive, truth),
  };

  const from = Math.max(0, split - 96);
  const points = (values: ArrayLike<number>, t0: number): [number, number][] =>
    Array.from(values, (v, i) => [t0 + i, v] as [number, number]);
  const svg = await lineChart({
    title: 'RNN forecasts of a seasonal series, trend removed before training',
    subtitle:
      `RMSE over ${horizon} steps: one step ${result.rmseOneStep.toFixed(3)}, ` +
      `multi-step ${result.rmseMultiStep.toFixed(3)}, ` +
      `repeat last day ${result.rmseSeasonalNaive.toFixed(3)}`,
    xLabel: 'time step (hours)',
    yLabel: 'value',
    series: [
      { name: 'truth', points: points(raw.subarray(from, split + horizon), from) },
      { name: 'one step ahead', points: points(predOne, split) },
      { name: 'multi-step (predictions fed back)', points: points(predMulti, split), dashed: true },
      { name: 'seasonal naive (repeat last day)', points: points(naive, split), dashed: true },
    ],
    rules: [{ x: split, label: 'forecast starts' }],
    width: 640,
  });
  const files = [writeFigure(join(out, 'time-series.svg'), svg)];
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `RMSE one step ${result.rmseOneStep.toFixed(3)}, multi-step ${result.rmseMultiStep.toFixed(3)}, ` +
      `seasonal naive ${result.rmseSeasonalNaive.toFixed(3)} (noise std 0.1); ${seconds.toFixed(1)} s`,
  );
  console.log(`reproduce: ${labCommand('lab:time-series', '@rnn-course/rnn', args)}`);
  console.log(`wrote ${files.join(', ')}`);
  return { config, train, ...result, trend, seconds, files };
}

runIfMain(import.meta.url, main);
