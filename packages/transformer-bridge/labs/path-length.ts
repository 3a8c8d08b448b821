/**
 * Lab: path length, measured. ‖∂y_{T−1}/∂x_0‖_F, how strongly the last output depends on the
 * first input, against the sequence length T, for a vanilla RNN (chapter 1) and for one head
 * of causal self-attention (eq. 4.15). In the RNN the signal crosses T − 1 recurrent steps; in
 * self-attention it crosses one, whatever T is.
 *
 *   npm run lab:path-length -w @rnn-course/transformer-bridge [-- --quick | --impl exercises]
 *
 * With `--impl exercises` (or `solutions`) the norms come from the hand-derived Jacobians of
 * transformer-bridge/rnn-path-length-gradient and self-attention-path-length-gradient; an
 * exercise not written yet falls back to the reference, and the lab says so.
 *
 * Figure: figures/path-length.svg. Chapter 4, "Path length, measured".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, narrow, orthogonal, randn, scale, uniformRnnInit, zeros } from '@rnn-course/core';
import {
  labCommand,
  stackedLineCharts,
  outputDir,
  parseLabArgs,
  progress,
  runIfMain,
  usage,
  writeFigure,
} from '@rnn-course/lab';
import { loadPathLength } from './impl';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Sizes of a run. */
export interface PathLengthConfig {
  lengths: number[]; // T
  width: number; // D = H = dk = dv
  seeds: number; // independent draws averaged (geometric mean) per point
}

export const FULL: PathLengthConfig = {
  lengths: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  width: 16,
  seeds: 16,
};

export const QUICK: PathLengthConfig = { lengths: [1, 2, 4, 8], width: 4, seeds: 2 };

/** The curves: a name and the norm at each length. */
export interface PathLengthResult {
  config: PathLengthConfig;
  impl: string;
  /** Whose code each function was (the lines the lab prints). */
  report: string[];
  curves: { name: string; norms: number[] }[];
  files: string[];
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<PathLengthResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/path-length.ts [flags]\n${usage()}`);
    return undefined;
  }
  const config = args.quick ? QUICK : FULL;
  const lab = await loadPathLength(args.impl);
  for (const line of lab.report) console.log(`  ${line}`);
  const out = outputDir(args, FIGURES, 'transformer-bridge');
  const W = config.width;
  const Tmax = Math.max(...config.lengths);
  const names = [
    'RNN, PyTorch initialisation',
    'RNN, W_h orthogonal (ρ = 1), small inputs',
    'self-attention, one head',
  ];
  // logs[c][k]: Σ over seeds of log norm, for curve c at length k (a geometric mean at the end).
  const logs = names.map(() => config.lengths.map(() => 0));
  const bar = progress(config.seeds * config.lengths.length, 'path length');
  for (let s = 0; s < config.seeds; s++) {
    const rng = new Rng(args.seed * 1000 + s);
    const xs = randn([1, Tmax, W], rng); // [1, Tmax, W], prefixes give every length
    const h0 = zeros([1, W]);
    const torchInit = {
      Wx: uniformRnnInit([W, W], W, rng).detach(),
      Wh: uniformRnnInit([W, W], W, rng).detach(),
      b: uniformRnnInit([W], W, rng).detach(),
    };
    // The regime where an RNN carries a signal furthest (chapter 1, Figure 1.4): all singular
    // values of W_h equal to 1 and inputs small enough that tanh stays nearly linear.
    const unit = {
      Wx: randn([W, W], rng, { std: 0.05 / Math.sqrt(W) }),
      Wh: scale(orthogonal([W, W], rng).detach(), 1),
      b: zeros([W]),
    };
    const attn = [0, 1, 2].map(() => randn([W, W], rng, { std: 1 / Math.sqrt(W) })); // Wq, Wk, Wv
    config.lengths.forEach((T, k) => {
      const x = narrow(xs, 1, 0, T); // [1, T, W]
      const norms = [
        lab.rnnPathLengthGradient(x, h0, torchInit.Wx, torchInit.Wh, torchInit.b),
        lab.rnnPathLengthGradient(x, h0, unit.Wx, unit.Wh, unit.b),
        lab.selfAttentionPathLengthGradient(x, attn[0]!, attn[1]!, attn[2]!),
      ];
      norms.forEach((v, c) => (logs[c]![k]! += Math.log(v) / config.seeds));
      bar.tick();
    });
  }
  bar.done();
  const curves = names.map((name, c) => ({ name, norms: logs[c]!.map(Math.exp) }));
  for (const { name, norms } of curves) {
    console.log(
      `${name}: ${config.lengths.map((T, k) => `T=${T} ${norms[k]!.toExponential(2)}`).join(', ')}`,
    );
  }
  const files = [
    writeFigure(
      join(out, 'path-length.svg'),
      await stackedLineCharts(
        `How much does the last output depend on the first input? Width ${W}, ${lab.impl}`,
        [false, true].map((zoom) => ({
          title: zoom
            ? 'the same, without the RNN at PyTorch initialisation'
            : `‖∂y_T−1/∂x_0‖_F relative to its value at T = 1 (geometric mean of ${config.seeds} draws)`,
          xLabel: 'sequence length T (log scale)',
          yLabel: 'relative norm (log scale)',
          // The RNN at PyTorch initialisation last, so that the other curves keep their colours
          // in the zoomed panel, which leaves it out.
          series: [
            ...[1, 2].map((c) => ({
              name: curves[c]!.name,
              points: config.lengths.map(
                (T, k) => [T, curves[c]!.norms[k]! / curves[c]!.norms[0]!] as [number, number],
              ),
            })),
            {
              name: '1 / T',
              points: config.lengths.map((T) => [T, 1 / T] as [number, number]),
              dashed: true,
            },
            ...(zoom
              ? []
              : [
                  {
                    name: curves[0]!.name,
                    points: config.lengths.map(
                      (T, k) =>
                        [T, curves[0]!.norms[k]! / curves[0]!.norms[0]!] as [number, number],
                    ),
                  },
                ]),
          ],
          logX: true,
          logY: true,
          height: 200,
        })),
      ),
    ),
  ];
  console.log(
    `reproduce: ${labCommand('lab:path-length', '@rnn-course/transformer-bridge', args)}`,
  );
  console.log(`wrote ${files.join(', ')}`);
  return { config, impl: lab.impl, report: lab.report, curves, files };
}

runIfMain(import.meta.url, main);
