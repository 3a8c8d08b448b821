/**
 * Lab: how the cost of a layer grows with the sequence length, for a vanilla RNN (chapter 1),
 * an LSTM and a causal self-attention layer of the same width, on this machine.
 *
 * For each length T it times one forward and one backward pass (the fastest of several
 * interleaved runs) and reads two numbers off the autograd graph: the operations recorded and
 * the longest chain of operations that must run one after another (Vaswani et al. 2017,
 * table 1: "sequential operations"). Figure: figures/parallelism.svg; table:
 * figures/parallelism.md.
 *
 *   npm run lab:parallelism -w @rnn-course/transformer-bridge [-- --quick | --seed N]
 *
 * Chapter 4, "Parallelism, measured".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, mul, randn, sum, uniformRnnInit, zeros } from '@rnn-course/core';
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
import { rnn } from '@rnn-course/rnn';
import { causalMask, initMultiHeadAttention, multiHeadAttention } from '../src/index';
import { graphShape } from './graph-depth';
import { lstm, lstmParams } from './lstm-temporary';
import { markdownReport } from './report';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Sizes of a run. */
export interface ParallelismConfig {
  lengths: number[]; // sequence lengths T
  batch: number; // N
  width: number; // D = H = E
  heads: number; // h of the attention layer
  repeats: number; // timed rounds over every (layer, T); the fastest of each is reported
}

export const FULL: ParallelismConfig = {
  lengths: [8, 16, 32, 64, 128, 256, 512],
  batch: 4,
  width: 64,
  heads: 4,
  repeats: 15,
};

export const QUICK: ParallelismConfig = {
  lengths: [4, 8, 16],
  batch: 2,
  width: 8,
  heads: 2,
  repeats: 1,
};

/** The three layers compared, each a function of its input `[N, T, W]`. */
export const LAYERS = ['RNN', 'LSTM', 'self-attention'] as const;
export type LayerName = (typeof LAYERS)[number];

/** One measurement. */
export interface ParallelismRow {
  layer: LayerName;
  T: number;
  forwardMs: number;
  backwardMs: number;
  ops: number; // operations recorded by autograd
  depth: number; // longest chain of dependent operations
}

/** What a run measured. */
export interface ParallelismResult {
  config: ParallelismConfig;
  parameters: Record<LayerName, number>;
  rows: ParallelismRow[];
  files: string[];
}

/** Builds each layer with its parameters (trainable leaves, so that backward fills them). */
function buildLayers(config: ParallelismConfig, rng: Rng) {
  const W = config.width;
  const rnnParams = {
    Wx: uniformRnnInit([W, W], W, rng),
    Wh: uniformRnnInit([W, W], W, rng),
    b: uniformRnnInit([W], W, rng),
  };
  const cell = lstmParams(W, W, rng);
  const attn = initMultiHeadAttention(W, rng);
  const size = (ts: Tensor[]): number => ts.reduce((s, t) => s + t.size, 0);
  const layers: Record<LayerName, (x: Tensor) => Tensor> = {
    RNN: (x) => rnn(x, zeros([x.shape[0] as number, W]), rnnParams.Wx, rnnParams.Wh, rnnParams.b),
    LSTM: (x) => {
      const h0 = zeros([x.shape[0] as number, W]);
      return lstm(x, h0, h0, cell.Wx, cell.Wh, cell.b).h;
    },
    'self-attention': (x) =>
      multiHeadAttention(x, x, x, attn, config.heads, causalMask(x.shape[1] as number)).out,
  };
  const parameters: Record<LayerName, number> = {
    RNN: size(Object.values(rnnParams)),
    LSTM: size(Object.values(cell)),
    'self-attention': size(Object.values(attn)),
  };
  return { layers, parameters };
}

/** One (layer, length) to time: its function, input and upstream gradient. */
interface Case {
  layer: LayerName;
  T: number;
  f: (x: Tensor) => Tensor;
  x: Tensor; // [N, T, W], requires grad
  dout: Tensor; // [N, T, W]
}

/** One forward pass (building the graph) and one backward pass, timed separately. */
function timeOnce(c: Case): { forwardMs: number; backwardMs: number } {
  const t0 = performance.now();
  const out = sum(mul(c.f(c.x), c.dout)); // the scalar whose gradient backward computes
  const t1 = performance.now();
  out.backward();
  const t2 = performance.now();
  return { forwardMs: t1 - t0, backwardMs: t2 - t1 };
}

/**
 * Times every case `repeats` times and keeps the fastest of each. The repeats are interleaved
 * (every case once, then every case again, …) after one warm-up round, so that a busy spell of
 * the shared machine slows one sample of many cases rather than every sample of one case.
 */
export function measureAll(
  cases: readonly Case[],
  repeats: number,
  onRound: () => void,
): ParallelismRow[] {
  for (const c of cases) timeOnce(c); // warm-up: compiles every code path
  const best = cases.map(() => ({ forwardMs: Infinity, backwardMs: Infinity }));
  for (let r = 0; r < repeats; r++) {
    cases.forEach((c, i) => {
      const t = timeOnce(c);
      const b = best[i]!;
      b.forwardMs = Math.min(b.forwardMs, t.forwardMs);
      b.backwardMs = Math.min(b.backwardMs, t.backwardMs);
    });
    onRound();
  }
  return cases.map((c, i) => ({ layer: c.layer, T: c.T, ...best[i]!, ...graphShape(c.f(c.x)) }));
}

/**
 * Multiply-adds of one forward pass, counted from the layers' equations (not measured): the
 * "complexity per layer" of Vaswani et al. 2017, table 1, with its constants.
 *
 * - RNN, eq. 1.1: x_t Wx and h_{t−1} Wh at each of the N·T positions, N·T·(W² + W²)
 * - LSTM: the same with 4W gate columns, N·T·(4W² + 4W²)
 * - attention, eqs. 4.1–4.7: four W×W projections per position, N·T·4W², plus the scores Q Kᵀ
 *   and the weighted sum A V over all T² pairs (the causal mask does not skip any), N·2T²·W
 */
export function multiplyAdds(layer: LayerName, N: number, T: number, W: number): number {
  if (layer === 'RNN') return N * T * 2 * W * W;
  if (layer === 'LSTM') return N * T * 8 * W * W;
  return N * T * 4 * W * W + N * 2 * T * T * W;
}

/** A Markdown table of the run, one row per length. */
export function table(rows: readonly ParallelismRow[], config: ParallelismConfig): string {
  const at = (layer: LayerName, T: number) =>
    rows.find((r) => r.layer === layer && r.T === T) as ParallelismRow;
  const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(0));
  const mega = (layer: LayerName, T: number): string =>
    (multiplyAdds(layer, config.batch, T, config.width) / 1e6).toFixed(T < 64 ? 2 : 1);
  const lines = [
    '| T | RNN fwd + bwd (ms) | LSTM fwd + bwd (ms) | attention fwd + bwd (ms) | RNN / attention | LSTM / attention | forward multiply-adds (millions): RNN, LSTM, attention | sequential ops: RNN, LSTM, attention |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const T of config.lengths) {
    const [r, l, a] = LAYERS.map((name) => at(name, T)) as [
      ParallelismRow,
      ParallelismRow,
      ParallelismRow,
    ];
    const total = (row: ParallelismRow): number => row.forwardMs + row.backwardMs;
    lines.push(
      `| ${T} | ${ms(total(r))} | ${ms(total(l))} | ${ms(total(a))} | ` +
        `${(total(r) / total(a)).toFixed(2)} | ${(total(l) / total(a)).toFixed(2)} | ` +
        `${LAYERS.map((name) => mega(name, T)).join(', ')} | ${r.depth}, ${l.depth}, ${a.depth} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<ParallelismResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/parallelism.ts [flags]\n${usage()}`);
    return undefined;
  }
  if (args.impl !== 'reference') {
    throw new Error('the parallelism lab times the reference layers only; drop --impl');
  }
  const config = args.quick ? QUICK : FULL;
  const out = outputDir(args, FIGURES, 'transformer-bridge');
  const rng = new Rng(args.seed);
  const { layers, parameters } = buildLayers(config, rng);
  console.log(
    `width ${config.width}, batch ${config.batch}; parameters: ` +
      LAYERS.map((l) => `${l} ${parameters[l]}`).join(', '),
  );
  const cases: Case[] = config.lengths.flatMap((T) =>
    LAYERS.map((layer) => ({
      layer,
      T,
      f: layers[layer],
      x: randn([config.batch, T, config.width], rng, { requiresGrad: true }), // [N, T, W]
      dout: randn([config.batch, T, config.width], rng), // [N, T, W]
    })),
  );
  const bar = progress(config.repeats, 'parallelism rounds');
  const rows = measureAll(cases, config.repeats, () => bar.tick());
  bar.done();
  const md = table(rows, config);
  console.log(md);
  const series = (value: (r: ParallelismRow) => number) =>
    LAYERS.map((layer) => ({
      name: layer,
      points: rows.filter((r) => r.layer === layer).map((r) => [r.T, value(r)] as [number, number]),
    }));
  const files = [
    writeFigure(
      join(out, 'parallelism.svg'),
      await stackedLineCharts(
        `RNN, LSTM and self-attention of width ${config.width}, batch ${config.batch}, on this machine`,
        [
          {
            title: 'time of one forward and one backward pass (fastest of runs)',
            xLabel: 'sequence length T',
            yLabel: 'milliseconds (log scale)',
            series: series((r) => r.forwardMs + r.backwardMs),
            logX: true,
            logY: true,
            height: 220,
          },
          {
            title: 'sequential operations: the longest chain in the autograd graph',
            xLabel: 'sequence length T',
            yLabel: 'operations (log scale)',
            series: series((r) => r.depth),
            logX: true,
            logY: true,
            height: 220,
          },
        ],
      ),
    ),
    writeFigure(
      join(out, 'parallelism.md'),
      markdownReport(
        'Parallelism, measured',
        `Width ${config.width}, batch ${config.batch}, the fastest of ${config.repeats} runs ` +
          'of one forward and one backward pass.',
        labCommand('lab:parallelism', '@rnn-course/transformer-bridge', args),
        md,
      ),
    ),
  ];
  console.log(
    `reproduce: ${labCommand('lab:parallelism', '@rnn-course/transformer-bridge', args)}`,
  );
  console.log(`wrote ${files.join(', ')}`);
  return { config, parameters, rows, files };
}

runIfMain(import.meta.url, main);
