/**
 * Lab: how far back the gradient reaches in the three cells. On a held-out batch of the adding
 * problem of length T, with the loss L the squared error of the prediction read from h_{T−1},
 * it measures ‖∂L/∂h_t‖ for every step t (and ‖∂L/∂c_t‖ for the LSTM's cell state) with
 * `stateGradientNorms`, and plots them against the distance T − 1 − t, as chapter 1's
 * Figure 1.4 plots ‖∂h_{T−1}/∂h_t‖:
 *
 * 1. at initialisation, for the vanilla RNN, the LSTM (forget-gate bias 1, and PyTorch's
 *    default random bias), and the GRU, all of the same parameter count;
 * 2. after training on the adding problem (the models of the long-term lab at this length:
 *    same seed, same data, same schedule).
 *
 * Figure: figures/gradient-flow.svg.
 *
 *   npm run lab:gradient-flow -w @rnn-course/lstm-gru [-- --quick | --impl solutions | --seed N]
 *
 * Chapter 2, "The constant error carousel" and "Long-term dependencies".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, add, matmul, mean, square, sub } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  addingProblem,
  labCommand,
  outputDir,
  parseLabArgs,
  progress,
  runIfMain,
  stackedLineCharts,
  usage,
  writeFigure,
} from '@rnn-course/lab';
import type { Series } from '@rnn-course/lab';
import { SequenceModel, stateGradientNorms } from '../src/index';
import type { CellKind } from '../src/index';
import { loadImpl } from './impl';
import { CELLS, CELL_NAMES, FULL as LONG_TERM, matchedSizes, trainModel } from './long-term';
import type { LongTermLabConfig } from './long-term';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Sizes and schedule of a run. */
export interface GradientFlowLabConfig {
  length: number; // T of the adding problem
  measureBatch: number; // sequences the gradient norms are measured on
  rnnHidden: number; // the RNN's H; the LSTM and the GRU are matched to its parameter count
  trainSteps: number; // Adam steps before the second measurement
  batchSize: number;
  lr: number;
}

export const FULL: GradientFlowLabConfig = {
  length: 40,
  measureBatch: 64,
  rnnHidden: LONG_TERM.rnnHidden,
  trainSteps: LONG_TERM.adding.steps,
  batchSize: LONG_TERM.adding.batchSize,
  lr: LONG_TERM.adding.lr,
};

export const QUICK: GradientFlowLabConfig = {
  length: 12,
  measureBatch: 16,
  rnnHidden: 16,
  trainSteps: 20,
  batchSize: 16,
  lr: 1e-2,
};

/** One curve: which model, which state, the norm by distance d = T − 1 − t. */
export interface NormCurve {
  name: string;
  cell: CellKind;
  state: 'h' | 'c';
  byDistance: number[];
}

/** What a run measured. */
export interface GradientFlowLabResult {
  config: GradientFlowLabConfig;
  impl: string;
  initial: NormCurve[];
  trained: NormCurve[];
  /** Held-out accuracy (|error| < 0.04) of the trained models. */
  accuracy: Record<CellKind, number>;
  seconds: number;
  files: string[];
}

/** ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) of a model's squared error on a batch, by distance from the end. */
function measure(model: SequenceModel, x: Tensor, y: Tensor, label: string): NormCurve[] {
  const cell = model.config.cell;
  const Wy = model.Wy.detach();
  const by = model.by.detach();
  const loss = (hLast: Tensor): Tensor => mean(square(sub(add(matmul(hLast, Wy), by), y))); // [N, 1]
  const norms = stateGradientNorms(model.recurrent, x, loss);
  const reversed = (v: number[]): number[] => v.slice().reverse(); // index d = T − 1 − t
  const curves: NormCurve[] = [
    { name: `${label}: ‖∂L/∂h_t‖`, cell, state: 'h', byDistance: reversed(norms.h) },
  ];
  if (norms.c !== null) {
    curves.push({ name: `${label}: ‖∂L/∂c_t‖`, cell, state: 'c', byDistance: reversed(norms.c) });
  }
  return curves;
}

/** The series of a panel; the cell state's curves dashed. */
function seriesOf(curves: readonly NormCurve[]): Series[] {
  return curves.map((c) => ({
    name: c.name,
    points: c.byDistance.map((v, d) => [d, v] as [number, number]),
    dashed: c.state === 'c',
  }));
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<GradientFlowLabResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/gradient-flow.ts [flags]\n${usage()}`);
    return undefined;
  }
  const base = args.quick ? QUICK : FULL;
  const config: GradientFlowLabConfig = { ...base, trainSteps: args.steps ?? base.trainSteps };
  const out = outputDir(args, FIGURES, 'lstm-gru');
  const lab = await loadImpl(args.impl);
  for (const line of lab.report) console.log(`  ${line}`);
  const started = performance.now();
  const T = config.length;
  const sizes = matchedSizes(config.rnnHidden, 2, 1);
  const { x, y } = addingProblem(config.measureBatch, T, new Rng(args.seed + 4000)); // [N, T, 2]
  // The long-term lab's schedule, on this length only: its models, when the sizes agree.
  const training: LongTermLabConfig = {
    ...LONG_TERM,
    rnnHidden: config.rnnHidden,
    adding: {
      lags: [T],
      steps: config.trainSteps,
      batchSize: config.batchSize,
      lr: config.lr,
      evalSize: LONG_TERM.adding.evalSize,
    },
  };

  // 1. At initialisation: the models trainModel starts from (the same seed), and an LSTM with
  // PyTorch's random forget-gate bias for comparison.
  const initial: NormCurve[] = [];
  for (const cell of CELLS) {
    const model = new SequenceModel(
      {
        cell,
        inputSize: 2,
        hiddenSize: sizes[cell],
        outputSize: 1,
        forgetBias: LONG_TERM.forgetBias,
      },
      new Rng(args.seed),
      lab.layers,
    );
    const label = cell === 'lstm' ? 'LSTM, forget bias 1' : CELL_NAMES[cell];
    initial.push(...measure(model, x, y, label));
  }
  const pytorchDefault = new SequenceModel(
    { cell: 'lstm', inputSize: 2, hiddenSize: sizes.lstm, outputSize: 1 },
    new Rng(args.seed),
    lab.layers,
  );
  initial.push(
    ...measure(pytorchDefault, x, y, "LSTM, PyTorch's forget bias").filter((c) => c.state === 'c'),
  );

  // 2. After training.
  const trained: NormCurve[] = [];
  const accuracy = {} as Record<CellKind, number>;
  const bar = progress(config.trainSteps * CELLS.length, 'gradient-flow');
  for (const cell of CELLS) {
    const { model, result } = trainModel('adding', cell, T, training, lab.layers, args.seed, bar);
    accuracy[cell] = result.accuracy;
    bar.log(
      `${CELL_NAMES[cell]} trained: held-out accuracy ${(100 * result.accuracy).toFixed(1)}%`,
    );
    trained.push(...measure(model, x, y, cell === 'lstm' ? 'LSTM' : CELL_NAMES[cell]));
  }
  bar.done();

  for (const [when, curves] of [
    ['initialisation', initial],
    ['trained', trained],
  ] as const) {
    for (const c of curves) {
      const far = c.byDistance.at(-1) as number;
      console.log(
        `${when}, ${c.name}: ${c.byDistance[0]!.toExponential(2)} at distance 0, ` +
          `${far.toExponential(2)} at distance ${T - 1} (ratio ${(far / c.byDistance[0]!).toExponential(2)})`,
      );
    }
  }

  const yLabel = 'gradient norm (log scale)';
  const xLabel = `distance in time from the loss, T − 1 − t (T = ${T})`;
  const svg = await stackedLineCharts(
    `How far back does the gradient reach? ‖∂L/∂h_t‖ on the adding problem, equal parameter counts`,
    [
      {
        title: 'At initialisation',
        subtitle: CELLS.map((c) => `${CELL_NAMES[c]} H = ${sizes[c]}`).join(', '),
        xLabel,
        yLabel,
        series: seriesOf(initial),
        logY: true,
        height: 220,
      },
      {
        title: `After ${config.trainSteps} steps of Adam on the adding problem`,
        subtitle: `held-out accuracy: ${CELLS.map((c) => `${CELL_NAMES[c]} ${(100 * accuracy[c]).toFixed(0)}%`).join(', ')}`,
        xLabel,
        yLabel,
        series: seriesOf(trained),
        logY: true,
        height: 220,
      },
    ],
  );
  const files = [writeFigure(join(out, 'gradient-flow.svg'), svg)];
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${seconds.toFixed(0)} s; reproduce: ${labCommand('lab:gradient-flow', '@rnn-course/lstm-gru', args)}`,
  );
  console.log(`wrote ${files.join(', ')}`);
  return { config, impl: lab.impl, initial, trained, accuracy, seconds, files };
}

runIfMain(import.meta.url, main);
