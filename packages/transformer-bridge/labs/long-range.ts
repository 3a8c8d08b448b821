/**
 * Lab: a long-range dependency, learned by an LSTM and by a small transformer encoder.
 *
 * The task ("recall the marked token"): a sequence of T tokens over K symbols; exactly one of
 * the first T − 1 is marked (it is drawn from a second copy of the alphabet, ids K … 2K − 1),
 * and the last token is a query (id 2K). The model must output, at the query, which symbol was
 * marked. The distance is T − 1 − p for a mark at position p: how far back the answer lies.
 * The LSTM must carry the symbol in its state across that distance; self-attention can look it
 * up in one step from the query, whatever the distance.
 *
 * Each model trains until its accuracy on a monitor set reaches 99% or for at most 1000 steps.
 * Both models see the same batches and the same optimiser (Adam, gradients clipped by their
 * global norm as in chapter 1); accuracy is measured on a fixed test set with every
 * distance equally represented. Figure: figures/long-range.svg; table: figures/long-range.md.
 *
 *   npm run lab:long-range -w @rnn-course/transformer-bridge [-- --quick | --steps N | --seed N]
 *
 * Chapter 4, "Long-range dependencies, measured".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Adam,
  Rng,
  add,
  clipGradNormInPlace,
  crossEntropy,
  embedding,
  matmul,
  noGrad,
  timeStep,
  xavierUniform,
  zeros,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  labCommand,
  outputDir,
  parseLabArgs,
  progress,
  runIfMain,
  stackedLineCharts,
  usage,
  writeFigure,
} from '@rnn-course/lab';
import { TransformerEncoder } from '../src/index';
import { lstm, lstmParams } from './lstm-temporary';
import { markdownReport } from './report';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Sizes and schedule of a run. */
export interface LongRangeConfig {
  length: number; // T, the query included
  symbols: number; // K
  batch: number; // N
  maxSteps: number; // training stops here if the target accuracy was not reached before
  target: number; // monitor accuracy at which training stops
  lr: number; // Adam
  maxNorm: number; // gradient clipping by the global norm, as in chapter 1
  lstmHidden: number; // H of the LSTM
  embedDim: number; // D of the LSTM's input embedding
  dModel: number; // E of the transformer
  heads: number;
  dFF: number;
  layers: number;
  monitorEvery: number; // steps between two measurements on the monitor set
  monitorPerDistance: number; // monitor sequences for each distance 1 … T − 1
  testPerDistance: number; // final test sequences for each distance
  bucket: number; // distances per point of the accuracy-by-distance curve
}

export const FULL: LongRangeConfig = {
  length: 64,
  symbols: 8,
  batch: 32,
  maxSteps: 1000,
  target: 0.99,
  lr: 3e-3,
  maxNorm: 1,
  lstmHidden: 48,
  embedDim: 16,
  dModel: 32,
  heads: 2,
  dFF: 64,
  layers: 1,
  monitorEvery: 25,
  monitorPerDistance: 8,
  testPerDistance: 32,
  bucket: 8,
};

export const QUICK: LongRangeConfig = {
  ...FULL,
  length: 10,
  batch: 16,
  maxSteps: 30,
  lstmHidden: 16,
  embedDim: 8,
  dModel: 16,
  dFF: 32,
  monitorEvery: 10,
  monitorPerDistance: 2,
  testPerDistance: 4,
  bucket: 3,
};

/** A batch of the task: ids `[N][T]`, the answers `[N]` and the distances `[N]`. */
export interface RecallBatch {
  ids: number[][];
  answers: number[];
  distances: number[];
}

/**
 * Sequences of the task. `distances[n]` is drawn uniformly from 1 … T − 1 unless given.
 *
 * @returns ids over 2K + 1 symbols: 0 … K − 1 plain, K … 2K − 1 marked, 2K the query
 */
export function recallBatch(
  N: number,
  T: number,
  K: number,
  rng: Rng,
  distances?: readonly number[],
): RecallBatch {
  const ids: number[][] = [];
  const answers: number[] = [];
  const ds: number[] = [];
  for (let n = 0; n < N; n++) {
    const d = distances?.[n] ?? 1 + rng.int(T - 1);
    const row = Array.from({ length: T - 1 }, () => rng.int(K));
    const p = T - 1 - d; // the marked position
    const answer = row[p] as number;
    row[p] = K + answer;
    row.push(2 * K); // the query
    ids.push(row);
    answers.push(answer);
    ds.push(d);
  }
  return { ids, answers, distances: ds };
}

/** A classifier of sequences: logits `[N, K]` read at the last position. */
interface Model {
  name: string;
  parameters: Tensor[];
  logits(ids: number[][]): Tensor;
}

function lstmModel(config: LongRangeConfig, rng: Rng): Model {
  const { symbols: K, embedDim: D, lstmHidden: H } = config;
  const We = xavierUniform([2 * K + 1, D], rng); // [V, D]
  const cell = lstmParams(D, H, rng, { forgetBias: 1 });
  const Wy = xavierUniform([H, K], rng); // [H, K]
  const by = zeros([K], { requiresGrad: true });
  return {
    name: 'LSTM',
    parameters: [We, cell.Wx, cell.Wh, cell.b, Wy, by],
    logits(ids) {
      const N = ids.length;
      const T = ids[0]?.length as number;
      const h0 = zeros([N, H]);
      const { h } = lstm(embedding(We, ids), h0, h0, cell.Wx, cell.Wh, cell.b); // [N, T, H]
      return add(matmul(timeStep(h, T - 1), Wy), by); // [N, H]·[H, K] = [N, K]
    },
  };
}

function transformerModel(config: LongRangeConfig, rng: Rng): Model {
  const { symbols: K, dModel: E } = config;
  const encoder = new TransformerEncoder(
    {
      vocabSize: 2 * K + 1,
      dModel: E,
      numHeads: config.heads,
      dFF: config.dFF,
      numLayers: config.layers,
      maxLen: config.length,
      positional: 'sinusoidal',
    },
    rng,
  );
  const Wy = xavierUniform([E, K], rng); // [E, K]
  const by = zeros([K], { requiresGrad: true });
  return {
    name: 'transformer encoder',
    parameters: [...encoder.parameters(), Wy, by],
    logits(ids) {
      const T = ids[0]?.length as number;
      const { h } = encoder.forward(ids); // [N, T, E]
      return add(matmul(timeStep(h, T - 1), Wy), by); // [N, E]·[E, K] = [N, K]
    },
  };
}

/** Accuracy per distance 1 … T − 1 on the test set, and overall. */
function evaluate(
  model: Model,
  test: RecallBatch,
  T: number,
): { perDistance: number[]; mean: number } {
  const correct = new Array<number>(T).fill(0);
  const count = new Array<number>(T).fill(0);
  noGrad(() => {
    for (let start = 0; start < test.ids.length; start += 128) {
      const ids = test.ids.slice(start, start + 128);
      const logits = model.logits(ids); // [n, K]
      const K = logits.shape[1] as number;
      ids.forEach((_, i) => {
        let best = 0;
        for (let k = 1; k < K; k++)
          if (logits.data[i * K + k]! > logits.data[i * K + best]!) best = k;
        const d = test.distances[start + i] as number;
        count[d]! += 1;
        if (best === test.answers[start + i]) correct[d]! += 1;
      });
    }
  });
  const perDistance = correct.map((c, d) => (count[d]! > 0 ? c / count[d]! : NaN)).slice(1);
  const mean = correct.reduce((a, b) => a + b, 0) / count.reduce((a, b) => a + b, 0);
  return { perDistance, mean };
}

/** What one model did. */
export interface LongRangeRun {
  name: string;
  parameterCount: number;
  /** Steps trained: the first monitor point at the target accuracy, or maxSteps. */
  steps: number;
  /** The step at which the monitor accuracy first reached the target, or null. */
  stepsToTarget: number | null;
  seconds: number; // training wall time (without the measurements)
  msPerStep: number;
  /** [step, monitor accuracy over all distances]. */
  curve: [number, number][];
  /** Monitor accuracy at distances 1 … T − 1, at every monitor step. */
  snapshots: { step: number; perDistance: number[] }[];
  /** Final test accuracy at distances 1 … T − 1. */
  perDistance: number[];
  finalAccuracy: number;
}

/** What a run measured. */
export interface LongRangeResult {
  config: LongRangeConfig;
  runs: LongRangeRun[];
  files: string[];
}

/** Trains until the monitor accuracy reaches the target or `maxSteps` have run. */
function train(
  model: Model,
  config: LongRangeConfig,
  seed: number,
  monitor: RecallBatch,
  test: RecallBatch,
): LongRangeRun {
  const rng = new Rng(seed); // the same batches for both models
  const opt = new Adam(model.parameters, { lr: config.lr });
  const start = evaluate(model, monitor, config.length);
  const curve: [number, number][] = [[0, start.mean]];
  const snapshots = [{ step: 0, perDistance: start.perDistance }];
  const bar = progress(config.maxSteps, model.name);
  let seconds = 0;
  let stepsToTarget: number | null = null;
  let step = 0;
  while (step < config.maxSteps && stepsToTarget === null) {
    step++;
    const batch = recallBatch(config.batch, config.length, config.symbols, rng);
    const t0 = performance.now();
    opt.zeroGrad();
    const loss = crossEntropy(model.logits(batch.ids), batch.answers);
    loss.backward();
    clipGradNormInPlace(model.parameters, config.maxNorm);
    opt.step();
    seconds += (performance.now() - t0) / 1000;
    if (step % config.monitorEvery === 0 || step === config.maxSteps) {
      const m = evaluate(model, monitor, config.length);
      const acc = m.mean;
      curve.push([step, acc]);
      snapshots.push({ step, perDistance: m.perDistance });
      if (acc >= config.target) stepsToTarget = step;
      bar.tick(loss.item(), `monitor accuracy ${(100 * acc).toFixed(1)}%`);
    } else {
      bar.tick(loss.item());
    }
  }
  if (stepsToTarget !== null)
    bar.log(`${model.name}: ${(100 * config.target).toFixed(0)}% reached at step ${step}`);
  bar.done();
  const final = evaluate(model, test, config.length);
  return {
    name: model.name,
    parameterCount: model.parameters.reduce((s, p) => s + p.size, 0),
    steps: step,
    stepsToTarget,
    seconds,
    msPerStep: (1000 * seconds) / step,
    curve,
    snapshots,
    perDistance: final.perDistance,
    finalAccuracy: final.mean,
  };
}

/** Mean accuracy over consecutive groups of `size` distances: [middle distance, accuracy]. */
export function byBuckets(perDistance: readonly number[], size: number): [number, number][] {
  const points: [number, number][] = [];
  for (let lo = 0; lo < perDistance.length; lo += size) {
    const xs = perDistance.slice(lo, lo + size);
    points.push([lo + 1 + (xs.length - 1) / 2, xs.reduce((a, b) => a + b, 0) / xs.length]);
  }
  return points;
}

/**
 * The snapshots at about a quarter, half, three quarters and all of a run's steps (each the
 * first monitor step at or after that fraction), to show how accuracy spreads over distances
 * while a model learns.
 */
export function milestones(run: LongRangeRun): { step: number; perDistance: number[] }[] {
  const picked = [0.25, 0.5, 0.75, 1].map(
    (f) => run.snapshots.find((s) => s.step >= f * run.steps) ?? run.snapshots.at(-1)!,
  );
  return picked.filter((s, i) => picked.findIndex((t) => t.step === s.step) === i && s.step > 0);
}

/** Accuracy by ranges of distance, and the training effort, as a Markdown table. */
export function table(runs: readonly LongRangeRun[], config: LongRangeConfig): string {
  const T = config.length;
  const edges = [1, 4, 8, 16, 32, 64, 128, 256].filter((e) => e < T);
  const ranges = edges.map((lo, i) => [lo, Math.min((edges[i + 1] ?? T) - 1, T - 1)] as const);
  const cells = (r: LongRangeRun) =>
    ranges.map(([lo, hi]) => {
      const xs = r.perDistance.slice(lo - 1, hi);
      return `${((100 * xs.reduce((a, b) => a + b, 0)) / xs.length).toFixed(0)}%`;
    });
  const head = ranges.map(([lo, hi]) => (lo === hi ? `d = ${lo}` : `d = ${lo}–${hi}`));
  const target = `steps to ${(100 * config.target).toFixed(0)}%`;
  const pct = (xs: readonly number[]): string =>
    `${((100 * xs.reduce((a, b) => a + b, 0)) / xs.length).toFixed(0)}%`;
  const rows = runs.flatMap((r) => [
    ...milestones(r).map(
      (m) =>
        `| ${r.name}, after ${m.step} steps (monitor) | | | | ` +
        `${ranges.map(([lo, hi]) => pct(m.perDistance.slice(lo - 1, hi))).join(' | ')} | ` +
        `${pct(m.perDistance)} |`,
    ),
    `| ${r.name}, final (test) | ${r.parameterCount} | ` +
      `${r.stepsToTarget === null ? `not in ${config.maxSteps}` : r.stepsToTarget} | ` +
      `${r.msPerStep.toFixed(0)} | ${cells(r).join(' | ')} | ` +
      `${(100 * r.finalAccuracy).toFixed(0)}% |`,
  ]);
  return [
    `| model | parameters | ${target} | ms per step | ${head.join(' | ')} | all |`,
    `| --- | ---: | ---: | ---: | ${head.map(() => '---:').join(' | ')} | ---: |`,
    ...rows,
    '',
  ].join('\n');
}

/** Every distance 1 … T − 1, `perDistance` times each. */
function everyDistance(T: number, perDistance: number): number[] {
  return Array.from({ length: T - 1 }, (_, d) => new Array<number>(perDistance).fill(d + 1)).flat();
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<LongRangeResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/long-range.ts [flags]\n${usage()}`);
    return undefined;
  }
  if (args.impl !== 'reference') {
    throw new Error('the long-range lab trains the reference models only; drop --impl');
  }
  const base = args.quick ? QUICK : FULL;
  const config: LongRangeConfig = { ...base, maxSteps: args.steps ?? base.maxSteps };
  const out = outputDir(args, FIGURES, 'transformer-bridge');
  const T = config.length;
  const K = config.symbols;
  // Held-out sequences with every distance equally often: a small monitor set measured during
  // training (it decides when to stop) and a larger test set measured once at the end.
  const monitorDistances = everyDistance(T, config.monitorPerDistance);
  const monitor = recallBatch(
    monitorDistances.length,
    T,
    K,
    new Rng(args.seed + 98),
    monitorDistances,
  );
  const testDistances = everyDistance(T, config.testPerDistance);
  const test = recallBatch(testDistances.length, T, K, new Rng(args.seed + 99), testDistances);
  const initRng = new Rng(args.seed);
  const runs = [lstmModel(config, initRng), transformerModel(config, initRng)].map((model) =>
    train(model, config, args.seed + 1, monitor, test),
  );
  const md = table(runs, config);
  console.log(md);
  const chance = 1 / K;
  const files = [
    writeFigure(
      join(out, 'long-range.svg'),
      await stackedLineCharts(
        `Recall the marked token: T = ${T}, ${K} symbols, batches of ${config.batch}, ` +
          `training stops at ${(100 * config.target).toFixed(0)}% or ${config.maxSteps} steps`,
        [
          {
            title: `accuracy by distance to the marked token while training (monitor set, mean of each ${config.bucket} distances)`,
            xLabel: 'distance (positions back from the query)',
            yLabel: 'accuracy',
            series: [
              ...runs.flatMap((r) =>
                milestones(r).map((m) => ({
                  name: `${r.name}, step ${m.step}`,
                  points: byBuckets(m.perDistance, config.bucket),
                  dashed: r.name !== 'LSTM',
                })),
              ),
              {
                name: 'chance',
                points: [
                  [1, chance],
                  [T - 1, chance],
                ] as [number, number][],
                dashed: true,
              },
            ],
            height: 240,
          },
          {
            title: 'accuracy on the monitor set during training (all distances)',
            xLabel: 'training step',
            yLabel: 'accuracy',
            series: runs.map((r) => ({ name: r.name, points: r.curve })),
            height: 200,
          },
        ],
      ),
    ),
    writeFigure(
      join(out, 'long-range.md'),
      markdownReport(
        'Recall the marked token',
        `T = ${T}, ${K} symbols, Adam (learning rate ${config.lr}, gradients clipped at norm ` +
          `${config.maxNorm}) on batches of ${config.batch}, each model trained until its ` +
          `accuracy on ${monitor.ids.length} monitor sequences reaches ` +
          `${(100 * config.target).toFixed(0)}% or for ${config.maxSteps} steps; test accuracy ` +
          `by distance d on ${config.testPerDistance} sequences per distance.`,
        labCommand('lab:long-range', '@rnn-course/transformer-bridge', args),
        md,
      ),
    ),
  ];
  console.log(`reproduce: ${labCommand('lab:long-range', '@rnn-course/transformer-bridge', args)}`);
  console.log(`wrote ${files.join(', ')}`);
  return { config, runs, files };
}

runIfMain(import.meta.url, main);
