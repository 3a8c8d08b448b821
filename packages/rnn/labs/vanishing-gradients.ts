/**
 * Lab: vanishing and exploding gradients.
 *
 * 1. ‖∂h_{T−1}/∂h_t‖_F against the distance T−1−t (eqs. 1.14–1.15) for W_h = ρ Q, Q a random
 *    orthogonal matrix, so that every singular value of W_h (and its spectral radius) is ρ.
 *    The same inputs and the same Q for every ρ. Figure: figures/gradient-norms.svg.
 * 2. The same small character model trained twice with plain SGD from the same start, with and
 *    without clipping by the global norm (eq. 1.12): the gradient norm and the loss per step.
 *    Figure: figures/clipping.svg.
 *
 *   npm run lab:gradients -w @rnn-course/rnn [-- --quick | --impl exercises | --seed N]
 *
 * With `--impl exercises` the norms come from your hiddenGradientNorms and the training from
 * your layers and clipGradNorm. Chapter 1, "Vanishing and exploding gradients".
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, SGD, noGrad, orthogonal, randn, scale, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  labCommand,
  loadCorpus,
  parseLabArgs,
  progress,
  runIfMain,
  stackedLineCharts,
  usage,
  writeFigure,
  outputDir,
} from '@rnn-course/lab';
import { CharRnn, buildVocab, referenceLayers, textChunks } from '../src/index';
import type { TextChunk } from '../src/index';
import { loadImpl } from './impl';
import type { LabImpl } from './impl';

const FIGURES = fileURLToPath(new URL('../figures', import.meta.url));

/** Sizes of a run. */
export interface GradientsLabConfig {
  radii: number[]; // spectral radii ρ of W_h
  hiddenSize: number; // H
  inputSize: number; // D
  length: number; // T
  /** Standard deviations of the input drive x_t Wx per unit: one panel each. */
  inputScales: number[];
  // The clipping experiment.
  clipHidden: number;
  clipRadius: number; // ρ of the initial W_h
  clipBatch: number;
  clipSeqLen: number;
  clipSteps: number;
  clipLr: number;
  clipMaxNorm: number;
  clipChars: number;
}

export const FULL: GradientsLabConfig = {
  radii: [0.5, 0.9, 1.0, 1.1, 1.5],
  hiddenSize: 64,
  inputSize: 8,
  length: 60,
  inputScales: [0.05, 1],
  clipHidden: 64,
  clipRadius: 1.2,
  clipBatch: 16,
  clipSeqLen: 50,
  clipSteps: 200,
  clipLr: 0.5,
  clipMaxNorm: 1,
  clipChars: 100_000,
};

export const QUICK: GradientsLabConfig = {
  ...FULL,
  radii: [0.5, 1.0, 1.5],
  hiddenSize: 16,
  length: 20,
  clipHidden: 16,
  clipBatch: 8,
  clipSeqLen: 20,
  clipSteps: 25,
  clipChars: 20_000,
};

/** The measurement for one spectral radius. */
export interface RadiusNorms {
  radius: number;
  /** ‖∂h_{T−1}/∂h_{T−1−d}‖_F by distance d = T−1−t */
  byDistance: number[];
  /** mean |h_t[i]| over every step and unit: near 0 the tanh is linear, near 1 it saturates */
  meanAbsH: number;
}

/** What a run measured. */
export interface GradientsLabResult {
  config: GradientsLabConfig;
  /** One panel per input scale, one entry per radius. */
  norms: { inputScale: number; byRadius: RadiusNorms[] }[];
  /** Per step: gradient norm before clipping, and the chunk's loss per character. */
  runs: { name: string; gradNorm: number[]; loss: number[] }[];
  files: string[];
}

/** Part 1: the norms for every radius, by distance d = T−1−t. */
export function normsByRadius(
  config: GradientsLabConfig,
  lab: LabImpl,
  seed: number,
  inputScale: number,
): RadiusNorms[] {
  const { hiddenSize: H, inputSize: D, length: T } = config;
  const rng = new Rng(seed);
  const x = randn([1, T, D], rng); // [1, T, D]
  // x_t Wx has entries of standard deviation inputScale: x ~ N(0, 1), Wx ~ N(0, scale²/D).
  const Wx = randn([D, H], rng, { std: inputScale / Math.sqrt(D) }); // [D, H]
  const Q = orthogonal([H, H], rng); // [H, H], all singular values 1
  const b = zeros([H]);
  const h0 = zeros([1, H]);
  return config.radii.map((radius) => {
    const Wh = scale(Q.detach(), radius); // [H, H], all singular values ρ
    const norms = lab.hiddenGradientNorms(x, h0, Wx.detach(), Wh, b); // T entries, by t
    const h = noGrad(() => referenceLayers.rnn(x, h0, Wx.detach(), Wh, b)); // [1, T, H]
    let meanAbsH = 0;
    for (const v of h.data) meanAbsH += Math.abs(v) / h.size;
    return { radius, byDistance: norms.slice().reverse(), meanAbsH }; // by d = T−1−t
  });
}

/** The distances the lab prints (the chapter quotes them): 0, 10, 30 and T − 1, those below T. */
export function reportedDistances(T: number): number[] {
  return [...new Set([0, 10, 30, T - 1])].filter((d) => d >= 0 && d < T).sort((a, b) => a - b);
}

/** Part 2: one training run of a small character model, SGD, with or without clipping. */
function trainRun(
  config: GradientsLabConfig,
  lab: LabImpl,
  chunks: readonly TextChunk[],
  V: number,
  seed: number,
  maxNorm: number | undefined,
  label: string,
): { gradNorm: number[]; loss: number[] } {
  const H = config.clipHidden;
  const rng = new Rng(seed);
  const model = new CharRnn({ vocabSize: V, embedDim: 16, hiddenSize: H }, rng, lab.layers);
  // Start from W_h = ρ Q with ρ > 1, the regime where gradients can explode.
  model.params.Wh.data.set(scale(orthogonal([H, H], rng), config.clipRadius).data);
  const params = model.parameters();
  const names = ['We', 'Wx', 'Wh', 'b', 'Wy', 'by'];
  const optimizer = new SGD(params, { lr: config.clipLr });
  const gradNorm: number[] = [];
  const loss: number[] = [];
  let h: Tensor = model.initialState(config.clipBatch);
  const bar = progress(config.clipSteps, label);
  for (let step = 0; step < config.clipSteps; step++) {
    const chunk = chunks[step % chunks.length] as TextChunk;
    if (step % chunks.length === 0) h = model.initialState(config.clipBatch);
    optimizer.zeroGrad();
    const out = model.forward(chunk, h);
    const perChar = out.loss.item() / config.clipSeqLen;
    if (!Number.isFinite(perChar)) {
      // Diverged: the parameters are no longer finite numbers; stop this run.
      bar.log(`${label}: loss is ${perChar} at step ${step}, stopping this run`);
      break;
    }
    out.loss.backward();
    h = out.hNext;
    const grads: Record<string, Tensor> = {};
    params.forEach((p, i) => {
      if (p.grad) grads[names[i] as string] = p.grad;
    });
    // Without clipping, a threshold of Infinity leaves the gradients as they are.
    const { grads: clipped, totalNorm } = lab.clipGradNorm(
      grads,
      maxNorm ?? Number.POSITIVE_INFINITY,
    );
    params.forEach((p, i) => {
      const g = clipped[names[i] as string];
      if (g) p.grad = g;
    });
    optimizer.step();
    gradNorm.push(totalNorm);
    loss.push(perChar);
    bar.tick(perChar, `‖g‖ ${totalNorm.toFixed(2)}`);
  }
  bar.done();
  return { gradNorm, loss };
}

/** Runs the lab; `argv` are the command-line flags (see `usage()`). */
export async function main(argv: string[]): Promise<GradientsLabResult | undefined> {
  const args = parseLabArgs(argv);
  if (args.help) {
    console.log(`usage: tsx labs/vanishing-gradients.ts [flags]\n${usage()}`);
    return undefined;
  }
  const base = args.quick ? QUICK : FULL;
  const config: GradientsLabConfig = { ...base, clipSteps: args.steps ?? base.clipSteps };
  const out = outputDir(args, FIGURES, 'rnn');
  const lab = await loadImpl(args.impl);
  for (const line of lab.report) console.log(`  ${line}`);

  // Part 1: one panel per input scale, one curve per radius.
  const norms = config.inputScales.map((inputScale) => ({
    inputScale,
    byRadius: normsByRadius(config, lab, args.seed, inputScale),
  }));
  const distances = reportedDistances(config.length);
  for (const { inputScale, byRadius } of norms) {
    for (const { radius, byDistance, meanAbsH } of byRadius) {
      const at = distances.map((d) => (byDistance[d] as number).toExponential(2));
      console.log(
        `inputs ${inputScale}, ρ = ${radius}: mean |h| ${meanAbsH.toFixed(3)}; ` +
          `norm at distance ${distances.join(', ')}: ${at.join(', ')}`,
      );
    }
  }
  const files = [
    writeFigure(
      join(out, 'gradient-norms.svg'),
      await stackedLineCharts(
        `How far back does the gradient reach? ‖∂h_T−1/∂h_t‖_F, W_h = ρQ, H = ${config.hiddenSize}`,
        norms.map(({ inputScale, byRadius }) => ({
          title:
            inputScale < 0.5
              ? `small inputs (x_t Wx of std ${inputScale}): tanh nearly linear`
              : `large inputs (x_t Wx of std ${inputScale}): tanh saturates`,
          xLabel: 'distance in time, T − 1 − t',
          yLabel: 'Frobenius norm (log scale)',
          series: byRadius.map(({ radius, byDistance }) => ({
            name: `ρ = ${radius.toFixed(1)}`,
            points: byDistance.map((v, d) => [d, v] as [number, number]),
          })),
          logY: true,
          height: 220,
        })),
      ),
    ),
  ];

  // Part 2.
  const corpus = loadCorpus({ maxChars: config.clipChars });
  const vocab = buildVocab(corpus.text);
  const chunks = textChunks(vocab.encode(corpus.text), config.clipBatch, config.clipSeqLen);
  const runs = [
    {
      name: 'no clipping',
      ...trainRun(config, lab, chunks, vocab.size, args.seed, undefined, 'no clipping'),
    },
    {
      name: `clipping at ${config.clipMaxNorm}`,
      ...trainRun(config, lab, chunks, vocab.size, args.seed, config.clipMaxNorm, 'clipping'),
    },
  ];
  for (const r of runs) {
    const max = Math.max(...r.gradNorm);
    console.log(
      `${r.name}: ${r.loss.length} steps, largest gradient norm ${max.toExponential(2)}, ` +
        `final loss ${(r.loss.at(-1) ?? NaN).toFixed(3)} nats/char`,
    );
  }
  const perStep = (values: number[]): [number, number][] => values.map((v, i) => [i + 1, v]);
  files.push(
    writeFigure(
      join(out, 'clipping.svg'),
      await stackedLineCharts('Exploding gradients, with and without clipping', [
        {
          title: 'gradient norm before clipping',
          subtitle: `SGD lr ${config.clipLr}, initial W_h = ${config.clipRadius}·Q, H = ${config.clipHidden}, T = ${config.clipSeqLen}`,
          xLabel: 'training step',
          yLabel: '‖g‖ (log scale)',
          series: runs.map((r) => ({ name: r.name, points: perStep(r.gradNorm) })),
          logY: true,
          height: 200,
        },
        {
          title: 'training loss',
          xLabel: 'training step',
          yLabel: 'loss per character (nats, log scale)',
          series: runs.map((r) => ({ name: r.name, points: perStep(r.loss) })),
          logY: true,
          height: 200,
        },
      ]),
    ),
  );
  console.log(`reproduce: ${labCommand('lab:gradients', '@rnn-course/rnn', args)}`);
  console.log(`wrote ${files.join(', ')}`);
  return { config, norms, runs, files };
}

runIfMain(import.meta.url, main);
