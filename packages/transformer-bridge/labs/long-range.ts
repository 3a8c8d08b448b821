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
 * Both models see the same batches; accuracy is measured on a fixed test set with every
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
  steps: number; // training steps of each model
  lr: number; // Adam
  lstmHidden: number; // H of the LSTM
  embedDim: number; // D of the LSTM's input embedding
  dModel: number; // E of the transformer
  heads: number;
  dFF: number;
  layers: number;
  evalEvery: number; // steps between two measurements of test accuracy
  testPerDistance: number; // test sequences for each distance 1 … T − 1
}

export const FULL: LongRangeConfig = {
  length: 64,
  symbols: 8,
  batch: 32,
  steps: 400,
  lr: 3e-3,
  lstmHidden: 48,
  embedDim: 16,
  dModel: 32,
  heads: 2,
  dFF: 64,
  layers: 1,
  evalEvery: 100,
  testPerDistance: 12,
};

export const QUICK: LongRangeConfig = {
  ...FULL,
  length: 10,
  batch: 16,
  steps: 30,
  lstmHidden: 16,
  embedDim: 8,
  dModel: 16,
  dFF: 32,
  evalEvery: 15,
  testPerDistance: 4,
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
  seconds: number; // training wall time
  msPerStep: number;
  /** [step, mean test accuracy]. */
  curve: [number, number][];
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

function train(
  model: Model,
  config: LongRangeConfig,
  seed: number,
  test: RecallBatch,
): LongRangeRun {
  const rng = new Rng(seed); // the same batches for both models
  const opt = new Adam(model.parameters, { lr: config.lr });
  const curve: [number, number][] = [[0, evaluate(model, test, config.length).mean]];
  const bar = progress(config.steps, model.name);
  let seconds = 0;
  for (let step = 1; step <= config.steps; step++) {
    const batch = recallBatch(config.batch, config.length, config.symbols, rng);
    const t0 = performance.now();
    opt.zeroGrad();
    const loss = crossEntropy(model.logits(batch.ids), batch.answers);
    loss.backward();
    opt.step();
    seconds += (performance.now() - t0) / 1000;
    if (step % config.evalEvery === 0 || step === config.steps) {
      const acc = evaluate(model, test, config.length).mean;
      curve.push([step, acc]);
      bar.tick(loss.item(), `test accuracy ${(100 * acc).toFixed(1)}%`);
    } else {
      bar.tick(loss.item());
    }
  }
  bar.done();
  const final = evaluate(model, test, config.length);
  return {
    name: model.name,
    parameterCount: model.parameters.reduce((s, p) => s + p.size, 0),
    seconds,
    msPerStep: (1000 * seconds) / config.steps,
    curve,
    perDistance: final.perDistance,
    finalAccuracy: final.mean,
  };
}

/** Accuracy by ranges of distance, as a Markdown table. */
export function table(runs: readonly LongRangeRun[], T: number): string {
  const edges = [1, 4, 8, 16, 32, 64, 128, 256].filter((e) => e < T);
  const ranges = edges.map((lo, i) => [lo, Math.min((edges[i + 1] ?? T) - 1, T - 1)] as const);
  const cells = (r: LongRangeRun) =>
    ranges.map(([lo, hi]) => {
      const xs = r.perDistance.slice(lo - 1, hi);
      return `${((100 * xs.reduce((a, b) => a + b, 0)) / xs.length).toFixed(0)}%`;
    });
  const head = ranges.map(([lo, hi]) => (lo === hi ? `d = ${lo}` : `d = ${lo}–${hi}`));
  return [
    `| model | parameters | ms per step | ${head.join(' | ')} | all |`,
    `| --- | ---: | ---: | ${head.map(() => '---:').join(' | ')} | ---: |`,
    ...runs.map(
      (r) =>
        `| ${r.name} | ${r.parameterCount} | ${r.msPerStep.toFixed(0)} | ${cells(r).join(' | ')} | ` +
        `${(100 * r.finalAccuracy).toFixed(0)}% |`,
    ),
    '',
  ].join('\n');
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
  const config: LongRangeConfig = { ...base, steps: args.steps ?? base.steps };
  const out = outputDir(args, FIGURES, 'transformer-bridge');
  const T = config.length;
  // Every distance 1 … T − 1 equally often in the test set.
  const distances = Array.from({ length: T - 1 }, (_, d) =>
    new Array<number>(config.testPerDistance).fill(d + 1),
  ).flat();
  const test = recallBatch(distances.length, T, config.symbols, new Rng(args.seed + 99), distances);
  const initRng = new Rng(args.seed);
  const runs = [lstmModel(config, initRng), transformerModel(config, initRng)].map((model) =>
    train(model, config, args.seed + 1, test),
  );
  const md = table(runs, T);
  console.log(md);
  const chance = 1 / config.symbols;
  const files = [
    writeFigure(
      join(out, 'long-range.svg'),
      await stackedLineCharts(
        `Recall the marked token: T = ${T}, ${config.symbols} symbols, ${config.steps} steps of batch ${config.batch}`,
        [
          {
            title: 'test accuracy after training, by distance to the marked token',
            xLabel: 'distance (positions back from the query)',
            yLabel: 'accuracy',
            series: [
              ...runs.map((r) => ({
                name: `${r.name} (${r.parameterCount} parameters)`,
                points: r.perDistance.map((a, i) => [i + 1, a] as [number, number]),
              })),
              {
                name: 'chance',
                points: [
                  [1, chance],
                  [T - 1, chance],
                ] as [number, number][],
                dashed: true,
              },
            ],
            height: 220,
          },
          {
            title: 'test accuracy during training (all distances)',
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
        `T = ${T}, ${config.symbols} symbols, ${config.steps} Adam steps (learning rate ` +
          `${config.lr}) of batch ${config.batch} for each model; test accuracy by distance d.`,
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
