/**
 * Lab: long-term dependencies. The vanilla RNN of chapter 1, the LSTM and the GRU, each with the
 * same number of parameters, are trained on two tasks whose answer depends on something seen
 * `lag` steps earlier, at growing lags:
 *
 * 1. the adding problem (Hochreiter & Schmidhuber 1997): add the two marked numbers of a
 *    sequence of length T, one mark in each half; an answer counts as right when it is within
 *    0.04 of the sum (their criterion);
 * 2. the copy task: read K symbols, wait, write them back after a delimiter. Training sequences
 *    draw their delay from K + 1 up to `lag`; the held-out ones all have the delay `lag`, so
 *    each symbol must be written exactly `lag` steps after it was read. Accuracy is per
 *    copied symbol.
 *
 * Every run trains for the same number of Adam steps on fresh seeded batches, clips the
 * gradient's global norm (chapter 1, eq. 1.12), and is scored on a fixed held-out batch. The
 * LSTM starts with its forget-gate bias at 1 (Jozefowicz et al. 2015). Figure:
 * figures/long-term.svg, accuracy against lag for the three cells, one panel per task.
 *
 *   npm run lab:long-term -w @rnn-course/lstm-gru                      # reference
 *   npm run lab:long-term -w @rnn-course/lstm-gru -- --impl solutions  # hand-written cells
 *   npm run lab:long-term -w @rnn-course/lstm-gru -- --quick           # smoke run
 *
 * Chapter 2, "Long-term dependencies".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Adam,
  Rng,
  abs,
  clipGradNormInPlace,
  crossEntropy,
  mean,
  noGrad,
  square,
  sub,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  addingProblem,
  copyTask,
  labCommand,
  outputDir,
  parseLabArgs,
  progress,
  runIfMain,
  stackedLineCharts,
  usage,
  writeFigure,
} from '@rnn-course/lab';
import type { Progress } from '@rnn-course/lab';
import { SequenceModel, hiddenSizeForParams, recurrentParamCount } from '../src/index';
import type { CellKind, GatedLayers } from '../src/index';
import { loadImpl } from './impl';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** The three cells, in the order of every table and figure. */
export const CELLS: readonly CellKind[] = ['rnn', 'lstm', 'gru'];

/** Display names. */
export const CELL_NAMES: Record<CellKind, string> = {
  rnn: 'vanilla RNN',
  lstm: 'LSTM',
  gru: 'GRU',
};

/** How one task is trained and scored. */
export interface TaskConfig {
  lags: number[]; // one run per lag (and per cell)
  steps: number; // Adam steps per run
  batchSize: number; // N
  lr: number; // Adam's learning rate
  evalSize: number; // sequences in the held-out batch
}

/** Sizes and schedule of the lab. */
export interface LongTermLabConfig {
  /** H of the vanilla RNN; the LSTM and the GRU get the H with the same parameter count. */
  rnnHidden: number;
  maxNorm: number; // clipping threshold
  forgetBias: number; // the LSTM's initial forget-gate bias
  adding: TaskConfig;
  copy: TaskConfig & { symbols: number; count: number };
}

export const FULL: LongTermLabConfig = {
  rnnHidden: 64,
  maxNorm: 1,
  forgetBias: 1,
  adding: { lags: [5, 10, 20, 40], steps: 800, batchSize: 32, lr: 1e-2, evalSize: 512 },
  copy: {
    lags: [5, 10, 20, 40],
    steps: 800,
    batchSize: 32,
    lr: 1e-2,
    evalSize: 512,
    symbols: 4,
    count: 3,
  },
};

export const QUICK: LongTermLabConfig = {
  rnnHidden: 16,
  maxNorm: 1,
  forgetBias: 1,
  adding: { lags: [4, 8], steps: 25, batchSize: 16, lr: 1e-2, evalSize: 64 },
  copy: { lags: [4, 8], steps: 25, batchSize: 16, lr: 1e-2, evalSize: 64, symbols: 4, count: 2 },
};

/** One trained model: its sizes, its score, and its cost. */
export interface RunResult {
  task: 'adding' | 'copy';
  cell: CellKind;
  lag: number;
  hiddenSize: number;
  params: number;
  /** Fraction right on the held-out batch (adding: |error| < 0.04; copy: per symbol). */
  accuracy: number;
  /** The held-out loss (adding: mean squared error; copy: cross-entropy per copied symbol). */
  loss: number;
  /** Wall-clock milliseconds per training step (forward, backward, clipping, Adam). */
  msPerStep: number;
}

/** What the lab measured. */
export interface LongTermLabResult {
  config: LongTermLabConfig;
  impl: string;
  runs: RunResult[];
  seconds: number;
  files: string[];
}

/** The sizes of the three cells on one task: the RNN's H, the others matched to its count. */
export function matchedSizes(
  rnnHidden: number,
  inputSize: number,
  outputSize: number,
): Record<CellKind, number> {
  const readout = (H: number): number => H * outputSize + outputSize;
  const target = recurrentParamCount('rnn', inputSize, rnnHidden) + readout(rnnHidden);
  return {
    rnn: rnnHidden,
    lstm: hiddenSizeForParams('lstm', inputSize, target, outputSize),
    gru: hiddenSizeForParams('gru', inputSize, target, outputSize),
  };
}

/**
 * Trains one model on one task at one lag and scores it on the held-out batch. The model's
 * initial weights depend on `seed` only, the batches on `seed` and the lag: every cell sees the
 * same data.
 *
 * @returns the trained model and its score
 */
export function trainModel(
  taskName: 'adding' | 'copy',
  cell: CellKind,
  lag: number,
  config: LongTermLabConfig,
  layers: GatedLayers,
  seed: number,
  bar: Progress,
): { model: SequenceModel; result: RunResult } {
  const task = taskName === 'adding' ? config.adding : config.copy;
  const { symbols: S, count: K } = config.copy;
  const inputSize = taskName === 'adding' ? 2 : S + 2;
  const outputSize = taskName === 'adding' ? 1 : S;
  const H = matchedSizes(config.rnnHidden, inputSize, outputSize)[cell];
  const model = new SequenceModel(
    { cell, inputSize, hiddenSize: H, outputSize, forgetBias: config.forgetBias },
    new Rng(seed),
    layers,
  );
  const params = model.parameters();
  const optimizer = new Adam(params, { lr: task.lr });
  // The same batches for every cell: the data generator's seed depends on the lag only.
  const data = new Rng(seed + 1000 + lag);
  const heldRng = new Rng(seed + 2000 + lag);
  // Training copies use every delay from K + 1 up to the lag; the held-out ones exactly the lag.
  const lossOf = (
    size: number,
    rng: Rng,
    heldOut: boolean,
  ): { loss: () => Tensor; score: () => number } => {
    if (taskName === 'adding') {
      const { x, y } = addingProblem(size, lag, rng); // x [N, lag, 2], y [N, 1]
      return {
        loss: () => mean(square(sub(model.lastOutput(x), y))),
        score: () => {
          const err = abs(sub(model.lastOutput(x), y)).data; // [N, 1]
          return err.filter((e) => e < 0.04).length / size;
        },
      };
    }
    const minLag = heldOut ? lag : K + 1;
    const { x, targets, mask } = copyTask(size, S, K, lag, rng, minLag); // x [N, lag + K, S + 2]
    return {
      loss: () => crossEntropy(model.outputs(x), targets, { mask }), // mean over copied symbols
      score: () => {
        const logits = model.outputs(x); // [N, T, S]
        const T = lag + K;
        let right = 0;
        for (let n = 0; n < size; n++) {
          for (let t = lag; t < T; t++) {
            const row = logits.data.subarray((n * T + t) * S, (n * T + t + 1) * S);
            if (row.indexOf(Math.max(...row)) === targets[n]![t]) right++;
          }
        }
        return right / (size * K);
      },
    };
  };
  const held = lossOf(task.evalSize, heldRng, true);
  const started = performance.now();
  for (let step = 1; step <= task.steps; step++) {
    const { loss } = lossOf(task.batchSize, data, false);
    optimizer.zeroGrad();
    const L = loss();
    L.backward();
    clipGradNormInPlace(params, config.maxNorm);
    optimizer.step();
    bar.tick(L.item(), `${cell} lag ${lag}`);
  }
  const msPerStep = (performance.now() - started) / task.steps;
  const { accuracy, loss } = noGrad(() => ({ accuracy: held.score(), loss: held.loss().item() }));
  const result: RunResult = {
    task: taskName,
    cell,
    lag,
    hiddenSize: H,
    params: model.parameterCount(),
    accuracy,
    loss,
    msPerStep,
  };
  return { model, result };
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<LongTermLabResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/long-term.ts [flags]\n${usage()}`);
    return undefined;
  }
  const base = args.quick ? QUICK : FULL;
  const steps = args.steps;
  const config: LongTermLabConfig = {
    ...base,
    adding: { ...base.adding, steps: steps ?? base.adding.steps },
    copy: { ...base.copy, steps: steps ?? base.copy.steps },
  };
  const out = outputDir(args, FIGURES, 'lstm-gru');
  const lab = await loadImpl(args.impl);
  const started = performance.now();
  for (const line of lab.report) console.log(`  ${line}`);

  const runs: RunResult[] = [];
  for (const task of ['adding', 'copy'] as const) {
    const t = config[task];
    const inputSize = task === 'adding' ? 2 : config.copy.symbols + 2;
    const outputSize = task === 'adding' ? 1 : config.copy.symbols;
    const sizes = matchedSizes(config.rnnHidden, inputSize, outputSize);
    console.log(
      `${task}: lags ${t.lags.join(', ')}; ${t.steps} Adam steps of N = ${t.batchSize} per run; ` +
        CELLS.map((c) => `${CELL_NAMES[c]} H = ${sizes[c]}`).join(', '),
    );
    const bar = progress(t.steps * t.lags.length * CELLS.length, task);
    for (const lag of t.lags) {
      for (const cell of CELLS) {
        const r = trainModel(task, cell, lag, config, lab.layers, args.seed, bar).result;
        runs.push(r);
        bar.log(
          `${task} lag ${lag} ${CELL_NAMES[cell]} (H = ${r.hiddenSize}, ${r.params} parameters): ` +
            `accuracy ${(100 * r.accuracy).toFixed(1)}%, loss ${r.loss.toFixed(4)}, ` +
            `${r.msPerStep.toFixed(0)} ms/step`,
        );
      }
    }
    bar.done();
  }

  const chance = {
    adding: addingChance(config.adding.evalSize, args.seed),
    copy: 1 / config.copy.symbols,
  };
  const panel = (task: 'adding' | 'copy', title: string, yLabel: string) => {
    const lags = config[task].lags;
    return {
      title,
      xLabel:
        task === 'adding'
          ? 'sequence length T (the first mark is up to T − 1 steps back)'
          : 'lag (steps between reading a symbol and writing it)',
      yLabel,
      logX: true,
      yDomain: [0, 1] as const,
      series: [
        ...CELLS.map((cell) => {
          const mine = runs.filter((r) => r.task === task && r.cell === cell);
          return {
            name: `${CELL_NAMES[cell]} (H = ${mine[0]?.hiddenSize}, ${mine[0]?.params} parameters)`,
            points: mine.map((r) => [r.lag, r.accuracy] as [number, number]),
            markers: true,
          };
        }),
        {
          name: task === 'adding' ? 'always answering 1' : 'guessing',
          points: [
            [lags[0] as number, chance[task]],
            [lags.at(-1) as number, chance[task]],
          ] as [number, number][],
          dashed: true,
        },
      ],
      height: 220,
    };
  };
  const svg = await stackedLineCharts(
    `Long-term dependencies: RNN, LSTM and GRU of equal parameter count`,
    [
      panel(
        'adding',
        `Adding problem: ${config.adding.steps} steps of Adam, N = ${config.adding.batchSize}`,
        'accuracy (|error| < 0.04)',
      ),
      panel(
        'copy',
        `Copy task: ${config.copy.count} of ${config.copy.symbols} symbols, ${config.copy.steps} steps of Adam`,
        'accuracy per copied symbol',
      ),
    ],
  );
  const files = [writeFigure(join(out, 'long-term.svg'), svg)];
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n${summaryTable(runs)}`);
  console.log(
    `\n${seconds.toFixed(0)} s; reproduce: ${labCommand('lab:long-term', '@rnn-course/lstm-gru', args)}`,
  );
  console.log(`wrote ${files.join(', ')}`);
  return { config, impl: lab.impl, runs, seconds, files };
}

/** The accuracy of always answering 1 on the held-out adding problems of the first lag. */
function addingChance(size: number, seed: number): number {
  const { y } = addingProblem(size, 10, new Rng(seed + 3000));
  return y.data.filter((v) => Math.abs(v - 1) < 0.04).length / size;
}

/** A plain-text table of every run: task, lag, cell, H, parameters, accuracy, ms per step. */
export function summaryTable(runs: readonly RunResult[]): string {
  const rows = runs.map(
    (r) =>
      `${r.task.padEnd(6)}  ${String(r.lag).padStart(3)}  ${CELL_NAMES[r.cell].padEnd(11)}  ` +
      `${String(r.hiddenSize).padStart(3)}  ${String(r.params).padStart(6)}  ` +
      `${(100 * r.accuracy).toFixed(1).padStart(5)}%  ${r.loss.toFixed(4).padStart(7)}  ${r.msPerStep.toFixed(0).padStart(5)}`,
  );
  return ['task    lag  cell           H  params  accuracy  loss     ms/step', ...rows].join('\n');
}

runIfMain(import.meta.url, main);
